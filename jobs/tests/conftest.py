import pytest
from django.core.cache import cache

from outreach.tests.servers import private_redis  # noqa: F401 (a fixture: a redis-server of the test's own)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    # django-ratelimit counts in the cache; each test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_cache(settings, private_redis):  # noqa: F811 (the fixture imported above)
    """The default cache (rate limits, the notice PDF) in the throwaway Redis."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": private_redis.url}
    }
    return private_redis
