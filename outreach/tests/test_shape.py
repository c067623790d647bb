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

# Pages whose rows still grow with the data (issue 15, README "Performance"): queries stay
# fixed on them, but they list every row of something. Each needs a limit or a page; remove
# it from here when it has one. A page not listed here that starts growing fails the test.
STILL_GROWING = {
    "outreach:dashboard": "per-member panels list every member with a figure",
    "outreach:training-list": "one semester's sessions (bounded by the calendar)",
    "outreach:meeting-detail": "every share of the meeting",
    "outreach:semester-summary": "the semester's lists, cut at 20 each",
    "sponsors:board": "up to 40 cards a column",
    "sponsors:merchant-detail": "the merchant's open follow-ups and contacts",
    "sponsors:followups": "up to 50 a section",
    "events:event-list": "filtered by status: below a page of 25 in the small set",
    "events:event-detail": "every proposal and contract of the event",
    "events:contract-list": "the filter's <select> of every event",
    "events:payment-list": "the filter's <select> of every event",
    "jobs:screening": "a page of 25, each with its criteria",
}


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
                shape[page.url] = (len(captured), rows_in(response), who, page.name)
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
        and not (double[url][0] == small[url][0] and small[url][3] in STILL_GROWING)
    ]
    assert not grown, "pages that grow with the data:\n" + "\n".join(grown)
