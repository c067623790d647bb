"""The minister's dashboard: its figures against the record recomputed another way, what each
role sees, the export, and a fixed number of queries whatever the data size."""

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events import services as event_services
from events.models import SIGNED_STATUSES, Contract, ContractInKind, Deliverable, Event, Payment
from jobs import services as job_services
from jobs.models import Application, Outcome
from outreach.department import figures
from outreach.department.services import semester_current
from outreach.models import AttendanceStatus, TrainingAttendance
from outreach.roles import Role
from outreach.tests.dashboard_data import record
from outreach.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_figures():
    cache.clear()
    yield
    cache.clear()


def _in(semester, day) -> bool:
    return semester.start_date <= day <= semester.end_date


def _recomputed(semester) -> dict:
    """The dashboard's headline numbers, computed row by row in Python from the whole record."""
    today = timezone.localdate()
    events = [e for e in Event.objects.all() if _in(semester, e.starts_on)]
    event_ids = {e.pk for e in events}
    signed = [c for c in Contract.objects.all() if c.status in SIGNED_STATUSES and c.event_id in event_ids]
    signed_ids = {c.pk for c in signed}
    payments = [p for p in Payment.objects.all() if p.contract_id in signed_ids]
    employers: dict[int, list[int]] = {}
    for application in Application.objects.select_related("posting"):
        if _in(semester, application.posting.work_start) and application.sent_at:
            sent_hired = employers.setdefault(application.posting.merchant_id, [0, 0])
            sent_hired[0] += 1
            sent_hired[1] += application.outcome == Outcome.HIRED
    training = [a for a in TrainingAttendance.objects.select_related("session") if _in(semester, a.session.date)]
    attended = [a for a in training if a.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)]
    return {
        "target": sum((e.sponsorship_target for e in events), Decimal("0")),
        "contracted": sum((c.cash_amount for c in signed), Decimal("0")),
        "received": sum((p.received_amount for p in payments if p.received_on), Decimal("0")),
        "in_kind": sum((i.value for i in ContractInKind.objects.all() if i.contract_id in signed_ids), Decimal("0")),
        "overdue_payments": sum(1 for p in payments if not p.received_on and p.due_on < today),
        "overdue_deliverables": sum(
            1 for d in Deliverable.objects.all() if _in(semester, d.due_on) and d.status == "open" and d.due_on < today
        ),
        "hired": sum(hired for _sent, hired in employers.values()),
        "rates": {pk: hired / sent for pk, (sent, hired) in employers.items()},
        "training_rate": len(attended) / len(training) if training else None,
    }


def _shown(semester) -> dict:
    fig = figures.all_figures(semester)
    return {
        "target": fig.money.total.target,
        "contracted": fig.money.total.contracted,
        "received": fig.money.total.received,
        "in_kind": fig.money.total.in_kind,
        "overdue_payments": fig.money.overdue_count,
        "overdue_deliverables": fig.fulfilment.total["overdue"],
        "hired": fig.jobs.total["hired"],
        "rates": {e["pk"]: e["rate"] for e in fig.jobs.employers if e["rate"] is not None},
        "training_rate": fig.team.training_rate,
    }


def test_figures_of_the_demo_record_match_a_recount_and_follow_a_payment_and_a_hire(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    semester = semester_current()
    before = _shown(semester)
    assert before == _recomputed(semester)
    assert before["contracted"] > 0 and before["hired"] > 0 and before["training_rate"]

    unpaid = Payment.objects.filter(contract__status__in=SIGNED_STATUSES, received_on__isnull=True).first()
    if unpaid is None:
        contract = Contract.objects.filter(status__in=SIGNED_STATUSES).first()
        unpaid = Payment.objects.create(contract=contract, amount=Decimal("700"), due_on=timezone.localdate())
    else:
        assert _in(semester, unpaid.contract.event.starts_on)
    event_services.payment_receive(payment=unpaid)
    pending = Application.objects.filter(sent_at__isnull=False, outcome=Outcome.PENDING).select_related("posting")
    application = next(a for a in pending if _in(semester, a.posting.work_start))
    job_services.application_record_outcome(application=application, outcome=Outcome.HIRED)

    after = _shown(semester)
    assert after == _recomputed(semester)
    assert after["received"] == before["received"] + unpaid.amount
    assert after["hired"] == before["hired"] + 1
    employer = application.posting.merchant_id
    assert after["rates"][employer] > before["rates"][employer]


def test_the_previous_semester_stands_beside_the_current_one(client_for, minister):
    from outreach.tests.department_factories import SemesterFactory

    semester, _members = record(4)
    earlier = SemesterFactory(
        name="上学期",
        start_date=semester.start_date.replace(year=semester.start_date.year - 1),
        end_date=semester.start_date.replace(day=1) - timezone.timedelta(days=1),
    )
    response = client_for(minister).get(reverse("outreach:dashboard"))
    assert response.status_code == 200
    lines = {line.key: line for line in response.context["lines"]}
    assert lines["contracted"].now == Decimal("800") * 2  # contracts 1 and 2 are signed, 0 waits for approval
    assert lines["contracted"].before == 0
    assert response.context["before"].semester == earlier
    assert "上学期" in response.content.decode()


def test_each_figure_links_to_a_list_with_the_same_count(client_for, minister):
    semester, _members = record(6)
    client = client_for(minister)
    response = client.get(reverse("outreach:dashboard"))
    counted = {"overdue_payments", "visits", "overdue_deliverables", "waiting", "applied", "hired"}
    for line in response.context["lines"]:
        if line.key in counted:
            listed = client.get(line.url)
            assert listed.status_code == 200, line.url
            assert listed.context["page_obj"].paginator.count == line.now, line.key


@pytest.mark.parametrize("role", [Role.MINISTER, Role.VICE_MINISTER, Role.ADVISOR])
def test_leaders_and_the_advisor_see_the_whole_dashboard(client_for, role):
    record(2)
    response = client_for(MemberFactory(role=role)).get(reverse("outreach:dashboard"))
    assert response.status_code == 200
    assert 'data-testid="visit-heat"' in response.content.decode()


def test_an_officer_sees_the_key_figures_only(client_for, officer):
    record(2)
    response = client_for(officer).get(reverse("outreach:dashboard"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="key-figures"' in content
    assert 'data-testid="visit-heat"' not in content
    assert response.context["key"].contracts == 1


def test_outsiders_may_not_open_the_dashboard(client_for, outsider):
    assert client_for(outsider).get(reverse("outreach:dashboard")).status_code == 403


def test_dashboard_exports_its_figures(client_for, minister):
    record(3)
    response = client_for(minister).get(reverse("outreach:dashboard") + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    overview = {row[0]: row[1] for row in book["概览"].iter_rows(min_row=2, values_only=True)}
    assert overview["签约现金"] == 1600
    assert "每周拜访" in book.sheetnames and "用人单位" in book.sheetnames


def test_a_formula_in_a_merchant_name_is_exported_as_text(client_for, minister):
    record(1)
    Contract.objects.update(status="signed")
    from sponsors.models import Merchant

    Merchant.objects.update(name='=HYPERLINK("http://evil.example","点我")')
    response = client_for(minister).get(reverse("outreach:dashboard") + "?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in book["落实情况"].iter_rows(min_row=2, values_only=True)]
    assert names == ['\'=HYPERLINK("http://evil.example","点我")']


def test_a_past_semester_is_cached_and_says_when_it_was_computed(client_for, minister):
    from outreach.tests.department_factories import SemesterFactory

    today = timezone.localdate()
    past = SemesterFactory(
        name="去年",
        start_date=today.replace(year=today.year - 1),
        end_date=today.replace(year=today.year - 1) + timezone.timedelta(days=30),
    )
    client = client_for(minister)
    first = client.get(reverse("outreach:dashboard") + f"?semester={past.pk}")
    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse("outreach:dashboard") + f"?semester={past.pk}")
    assert second.context["fig"].computed_at == first.context["fig"].computed_at
    assert len(queries) < 15
    assert "计算于" in second.content.decode()


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


LISTS = [
    "outreach:dashboard",
    "events:contract-list",
    "events:deliverable-list",
    "events:payment-list",
    "sponsors:visit-list",
    "jobs:application-list",
]


@pytest.mark.parametrize("name", LISTS)
def test_pages_keep_a_fixed_number_of_queries_whatever_the_data_size(client_for, minister, name):
    members = [MemberFactory(role=Role.OFFICER) for _ in range(3)]
    record(3, members=members)
    client = client_for(minister)
    url = reverse(name)
    small = _queries(client, url)
    record(30, members=members)
    assert _queries(client, url) == small
    assert _queries(client, url + "?format=xlsx") <= small
    assert small <= 45


def test_an_employer_hiring_few_of_the_students_sent_is_flagged(client_for, minister, settings):
    from jobs.tests.factories import ApplicationFactory, PostingFactory
    from outreach.tests.department_factories import SemesterFactory

    semester = SemesterFactory()
    picky = PostingFactory(work_start=timezone.localdate())
    for hired in (True, False, False, False):
        ApplicationFactory(posting=picky, sent_at=timezone.now(), outcome="hired" if hired else "not_hired")
    settings.JOBS_ADMISSION_WARN_BELOW = 0.3
    (employer,) = figures.jobs(semester).employers
    assert (employer["rate"], employer["warn"]) == (0.25, True)
    response = client_for(minister).get(reverse("outreach:dashboard"))
    assert "录用率偏低" in response.content.decode()
    settings.JOBS_ADMISSION_WARN_BELOW = 0.2
    assert figures.jobs(semester).employers[0]["warn"] is False


def test_each_panel_shows_its_first_ten_rows_and_links_to_all_of_them(client_for, minister):
    members = [MemberFactory(role=Role.OFFICER) for _ in range(12)]
    record(12, members=members)
    response = client_for(minister).get(reverse("outreach:dashboard"))
    content = response.content.decode()
    panels = response.context["panels"]
    for name in ("events", "heat", "overdue_followups", "fulfilment", "postings", "employers", "attendance"):
        assert len(panels[name].rows) == 10, name
        assert panels[name].total >= 12, name
        assert f'data-testid="more-{name}"' in content, name
    heat = content.split('data-testid="visit-heat"')[1].split("</table>")[0]
    assert heat.count("<tr>") == 1 + 10  # the header and ten members
    assert f"全部 {panels['heat'].total} 人" in content
    # The export keeps every member.
    book = load_workbook(io.BytesIO(client_for(minister).get(reverse("outreach:dashboard") + "?format=xlsx").content))
    assert book["每周拜访"].max_row - 1 == panels["heat"].total
    assert book["出勤"].max_row - 1 == panels["attendance"].total


def test_a_small_department_sees_every_row_and_no_link_to_more(client_for, minister):
    record(3)
    response = client_for(minister).get(reverse("outreach:dashboard"))
    assert 'data-testid="more-' not in response.content.decode()
    assert len(response.context["panels"]["events"].rows) == 3


def test_the_cached_figures_follow_a_change_to_the_record(client_for, minister):
    from sponsors.tests.factories import MerchantFactory, VisitFactory

    record(2)
    client = client_for(minister)
    first = client.get(reverse("outreach:dashboard"))
    again = client.get(reverse("outreach:dashboard"))
    assert again.context["fig"].computed_at == first.context["fig"].computed_at  # from the cache
    VisitFactory(merchant=MerchantFactory(), created_by=minister, members=[minister])
    after = client.get(reverse("outreach:dashboard"))
    lines = {line.key: line.now for line in after.context["lines"]}
    assert lines["visits"] == {line.key: line.now for line in first.context["lines"]}["visits"] + 1


def test_merchants_not_visited_for_thirty_days_are_counted_one_by_one():
    from sponsors.models import Stage
    from sponsors.tests.factories import MerchantFactory, VisitFactory

    semester = semester_current()
    long_ago, recently, never = (MerchantFactory(stage=Stage.NEGOTIATING) for _ in range(3))
    VisitFactory(merchant=long_ago, visited_at=timezone.now() - timezone.timedelta(days=40))
    VisitFactory(merchant=recently, visited_at=timezone.now() - timezone.timedelta(days=1))
    assert figures.activity(semester).stale[Stage.NEGOTIATING] == 2  # long_ago and never
