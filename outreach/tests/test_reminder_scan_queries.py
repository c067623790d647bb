"""Each daily reminder scan runs in a fixed number of queries however much it finds: on a
department's ten years the follow-up scan told 2,341 people in 9,368 queries (`make bench`).
Every scan runs on a data set and on one with twice as much to tell, in the same queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services as events
from events.tests.factories import make_contract, make_signed_contract
from jobs import services as jobs
from jobs.models import Application
from jobs.tests.factories import ApplicationFactory, PostingFactory
from outreach.department import services as department
from outreach.models import Notification
from outreach.tests.department_factories import AssignmentFactory, MeetingFactory, TrainingSessionFactory
from outreach.tests.factories import MemberFactory
from sponsors import services as sponsors
from sponsors.tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

LATER = timezone.now() + timedelta(days=3)  # contracts submitted now have waited long enough

SCANS = {
    "follow-ups": sponsors.followup_reminders_send,
    "fulfilment": events.fulfilment_reminders_send,
    "payments": events.payment_reminders_send,
    "contract approval": lambda: events.contract_approval_reminders_send(now=LATER),
    "postings closing": jobs.posting_closing_reminders_send,
    "screening": jobs.screening_reminders_send,
    "assignments": department.assignment_reminders_send,
    "gatherings": department.gathering_reminders_send,
}
MOST = 16  # queries a scan may take, whatever it finds


def _add_things_to_tell(n: int, *, officer, minister) -> None:
    today = timezone.localdate()
    owners = [officer, *(MemberFactory() for _ in range(n - 1))]
    for i, owner in enumerate(owners):
        FollowUpFactory(owner=owner, due_on=today)
        FollowUpFactory(owner=owner, due_on=today - timedelta(days=i + 1))
        contract = make_signed_contract(
            owner=owner, minister=minister, clauses=1, instalments=[(3000, today - timedelta(days=i + 1))]
        )
        contract.deliverables.update(due_on=today)
        events.contract_submit(contract=make_contract(owner=owner, clauses=1), member=owner)
        PostingFactory(created_by=owner, deadline=today + timedelta(days=1))
        ApplicationFactory(posting=PostingFactory(created_by=owner))
        AssignmentFactory(due_date=today + timedelta(days=1))
        TrainingSessionFactory(date=today + timedelta(days=1))
        MeetingFactory(date=today + timedelta(days=1))
    Application.objects.update(created_at=timezone.now() - timedelta(days=5))


def _queries_of_each_scan(django_assert_max_num_queries) -> dict[str, tuple[int, int]]:
    """(queries, people told) of each scan, run on fresh notifications (each tells everything)."""
    counts = {}
    for label, scan in SCANS.items():
        Notification.objects.all().delete()
        with django_assert_max_num_queries(MOST), CaptureQueriesContext(connection) as captured:
            told = scan()
        counts[label] = (len(captured), told)
    return counts


def test_every_reminder_scan_takes_the_same_queries_for_twice_as_much(officer, minister, django_assert_max_num_queries):
    for member in [officer, minister]:  # e-mail is wanted: the queued mail is part of the scan
        member.user.email = f"{member.user.username}@example.edu.cn"
        member.user.save()

    _add_things_to_tell(3, officer=officer, minister=minister)
    small = _queries_of_each_scan(django_assert_max_num_queries)
    _add_things_to_tell(3, officer=officer, minister=minister)
    double = _queries_of_each_scan(django_assert_max_num_queries)

    for label in SCANS:
        assert small[label][1] > 0, f"the {label} scan should find something to tell"
        assert double[label][1] > small[label][1], f"the {label} scan should tell more on more data"
    assert {label: queries for label, (queries, _) in double.items()} == {
        label: queries for label, (queries, _) in small.items()
    }
