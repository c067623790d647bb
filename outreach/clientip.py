"""The address of the client behind the reverse proxy, for rate limits and throttles.

nginx appends the address it saw to ``X-Forwarded-For`` ($proxy_add_x_forwarded_for), so
with N trusted proxies in front of the app the client is the N-th entry from the right.
Everything left of it was written by the client and may be made up: reading the leftmost
entry would let anyone pick their own rate-limit bucket. With no trusted proxy
(``TRUSTED_PROXY_COUNT = 0``, the default) the header is ignored and REMOTE_ADDR is the client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [entry for entry in entries if entry]
    if len(entries) < count:
        # Fewer hops than proxies: the request did not come through all of them.
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
