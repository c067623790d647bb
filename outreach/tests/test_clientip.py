import pytest
from django.test import RequestFactory

from outreach.clientip import client_ip


def _request(forwarded_for=None, remote="10.1.1.1"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.7")) == "10.1.1.1"


@pytest.mark.parametrize(
    ("count", "forwarded_for", "client"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the leftmost entry is the client's own claim
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_nth_entry_from_the_right(settings, count, forwarded_for, client):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(forwarded_for)) == client


@pytest.mark.parametrize("forwarded_for", [None, "", "203.0.113.7", "not-an-address, ", "203.0.113.7, garbage"])
def test_a_short_or_garbled_header_falls_back_to_the_peer(settings, forwarded_for):
    settings.TRUSTED_PROXY_COUNT = 2 if forwarded_for == "203.0.113.7" else 1
    assert client_ip(_request(forwarded_for)) == "10.1.1.1"
