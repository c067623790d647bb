"""The address of the person at the other end, for throttling, when proxies sit in between."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front, the address the outermost one saw.

    Each proxy appends the address it was connected from to X-Forwarded-For, so with N trusted
    proxies the client is the N-th entry from the right; anything further left was written by
    the client itself and may be forged. (django-ipware counts only the proxies listed inside
    the header, which is one fewer than stand in front of the app, hence this small function.)
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer entries than proxies: the request skipped the outer ones; the left-most is still
    # the closest to the client that a trusted proxy wrote.
    return hops[-count] if len(hops) >= count else hops[0]
