import pytest

from outreach.tests.servers import private_redis  # noqa: F401  (a fixture)
from outreach.tests.world import build_world


@pytest.fixture
def world(officer, vice_minister, minister, advisor):
    """One of each thing a URL can point at (outreach.pagelist fills its URLs with it)."""
    return build_world(officer=officer, vice_minister=vice_minister, minister=minister, advisor=advisor)
