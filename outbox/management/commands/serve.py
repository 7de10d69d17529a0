"""`manage.py serve`: the development web server and the task consumer, started and stopped together.

`make run` uses it, so that e-mails leave and long jobs run without a second terminal. Either process
ending (or Ctrl-C, or SIGTERM) stops the other.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Lance le serveur web de développement et le consommateur de tâches (Huey), et les arrête ensemble."

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default=f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
        )
        parser.add_argument("--workers", type=int, default=None, help="fils du consommateur (HUEY_WORKERS par défaut)")

    def handle(self, *args, addrport, workers, **options):
        manage = [sys.executable, sys.argv[0]] if sys.argv[0].endswith("manage.py") else [sys.executable, "manage.py"]
        consumer_cmd = [*manage, "run_huey"] + (["--workers", str(workers)] if workers else [])
        # --noreload: the autoreloader would fork a child that outlives a SIGTERM sent to its parent.
        web_cmd = [*manage, "runserver", "--noreload", addrport]
        processes = [subprocess.Popen(consumer_cmd), subprocess.Popen(web_cmd)]
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(process.poll() is None for process in processes):
                time.sleep(0.3)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 15
            for process in processes:
                try:
                    process.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        codes = [process.returncode for process in processes]
        if not stopping and any(codes):
            raise SystemExit(next(code for code in codes if code))
