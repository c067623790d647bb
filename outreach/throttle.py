"""django-ratelimit, failing open when the cache does not answer.

The counts live in the shared cache (Redis). When it is down, django-ratelimit's Redis calls
raise; a student applying for a job must not get a server error because of that, so the
request goes through unlimited and the failure is logged for whoever watches the logs.
"""

import functools
import logging

from django.core.exceptions import ImproperlyConfigured
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)


def request_is_limited(request, *, group: str, rate, key="ip", method="POST") -> bool:
    """Count this request and say whether it is over the rate; False when the cache fails."""
    try:
        return is_ratelimited(request, group=group, key=key, rate=rate, method=method, increment=True)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # the cache backend's own errors (redis.ConnectionError, OSError, …)
        logger.warning(
            "Rate limit %s not checked (the cache did not answer: %r); letting the request through", group, exc
        )
        return False


def ratelimit(*, group: str, rate, key="ip", method="POST"):
    """Like django_ratelimit's decorator with block=False: sets ``request.limited``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            limited = request_is_limited(request, group=group, rate=rate, key=key, method=method)
            request.limited = limited or getattr(request, "limited", False)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
