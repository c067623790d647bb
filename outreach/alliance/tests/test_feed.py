"""Pulling a peer's feed from a local HTTP server the test starts on 127.0.0.1 (loopback only)."""

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from outreach.alliance import services, tasks
from outreach.alliance.bundles import BundleError
from outreach.alliance.models import BundleReceipt, Peer, ReceivedEntry, Via
from sponsors.tests.factories import MerchantFactory
from sponsors.warnings import warnings_for

from .helpers import SignedBy, blacklist_entry

pytestmark = pytest.mark.django_db


class Feed:
    """A tiny server: GET /feed.json answers `body`; /slow waits longer than the timeout;
    /huge sends more than the size limit without saying how much; /moved redirects."""

    def __init__(self):
        self.body = b""
        self.requests = 0
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                feed.requests += 1
                if self.path == "/slow":
                    time.sleep(2)
                if self.path == "/moved":
                    self.send_response(302)
                    self.send_header("Location", "http://127.0.0.1:1/feed.json")
                    self.end_headers()
                    return
                body = b"x" * 5000 if self.path == "/huge" else feed.body
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def feed():
    with Feed() as server:
        yield server


@pytest.fixture
def other():
    return SignedBy()


@pytest.fixture
def loopback():
    with override_settings(ALLIANCE_FEED_ALLOW_LOOPBACK_HTTP=True, ALLIANCE_FEED_TIMEOUT=0.5):
        yield


def make_peer(minister, other, url):
    return services.peer_create(
        by=minister, name="江城大学外联部", school=other.school, public_key=other.public_key, feed_url=url
    )


def test_the_daily_pull_imports_a_peers_feed(feed, other, minister, loopback, settings):
    settings.ALLIANCE_FEED_PULL = True
    merchant = MerchantFactory(name="金榜教育培训中心")
    peer = make_peer(minister, other, feed.url + "/feed.json")
    feed.body = other.bundle([blacklist_entry()])
    outcome = tasks.pull_alliance_feeds.delay().get()
    assert "新增 1 条" in outcome["江城大学外联部"]
    assert "江城大学外联部 2026-10 列入黑名单：收费兼职" in warnings_for(merchant)[0].text
    assert BundleReceipt.objects.get().via == Via.FEED
    peer.refresh_from_db()
    assert peer.last_pulled_at and not peer.last_pull_error
    assert feed.requests == 1


def test_the_pull_is_off_by_default(feed, other, minister, loopback):
    make_peer(minister, other, feed.url + "/feed.json")
    assert tasks.pull_alliance_feeds.delay().get() == {}
    assert feed.requests == 0


@pytest.mark.parametrize(
    ("path", "message"),
    [("/slow", "无法连接订阅地址"), ("/huge", "超过大小限制"), ("/moved", "返回错误 302")],
)
def test_a_slow_oversized_or_redirecting_feed_is_refused_in_bounded_time(
    feed, other, minister, loopback, path, message
):
    peer = make_peer(minister, other, feed.url + path)
    started = time.monotonic()
    with override_settings(ALLIANCE_BUNDLE_MAX_BYTES=1000), pytest.raises(BundleError, match=message):
        services.feed_pull(peer=peer)
    assert time.monotonic() - started < 1.9
    assert not ReceivedEntry.objects.exists()
    peer.refresh_from_db()
    assert message in peer.last_pull_error


def test_a_feed_answering_with_another_peers_bundle_is_undone(feed, other, minister, loopback):
    third = SignedBy(name="楚天大学外联部")
    peer = make_peer(minister, other, feed.url + "/feed.json")
    services.peer_create(by=minister, name="楚天大学外联部", school="楚天大学", public_key=third.public_key)
    feed.body = third.bundle([blacklist_entry()])
    with pytest.raises(BundleError, match="另一个部门"):
        services.feed_pull(peer=peer)
    assert not ReceivedEntry.objects.exists() and not BundleReceipt.objects.exists()


def test_feed_addresses_must_be_https(other, minister):
    with pytest.raises(ValidationError, match="https://"):
        make_peer(minister, other, "http://127.0.0.1:8000/alliance/feed.json")
    with pytest.raises(ValidationError, match="https://"):
        make_peer(minister, other, "ftp://example.edu.cn/feed.json")
    assert not Peer.objects.exists()
