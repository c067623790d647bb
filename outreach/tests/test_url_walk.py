"""Walk every URL of the project as a visitor, an outsider and each of the four roles.

For each URL pattern the resolver knows (namespaced includes too), the walker fills its
arguments with real objects, then GETs it, POSTs an empty body and POSTs a plausible one
(the page's own form, filled in). It reports, for the developer:

- a pattern it cannot fill (add a line to FILLERS), so a new view is never skipped;
- any answer of 500 or more, or an exception;
- a private page (not in PUBLIC) that answers a visitor with anything but a redirect to the
  login page, 403, 404 or 405, or a signed-in outsider (no role) with a page (200);
- a change to the database by a visitor, an outsider or the advisor (who reads only),
  unless ALLOWED_WRITES names it with a reason;
- a write by anyone in a request that was refused (400, 403, 404, 405, 409).

Run it on PostgreSQL (as CI does): the transaction's write counters are what make it fast,
and what see a write in a refused request.

Every URL is walked inside a savepoint that is rolled back afterwards and with the client's
cookies put back, so each URL sees the same data and the same signed-in user.
"""

import hashlib
import logging
import types
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import override_settings
from django.urls import get_resolver, path, reverse
from django.utils import timezone

from outreach.models import Notification
from outreach.pagelist import ACCOUNT_PAGES, FILLERS, PUBLIC, Route, Unfillable, pages, routes, urls_for
from outreach.permissions import require_writer
from outreach.tests.world import pdf_upload, png_upload

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "officer", "vice_minister", "minister", "advisor"]
# Who must never change the department's record (apart from ALLOWED_WRITES).
READ_ONLY = {"anonymous", "outsider", "advisor"}
# Who is not signed in as a member: private pages must turn them away.
STRANGERS = {"anonymous", "outsider"}

# (role, URL name) -> why that role may change the database there.
ALLOWED_WRITES = {
    ("advisor", "events:contract-signoff"): "the advisor signs off large contracts",
    ("advisor", "notification-read"): "marking one's own notifications read",
    ("advisor", "password_change"): "changing one's own password",
    ("outsider", "password_change"): "changing one's own password",
    ("anonymous", "jobs:apply"): "students apply for a job without an account",
    ("outsider", "jobs:apply"): "students apply for a job without an account",
    # Before each test started with an empty cache, the advisor's walk came after the others'
    # and found the address's applications used up (429); the form takes anyone's application.
    ("advisor", "jobs:apply"): "the public form takes a student's application whoever is signed in",
    ("advisor", "notification-open"): "opening one's own notification marks it read",
    **{
        (role, "jobs:application-edit"): "the holder of the status link corrects the application"
        for role in ("anonymous", "outsider", "advisor")
    },
    **{
        (role, name): "the sponsor confirms or objects to a benefit on its signed link, without an account"
        for role in ("anonymous", "outsider", "advisor")
        for name in ("events:merchant-link-confirm", "events:merchant-link-object")
    },
    **{
        (role, name): "a failed sign-in is counted against the account and the address (django-axes)"
        for role in ("anonymous", "outsider", "advisor")
        for name in ("login", "admin:login")
    },
}

# Answers that refuse: whoever gets one, the request must not have written anything.
REFUSALS = {400, 403, 404, 405, 409}

# URL name -> statuses of 500 or more that are its answer, not a failure.
ALLOWED_ERRORS = {"healthz": {503}}  # says so when the broker or the database is down

# URL name -> a plausible body for views that only take POST (no form to read on a GET).
BODIES: dict[str, Callable[[SimpleNamespace], dict]] = {
    "notification-read": lambda w: {"id": [str(n.pk) for n in w.notifications]},
    "sponsors:merchant-stage": lambda w: {"to_stage": "contacted", "reason": "电话沟通"},
    "sponsors:merchant-vetting": lambda w: {"vetting_status": "verified", "vetting_note": "已核对营业执照"},
    "sponsors:followup-create": lambda w: {
        "description": "回访",
        "due_on": timezone.localdate().isoformat(),
        "owner": w.officer.pk,
    },
    "sponsors:followup-done": lambda w: {"next": "/sponsors/followups/"},
    "events:proposal-status": lambda w: {"status": "sent"},
    "events:link-create": lambda w: {"days": "30"},
    "events:merchant-link-object": lambda w: {"comment": "横幅位置与合同不符"},
    "events:objection-resolve": lambda w: {"note": "已重新悬挂"},
    "events:contract-receipt": lambda w: {"handed_on": timezone.localdate().isoformat(), "note": "收据 No.1"},
    "jobs:posting-status": lambda w: {"status": "closed"},
    "jobs:send-to-interview": lambda w: {"application": [str(w.application.pk)], "confirm": "1"},
    "jobs:rating-create": lambda w: {"score": "4", "comment": "按时结算"},
    "jobs:application-screen": lambda w: {"result": "passed", "note": "符合要求"},
    "jobs:application-outcome": lambda w: {"outcome": "hired", "worked": "on", "feedback": "表现很好"},
    "outreach:candidate-interview": lambda w: {"interview_notes": "表达清楚", "interview_score": "8"},
    "outreach:candidate-accept": lambda w: {"username": "walker-new"},
    "outreach:meeting-share-create": lambda w: {"member": w.officer.pk, "topic": "谈判", "lesson": "先问预算"},
    "outreach:submission-review": lambda w: {"score": "90", "comment": "很好"},
    "outreach:score-adjustment-create": lambda w: {"member": w.officer.pk, "points": "2", "reason": "协助活动"},
}
GENERIC_BODY = {"confirm": "1", "note": "测试", "reason": "测试"}


# Django's admin has its own permission model (is_staff and model permissions), and
# AdminSite.admin_view wraps each of its views the same way. The walk checks that the
# wrapper turns away the visitor and the advisor on every admin page that takes no argument
# (the index, each model's list and add page); pages for one object (change, delete,
# history) sit behind the same wrapper and are skipped rather than given a filler each.
ADMIN_ROLES = {"anonymous", "advisor"}


# --- The URLs to walk


def urls_to_walk(world, role: str, urlconf=None, select=None) -> tuple[list[tuple[Route, str]], list[str]]:
    """(route, URL) pairs to request, and the patterns that could not be filled."""
    pairs, problems = [], []
    for route in routes(urlconf):
        if select is not None and not select(route):
            continue
        if route.admin:
            if role in ADMIN_ROLES and route.name and not route.arguments:
                pairs.append((route, reverse(route.name, urlconf=urlconf)))
            continue
        if not route.name:
            problems.append(f"{route.route}: give this URL pattern a name so the walker can reverse it")
            continue
        try:
            pairs.extend((route, url) for url in urls_for(route, world, urlconf))
        except Unfillable as exc:
            problems.append(str(exc))
    return pairs, problems


# --- Plausible bodies


def plausible_body(response: HttpResponse | None, route: Route, world) -> dict:
    """The body a person would send: the forms on the page as shown, with required fields
    that are empty given a sensible value; else a known body for POST-only views."""
    if route.name in BODIES:
        return BODIES[route.name](world)
    body: dict = {}
    for form in _forms_in(response):
        for name, value in _form_data(form).items():
            body.setdefault(name, value)
    return body or dict(GENERIC_BODY)


def _forms_in(response) -> list[forms.BaseForm]:
    context = getattr(response, "context", None)
    if context is None:
        return []
    found, seen = [], set()
    for sub in context if isinstance(context, list) else [context]:
        for layer in getattr(sub, "dicts", [sub]):
            for value in layer.values() if isinstance(layer, dict) else []:
                candidates = []
                if isinstance(value, forms.BaseForm):
                    candidates = [value]
                elif isinstance(value, forms.BaseFormSet):
                    candidates = [value.management_form, *value.forms]
                for form in candidates:
                    if id(form) not in seen:
                        seen.add(id(form))
                        found.append(form)
    return found


def _form_data(form: forms.BaseForm) -> dict:
    data = {}
    for bound in form:
        value = _field_value(bound.name, bound.field, bound.value())
        if value is not None:
            data[bound.html_name] = value
    return data


def _field_value(name: str, field: forms.Field, value):
    today = timezone.localdate()
    empty = value in (None, "", [], ())
    if isinstance(field, forms.BooleanField):
        return "on" if (value or field.required) else None
    if isinstance(field, forms.FileField):
        return png_upload("walk.png") if isinstance(field, forms.ImageField) else pdf_upload("walk.pdf")
    if isinstance(field, forms.ModelMultipleChoiceField):
        if empty:
            first = field.queryset.first()
            return [first.pk] if first is not None else []
        return [getattr(v, "pk", v) for v in value]
    if isinstance(field, forms.ModelChoiceField):
        if empty:
            first = field.queryset.first()
            return first.pk if first is not None else ""
        return getattr(value, "pk", value)
    if isinstance(field, forms.MultipleChoiceField):
        return value if not empty else [str(k) for k, _label in field.choices if k][:1]
    if isinstance(field, forms.ChoiceField):
        return value if not empty else next((str(k) for k, _label in field.choices if k not in ("", None)), "")
    if not empty:
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        return str(value)
    if not field.required:
        return ""
    if isinstance(field, forms.DateTimeField):
        return timezone.localtime().strftime("%Y-%m-%d %H:%M")
    if isinstance(field, forms.DateField):
        return (today + timedelta(days=7)).isoformat()
    if isinstance(field, forms.TimeField):
        return "10:00"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return str(max(field.min_value or 1, 1))
    if isinstance(field, forms.EmailField):
        return "walker@example.edu.cn"
    if isinstance(field, forms.URLField):
        return "https://example.edu.cn/"
    for hint, sample in (("student_number", "2025001234"), ("mobile", "13912345678"), ("phone", "13912345678")):
        if hint in name:
            return sample
    return "测试内容"


# --- The database's state


def _tables() -> list[str]:
    """The department's record: every model's table but the session table, which is the
    visitor's own (signing in and out, messages, the import waiting for confirmation)."""
    tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed}
    return sorted(tables - {"django_session"})


def snapshot(tables: list[str] | None = None) -> dict[str, str]:
    """table -> row count and a checksum of all its rows."""
    tables = _tables() if tables is None else tables
    if connection.vendor == "postgresql":
        sql = " UNION ALL ".join(
            f"SELECT '{t}', count(*)::text || ':' || "
            f"coalesce(md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))), '') FROM {connection.ops.quote_name(t)} x"
            for t in tables
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return dict(cursor.fetchall())
    by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    result = {}
    for table in tables:
        rows = sorted(repr(row) for row in by_table[table]._base_manager.values_list())
        result[table] = f"{len(rows)}:" + hashlib.md5("".join(rows).encode()).hexdigest()
    return result


class WriteWatch:
    """Tells which tables a request changed. Every URL starts from the same rows (its
    savepoint is rolled back), so the rows are compared with one snapshot taken at the
    start; on PostgreSQL the transaction's own write counters say which tables to compare,
    so an unchanged database costs one cheap query per request."""

    def __init__(self, *, baseline: bool = True):
        self.tables = _tables()
        self.baseline = snapshot(self.tables) if baseline else {}

    def counters(self) -> dict[str, int]:
        if connection.vendor != "postgresql":
            return {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
            return dict(cursor.fetchall())

    def changed_since(self, before: dict[str, int]) -> list[str]:
        if connection.vendor == "postgresql":
            after = self.counters()
            touched = [t for t in self.tables if after.get(t, 0) != before.get(t, 0)]
        else:
            touched = self.tables
        if not touched:
            return []
        now = snapshot(touched)
        return [t for t in touched if now[t] != self.baseline[t]]

    def written_since(self, before: dict[str, int]) -> list[str]:
        """Tables the transaction wrote to since `before` (PostgreSQL only: elsewhere the
        counters are not kept and this says nothing)."""
        after = self.counters()
        return [t for t in self.tables if after.get(t, 0) != before.get(t, 0)]


# --- The walk


def walk(client, *, role: str, world, urlconf=None, select=None) -> list[str]:
    """Request every URL as `role` (the client is already signed in as them); every problem
    found, as a sentence for the developer. Empty when all is well."""
    pairs, problems = urls_to_walk(world, role, urlconf, select)
    # Refusals are expected by the hundred; the problems list says what matters.
    logging.getLogger("django.request").disabled = True
    try:
        watch = WriteWatch(baseline=role in READ_ONLY)
        for route, url in pairs:
            problems.extend(_walk_isolated(client, role, world, route, url, watch))
    finally:
        logging.getLogger("django.request").disabled = False
    return problems


def _walk_isolated(client, role: str, world, route: Route, url: str, watch) -> list[str]:
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic():
            problems = _walk_one(client, role, world, route, url, watch)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return problems


def _walk_one(client, role: str, world, route: Route, url: str, watch) -> list[str]:
    problems = []
    check_writes = role in READ_ONLY and (role, route.name) not in ALLOWED_WRITES
    before = watch.counters()
    response = None
    for method in ("GET", "POST empty", "POST plausible"):
        just_before = watch.counters()
        try:
            with transaction.atomic():
                if method == "GET":
                    answer = client.get(url)
                elif method == "POST empty":
                    answer = client.post(url, {})
                else:
                    answer = client.post(url, plausible_body(response, route, world))
        except Exception as exc:  # a view's crash is what the walk reports
            problems.append(f"{role} {method} {url} ({route.name}): raised {type(exc).__name__}: {exc}")
            continue
        if method == "GET":
            response = answer
        status = answer.status_code
        if status >= 500 and status not in ALLOWED_ERRORS.get(route.name, ()):
            problems.append(f"{role} {method} {url} ({route.name}): answered {status}")
        readable = PUBLIC | (ACCOUNT_PAGES if role != "anonymous" else set())
        if role in STRANGERS and route.name not in readable and not _turned_away(answer, role, route):
            problems.append(
                f"{role} {method} {url} ({route.name}): a private page answered {status}"
                f"{' → ' + answer['Location'] if answer.has_header('Location') else ''}; expected "
                + ("a redirect to the login page, 403 or 404" if role == "anonymous" else "403 or 404")
            )
        if route.admin and route.name not in PUBLIC and not _admin_refusal(answer):
            problems.append(f"{role} {method} {url} ({route.name}): the admin answered {status} to a non-staff user")
        if check_writes:
            changed = watch.changed_since(before)
            if changed:
                problems.append(f"{role} {method} {url} ({route.name}): changed the database: {', '.join(changed)}")
        if status in REFUSALS:
            written = watch.written_since(just_before)
            if written:
                problems.append(
                    f"{role} {method} {url} ({route.name}): refused with {status} but wrote to {', '.join(written)}"
                )
    return problems


def _turned_away(response, role: str, route: Route) -> bool:
    status = response.status_code
    if status in (403, 404, 405):
        return True
    if status != 302:
        return False
    location = response["Location"]
    if route.admin and _admin_refusal(response):
        return True
    if role == "anonymous":
        return location.startswith(reverse("login") + "?")
    # A signed-in outsider may be sent on (e.g. /department/ -> the member list): a
    # redirect shows nothing, and the page it leads to is walked on its own.
    return location.startswith("/") and not location.startswith("//")


def _admin_refusal(response) -> bool:
    """The admin sends non-staff users to a login page (the site's for a visitor, the
    admin's for a signed-in member), or from its logout back to its index."""
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and response["Location"].startswith(
        (reverse("login") + "?", reverse("admin:login") + "?", reverse("admin:index"))
    )


# --- The tests


@pytest.fixture
def signed_in(request, client):
    def sign_in(role: str):
        client.raise_request_exception = True
        if role != "anonymous":
            who = request.getfixturevalue(role)
            client.force_login(getattr(who, "user", who))
        return client

    return sign_in


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_every_role_safely(signed_in, world, role):
    client = signed_in(role)
    problems = walk(client, role=role, world=world)
    assert not problems, f"{len(problems)} problem(s) walking the URLs as {role}:\n" + "\n".join(problems)


def test_the_walk_covers_every_app():
    names = {route.name for route in routes()}
    for expected in (
        "home",
        "outreach:member-list",
        "sponsors:merchant-detail",
        "events:contract-edit",
        "jobs:apply",
        "media-file",
        "admin:index",
    ):
        assert expected in names
    assert (PUBLIC | ACCOUNT_PAGES) - names == set(), "PUBLIC names a URL that no longer exists"
    assert {name for _role, name in ALLOWED_WRITES} - names == set(), "ALLOWED_WRITES names a URL that no longer exists"
    assert set(FILLERS) - names == set(), "FILLERS names a URL that no longer exists"


def test_the_walk_fills_every_url_of_the_apps(world):
    pairs, problems = urls_to_walk(world, "officer")
    assert problems == []
    walked = {route.name for route, _url in pairs}
    named = {route.name for route in routes() if route.name and not route.admin}
    assert walked == named
    assert len(pairs) > len(named)  # some are walked with several objects (draft and signed contract...)


# --- A new view without a permission check fails the walk


def _unguarded(request, pk):
    """What a hurried developer might write: no guard, and a write on POST."""
    if request.method == "POST":
        Notification.objects.filter(pk=pk).update(title="改过了")
    return HttpResponse("内部数据")


def _guarded(request, pk):
    require_writer(request)  # the one line _unguarded lacks
    return _unguarded(request, pk)


def _urlconf_with(*extra) -> types.ModuleType:
    """The project's urlconf plus `extra` patterns, as a module (the resolver caches by it)."""
    module = types.ModuleType("walker_urls")
    module.urlpatterns = [*get_resolver().url_patterns, *extra]
    return module


@pytest.fixture
def urlconf_with_new_views(monkeypatch):
    monkeypatch.setitem(FILLERS, "walker-unguarded", lambda w: {"pk": w.notifications[0].pk})
    monkeypatch.setitem(FILLERS, "walker-guarded", lambda w: {"pk": w.notifications[0].pk})
    urlconf = _urlconf_with(
        path("unguarded/<int:pk>/", _unguarded, name="walker-unguarded"),
        path("oops/", login_not_required(_unguarded), {"pk": 0}, name="walker-public-by-mistake"),
        path("unfilled/<int:pk>/", _guarded, name="walker-unfilled"),
        path("guarded/<int:pk>/", _guarded, name="walker-guarded"),
    )
    with override_settings(ROOT_URLCONF=urlconf):
        yield urlconf


def _walk_new(signed_in, world, urlconf, role: str, names: set[str]) -> list[str]:
    return walk(signed_in(role), role=role, world=world, urlconf=urlconf, select=lambda r: r.name in names)


def test_a_new_view_without_a_permission_check_fails_the_walk(signed_in, world, urlconf_with_new_views):
    urlconf = urlconf_with_new_views
    new = {"walker-unguarded", "walker-public-by-mistake", "walker-unfilled"}
    advisor = _walk_new(signed_in, world, urlconf, "advisor", new)
    outsider = _walk_new(signed_in, world, urlconf, "outsider", new)
    signed_in("outsider").logout()
    anonymous = _walk_new(signed_in, world, urlconf, "anonymous", new)

    assert any(
        p.startswith("advisor POST") and "walker-unguarded" in p and "changed the database: outreach_notification" in p
        for p in advisor
    )
    assert any(
        p.startswith("outsider GET") and "(walker-unguarded): a private page answered 200" in p for p in outsider
    )
    assert any(
        p.startswith("anonymous GET") and "(walker-public-by-mistake): a private page answered 200" in p
        for p in anonymous
    )
    assert any(p.startswith("walker-unfilled (/unfilled/<int:pk>/)") and "Add a line to FILLERS" in p for p in advisor)


def test_the_same_view_with_its_guard_passes_the_walk(signed_in, world, urlconf_with_new_views):
    """The control: the failures above come from the missing check, not from the walker."""
    urlconf = urlconf_with_new_views
    assert _walk_new(signed_in, world, urlconf, "advisor", {"walker-guarded"}) == []
    assert _walk_new(signed_in, world, urlconf, "outsider", {"walker-guarded"}) == []
    signed_in("outsider").logout()
    assert _walk_new(signed_in, world, urlconf, "anonymous", {"walker-guarded"}) == []


def test_the_page_list_is_every_named_url_of_the_apps(world):
    """outreach.pagelist.pages(), which the browser checks and the benchmark go through, is the
    same list the walk requests (without Django's admin)."""
    listed = {route.name for route, _url in pages(world)}
    assert listed == {route.name for route in routes() if route.name and not route.admin}
    assert all(url.startswith("/") for _route, url in pages(world))
