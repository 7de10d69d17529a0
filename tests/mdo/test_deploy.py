import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "p7#x1-production-like-secret-key-with-enough-entropy-9f3kq0z2v8m4n6b1c5",
    "ALLOWED_HOSTS": "mdo-pilotage.mairie-lyon.fr",
    "DATABASE_URL": f"sqlite:///{ROOT / 'db.sqlite3'}",
}


def _manage(*args, env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest when it is collected in the same run.
    base = {k: v for k, v in os.environ.items()
            if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_production_profile_passes_check_deploy_without_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION_ENV}
    env.pop("SECRET_KEY")
    result = _manage("check", env={**env, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_development_profile_is_flagged_by_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={"DEBUG": "1"})
    assert result.returncode != 0
