"""The shape of every page: run the page list on a small data set and on one twice its size;
a page whose SQL query count or number of rendered rows grows with the data fails.

Not a timing: a page that lists every row, or loads one relation per row, grows here long
before it is slow on a department's ten years (`make bench` measures those).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from outreach.department.bench.pages import ROLES, is_page, page_requests, rows_in
from outreach.department.bench.volume import grow

pytestmark = pytest.mark.django_db

# Rows the calendar bounds, not the record: the meetings, training sessions and scores of
# one semester; the seasons of a year.
BOUNDED_BY_THE_CALENDAR = {"outreach:meeting-list", "outreach:training-list"}


def _measure(world, page_list) -> dict[str, tuple[int, int]]:
    clients = {"": Client()}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(getattr(world, role).user)
    shape = {}
    for page in page_list:
        for who in [""] if page.public else ROLES:
            with CaptureQueriesContext(connection) as captured:
                response = clients[who].get(page.url, secure=True)
            if is_page(response):
                shape[page.url] = (len(captured), rows_in(response), who)
                break
    return shape


def test_no_page_grows_with_the_data(world):
    page_list = page_requests(world)
    grow(world, scale=0.002, hot=60, members=0, seed=1)
    small = _measure(world, page_list)
    grow(world, scale=0.002, hot=60, members=0, seed=2)
    double = _measure(world, page_list)
    assert len(small) > 100, "the page list should answer well over a hundred pages"
    grown = [
        f"{url} as {small[url][2] or 'visitor'}: queries {small[url][0]} -> {double[url][0]}, "
        f"rows {small[url][1]} -> {double[url][1]}"
        for url in small
        if url in double
        and (double[url][0] > small[url][0] or double[url][1] > small[url][1])
        and not any(name in url for name in ())
    ]
    assert not grown, "pages that grow with the data:\n" + "\n".join(grown)
