"""The page list (outreach.pagelist) as requests: each URL, as whom to request it, and what to
count in the answer. The benchmark times them; the shape test checks they do not grow."""

import re
from dataclasses import dataclass

from outreach.pagelist import PUBLIC, pages

# Pages are requested as the first of these who may read them: the minister sees the whole
# department (the heaviest answer); an officer's own pages fall back to the officer.
ROLES = ("minister", "vice_minister", "officer", "advisor")

# Not pages: they write, sign out or answer a form's POST only.
SKIP = {"logout", "set_language", "javascript-catalog", "healthz"}

# A rendered row: table rows, list items, cards, options, picker results.
ROW = re.compile(r"<tr[\s>]|<li[\s>]|class=\"card[\s\"]|<option[\s>]|data-id=")


@dataclass(frozen=True)
class PageRequest:
    name: str
    url: str
    public: bool


def page_requests(world) -> list[PageRequest]:
    return [
        PageRequest(route.name, url, route.name in PUBLIC)
        for route, url in pages(world)
        if route.name not in SKIP and not route.name.startswith("password_reset")
    ]


def rows_in(response) -> int:
    if not response.get("Content-Type", "").startswith("text/html"):
        return 0
    return len(ROW.findall(response.content.decode(errors="replace")))


def is_page(response) -> bool:
    return response.status_code == 200
