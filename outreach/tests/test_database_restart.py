"""After PostgreSQL restarts, the next request works with no one restarting the app.

The test starts its own throwaway PostgreSQL (initdb in a temporary folder, a free port) and
a real gunicorn in front of the app; the shared server is never touched.
"""

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from conftest import require

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Postgres:
    """A PostgreSQL of our own: `pg_ctl` as the postgres user when the tests run as root."""

    def __init__(self, bin_dir: Path, folder: Path):
        self.bin_dir = bin_dir
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.port = _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off"
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def restart(self) -> None:
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "restart"
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def app_connections(self) -> int:
        """Client connections other than this one: the app's, kept between requests."""
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        try:
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                )
                return cursor.fetchone()[0]
        finally:
            conn.close()


@pytest.fixture
def throwaway_postgres():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    require(bool(found), "needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            require(False, "initdb refuses root and there is no postgres user to run it")
    folder = Path(tempfile.mkdtemp(prefix="outreach-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    server = _Postgres(Path(found[-1]).parent, folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _healthz(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:  # 503 carries the same body
        return error.code, json.loads(error.read())


@pytest.fixture
def gunicorn(throwaway_postgres):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "outreach.settings",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{throwaway_postgres.port}/postgres",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "outreach.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("gunicorn did not start within 60 s")
        yield port
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)


def test_the_request_after_a_postgresql_restart_works(throwaway_postgres, gunicorn):
    status, body = _healthz(gunicorn)
    assert body["database"] == "ok", (status, body)
    # The connection is kept for the next request (CONN_MAX_AGE), not opened anew each time…
    assert throwaway_postgres.app_connections() == 1

    throwaway_postgres.restart()

    # …so it is now dead; the health check before reuse (CONN_HEALTH_CHECKS) replaces it and
    # the very first request after the restart answers.
    status, body = _healthz(gunicorn)
    assert body["database"] == "ok", (status, body)
    assert throwaway_postgres.app_connections() == 1
