"""bin/dev, the quick start's three processes: a crashed worker comes back, the web app stays up,
and Ctrl-C stops everything."""

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waiting for its parent has finished too.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def _healthz(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status
    except OSError:
        return None


class _DevServer:
    def __init__(self, tmp_path: Path):
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
        env.update(
            DEBUG="1",
            PORT=str(self.port),
            PYTHON=sys.executable,
            LOG_DIR=str(tmp_path / "log"),
            SECRET_KEY_FILE=str(tmp_path / "secret_key"),
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            RESTART_DELAY="1",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.pids: set[int] = set()
        self.process = subprocess.Popen(
            ["bin/dev"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)
            if started := re.search(r"(\w+) started \(pid (\d+)\)", line):
                self.pids.add(int(started.group(2)))
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s:\n{''.join(self.output)}")

    def started(self, name: str, timeout: float = 30) -> int:
        return int(self.wait_for(rf"{name} started \(pid (\d+)\)", timeout).group(1))

    def wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _healthz(self.port) == 200:
                return
            time.sleep(0.5)
        raise AssertionError(f"the web app did not answer within {timeout} s:\n{''.join(self.output)}")

    def clean_up(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for pid in self.pids:  # only the processes this test started
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_crashed_worker_is_started_again_and_ctrl_c_stops_everything(tmp_path):
    dev = _DevServer(tmp_path)
    try:
        worker = dev.started("worker")
        dev.wait_until_serving()

        os.kill(worker, signal.SIGKILL)
        dev.wait_for(r"worker exited", timeout=15)
        again = dev.started("worker", timeout=15)
        assert again != worker and _alive(again)
        assert dev.process.poll() is None, "bin/dev stopped when the worker died"
        assert _healthz(dev.port) == 200, "the web app went down with the worker"

        # Ctrl-C: the terminal sends SIGINT to the script; it stops the web app, worker and beat.
        dev.process.send_signal(signal.SIGINT)
        dev.process.wait(timeout=40)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (any(map(_alive, dev.pids)) or _healthz(dev.port) is not None):
            time.sleep(0.5)
        assert not [pid for pid in dev.pids if _alive(pid)], "the worker or beat outlived Ctrl-C"
        assert _healthz(dev.port) is None, "the web app outlived Ctrl-C"
    finally:
        dev.clean_up()
