"""Throwaway servers that a test starts and stops itself (never the shared ones)."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import kombu.pools
import pytest

from conftest import require
from outreach.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class RedisServer:
    """`redis-server --port <free port> --save ''`: a broker to stop and start at will."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not port_answers(self.port):
            assert time.monotonic() < deadline, "redis-server did not start within 10 s"
            assert self.process.poll() is None, "redis-server exited at start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    require(bool(shutil.which("redis-server")), "needs redis-server (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _drop_connections() -> None:
    """Forget the pooled broker connections, so the next task is queued on the new URL."""
    celery_app.pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu.pools.reset()


@contextmanager
def celery_broker(url: str):
    """Make this process queue tasks on `url` for real (the test settings run them eagerly)."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.broker_transport_options
    saved_environ = os.environ.get("CELERY_BROKER_URL")
    _drop_connections()
    # Celery reads the URL from the environment before its configuration.
    os.environ["CELERY_BROKER_URL"] = url
    conf.task_always_eager = False
    conf.broker_url = url
    conf.broker_transport_options = {"socket_connect_timeout": 2, "socket_timeout": 10}
    assert conf.broker_write_url == url, "tasks would go to another broker"
    try:
        yield
    finally:
        _drop_connections()
        conf.task_always_eager, conf.broker_url, conf.broker_transport_options = saved
        if saved_environ is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_environ
