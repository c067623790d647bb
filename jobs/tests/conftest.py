import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache

from conftest import require


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    # django-ratelimit counts in the cache; each test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


class ThrowawayRedis:
    """A redis-server of the test's own on a free port, with nothing saved to disk; the
    shared Redis on 6379 is never touched. stop() and start() it to simulate an outage."""

    def __init__(self, tmp_path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def throwaway_redis(tmp_path):
    require(bool(shutil.which("redis-server")), "needs redis-server (apt-get install redis-server)")
    server = ThrowawayRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(settings, throwaway_redis):
    """The default cache (rate limits, the notice PDF) in the throwaway Redis."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": throwaway_redis.url}
    }
    return throwaway_redis
