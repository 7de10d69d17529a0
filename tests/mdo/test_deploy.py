import json
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
    # The browser tests lift the async guard for the test process only; production never has it.
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
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


def test_the_readme_directory_variables_configure_entra_id_and_active_directory():
    """The README's Entra ID and Active Directory examples, as an operator would export them, read by the settings."""
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'backends': s.AUTHENTICATION_BACKENDS, 'issuer': s.OIDC_ISSUER, "
        "'client': [s.OIDC_RP_CLIENT_ID, s.OIDC_RP_CLIENT_SECRET], 'claims': [s.OIDC_USERNAME_CLAIM, "
        "s.OIDC_GROUPS_CLAIM], 'pkce': s.OIDC_USE_PKCE, 'nonce': s.OIDC_USE_NONCE, 'local': s.LOCAL_PASSWORDS, "
        "'break_glass': s.BREAK_GLASS_USERNAME, 'ldap': s.AUTH_LDAP_SERVER_URI, 'bind': s.AUTH_LDAP_BIND_DN, "
        "'user_search': [s.AUTH_LDAP_USER_SEARCH.base_dn, s.AUTH_LDAP_USER_SEARCH.filterstr], "
        "'group_search': s.AUTH_LDAP_GROUP_SEARCH.base_dn, 'group_type': type(s.AUTH_LDAP_GROUP_TYPE).__name__, "
        "'ca': s.AUTH_LDAP_CONNECTION_OPTIONS}))"
    )
    user_filter = "(&(sAMAccountName=%(user)s)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"
    env = {
        "OIDC_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0",
        "OIDC_CLIENT_ID": "application-id",
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_USERNAME_CLAIM": "preferred_username",
        "OIDC_GROUPS_CLAIM": "groups",
        "LOCAL_PASSWORDS": "0",
        "BREAK_GLASS_USERNAME": "admin.secours",
        "LDAP_SERVER_URI": "ldaps://ad.ville.fr",
        "LDAP_CA_CERT_FILE": "/etc/ssl/certs/ac-ville.pem",
        "LDAP_BIND_DN": "CN=svc-mdo,OU=Services,DC=ville,DC=fr",
        "LDAP_BIND_PASSWORD": "mot-de-passe",
        "LDAP_USER_SEARCH_BASE": "OU=Agents,DC=ville,DC=fr",
        "LDAP_USER_FILTER": user_filter,
        "LDAP_GROUP_SEARCH_BASE": "OU=Groupes,DC=ville,DC=fr",
        "LDAP_GROUP_TYPE": "nestedActiveDirectory",
    }
    result = _manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout.strip().splitlines()[-1])
    assert read["backends"][-2:] == ["mdo.directory.CityOIDCBackend", "mdo.directory.CityLDAPBackend"]
    assert read["issuer"] == env["OIDC_ISSUER"]
    assert read["client"] == ["application-id", "secret"]
    assert read["claims"] == ["preferred_username", "groups"]
    assert read["pkce"] is True and read["nonce"] is True
    assert read["local"] is False and read["break_glass"] == "admin.secours"
    assert read["ldap"] == "ldaps://ad.ville.fr" and read["bind"] == env["LDAP_BIND_DN"]
    assert read["user_search"] == ["OU=Agents,DC=ville,DC=fr", user_filter]
    assert read["group_search"] == "OU=Groupes,DC=ville,DC=fr"
    assert read["group_type"] == "NestedActiveDirectoryGroupType"
    assert "/etc/ssl/certs/ac-ville.pem" in read["ca"].values()
