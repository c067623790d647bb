"""The shape of every page: run the page list on a small data set and on one twice its size;
a page whose SQL query count grows with the data fails, and so does one whose number of
rendered rows grows, unless its rows are capped (CAPPED: then they stay within the cap).

Not a timing: a page that lists every row, or loads one relation per row, grows here long
before it is slow on a department's ten years (`make bench` measures those).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from outreach.department.bench.pages import ROLES, is_page, page_requests, rows_in
from outreach.department.bench.volume import grow
from outreach.department.dashboard import DASHBOARD_ROWS
from outreach.department.summary import PROBLEM_LIST_LIMIT
from outreach.department.views import MEETING_SHARES_PAGE
from outreach.listing import PER_PAGE
from sponsors.queries import BOARD_COLUMN_LIMIT, BOARD_STAGES, FOLLOWUP_SECTION_LIMIT
from sponsors.views import SECTION_PAGE, TIMELINE_STEP

pytestmark = pytest.mark.django_db

# Rows any page may have whatever the data: the menu, the language picker, the fixed choices
# of filters and forms (stages, statuses, the department's members), headings and empty rows.
CHROME = 80

# Pages whose rows grow with the data up to a cap, page size or calendar bound (issue 15,
# README "Performance"): {name: (most rows on the double data set, why)}. Their queries must
# not grow, and their rows stay at most the bound, so a cap that disappears is caught where the
# double data set passes it (the meeting's shares, the screening page, the officer's
# follow-ups) and the bound holds wherever the data goes.
CAPPED = {
    "outreach:dashboard": (
        CHROME + 11 * DASHBOARD_ROWS + 36 + 10,
        "eleven panels of ten rows (the rest behind their links), the stage moves (at most 36 pairs), ten industries",
    ),
    "outreach:training-list": (CHROME + 120, "one semester's sessions (bounded by the calendar)"),
    "outreach:meeting-detail": (CHROME + 30 + 2 * MEETING_SHARES_PAGE, "20 shares a page, 30 agenda candidates"),
    "outreach:semester-summary": (
        CHROME + 2 * PROBLEM_LIST_LIMIT + 120 + 60,
        "problem lists cut at 20 each; the semester's sessions, meetings and employers",
    ),
    "sponsors:board": (CHROME + len(BOARD_STAGES) * BOARD_COLUMN_LIMIT * 3, "up to 20 cards a column"),
    "sponsors:merchant-detail": (
        CHROME + TIMELINE_STEP + 1 + 2 * SECTION_PAGE,
        "30 timeline entries, 10 open follow-ups and 10 contacts a page",
    ),
    "sponsors:followups": (CHROME + 2 * (3 * FOLLOWUP_SECTION_LIMIT + 10), "up to 50 a section, the last 10 done"),
    "jobs:screening": (CHROME + 3 * PER_PAGE, "a page of 25, each with its criteria"),
    "events:event-list": (CHROME + 2 * PER_PAGE, "25 events a page, each a phone card and a table row"),
}


def _measure(world, page_list) -> dict[str, tuple[int, int, str, str]]:
    # grow() inserts in bulk, which sends no signal: start from nothing cached (the dashboard
    # and the summary are cached under the record's generation).
    cache.clear()
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
    grown, too_many = [], []
    for url, (queries, rows, who, name) in small.items():
        if url not in double:
            continue
        queries_after, rows_after = double[url][:2]
        change = f"{url} as {who or 'visitor'}: queries {queries} -> {queries_after}, rows {rows} -> {rows_after}"
        if queries_after > queries:
            grown.append(change)
        elif name in CAPPED:
            if rows_after > CAPPED[name][0]:
                too_many.append(f"{change}, more than its bound {CAPPED[name][0]} ({CAPPED[name][1]})")
        elif rows_after > rows:
            grown.append(change)
    measured = {name for *_, name in small.values()}
    assert not set(CAPPED) - measured, "listed pages the page list no longer answers"
    assert not grown, "pages that grow with the data:\n" + "\n".join(grown)
    assert not too_many, "pages past their cap:\n" + "\n".join(too_many)
