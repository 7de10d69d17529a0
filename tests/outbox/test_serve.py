"""`manage.py serve` (what `make run` starts): the web server and the task consumer, stopped together."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.real_consumer]


def _children(pid: int) -> list[tuple[int, str]]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            found.append((int(child), cmdline))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status").read_text() if Path(f"/proc/{pid}").exists() else ""
    return "State:\tZ" not in status


def test_serve_starts_web_server_and_consumer_on_host_and_port_and_stops_both(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MDO_TEST", "PYTEST", "REDIS_URL"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "HUEY_FILE": str(tmp_path / "huey.sqlite3"),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "DJANGO_SETTINGS_MODULE": "mdo.settings",
        }
    )
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).status
            except urllib.error.HTTPError as error:
                status = error.code  # an empty database answers 503: the server is up all the same
            except OSError:
                time.sleep(0.5)
        assert status in (200, 503)
        children = _children(serve.pid)
        assert any("run_huey" in cmd for _, cmd in children) and any("runserver" in cmd for _, cmd in children)
        assert (tmp_path / "huey.sqlite3").exists()  # the queue is the file beside the database
        serve.send_signal(signal.SIGTERM)
        serve.wait(30)
        time.sleep(0.5)
        assert not any(_alive(pid) for pid, _ in children)
    finally:
        if serve.poll() is None:
            serve.kill()
