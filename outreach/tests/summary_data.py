"""A busy semester for the home page and semester summary tests: every kind of record the
two pages read, `n` times over, so a test can fill it twice and see the query count stay."""

import datetime
from decimal import Decimal

from django.utils import timezone

from events import services as event_services
from events.tests.factories import EventFactory, make_contract, make_signed_contract
from jobs.models import Outcome, Screening
from jobs.tests.factories import ApplicationFactory, PostingFactory
from outreach.models import AttendanceStatus
from outreach.tests.department_factories import (
    ExperienceShareFactory,
    MeetingAttendanceFactory,
    MeetingFactory,
    SemesterFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
)
from sponsors.models import Stage
from sponsors.tests.factories import FollowUpFactory, MerchantFactory, StageChangeFactory, VisitFactory

DAY = datetime.timedelta(days=1)


def busy_semester(*, officer, minister, advisor, n: int = 6):
    """n of everything, most of it the officer's: follow-ups, merchants, deliverables,
    postings to screen; contracts waiting for the minister and the advisor."""
    semester = SemesterFactory()
    today = timezone.localdate()
    now = timezone.now()
    for i in range(n):
        merchant = MerchantFactory(owner=officer, name=f"光谷商家{i}号", stage=Stage.NEGOTIATING)
        if i % 2:
            VisitFactory(merchant=merchant, created_by=officer, visited_at=now - 40 * DAY)
        else:
            VisitFactory(merchant=merchant, created_by=officer, visited_at=now - DAY)
        FollowUpFactory(merchant=merchant, owner=officer, due_on=today - (i + 1) * DAY, description=f"逾期回访{i}")
        FollowUpFactory(merchant=merchant, owner=officer, due_on=today, description=f"今天回访{i}")
        FollowUpFactory(merchant=merchant, owner=officer, due_on=today + 3 * DAY, description=f"下周回访{i}")
        FollowUpFactory(merchant=merchant, owner=minister, due_on=today, description=f"部长的回访{i}")

        # A past event with a signed contract (its deliverables now overdue) and money received.
        past = EventFactory(title=f"秋季赛事{i}", starts_on=today - 10 * DAY, sponsorship_target=Decimal("5000"))
        signed = make_signed_contract(
            minister=minister,
            owner=officer,
            event=past,
            cash=Decimal("3000"),
            instalments=[(2000, today), (1000, today + 10 * DAY)],
        )
        event_services.payment_receive(payment=signed.payments.get(amount=2000))

        # Waiting for approval: a small one (the minister only) and a large one (the advisor too).
        small = make_contract(owner=officer, cash=Decimal("3000"), clauses=1)
        event_services.contract_submit(contract=small, member=officer)
        large = make_contract(owner=officer, cash=Decimal("8000"), clauses=1)
        event_services.contract_submit(contract=large, member=officer)

        posting = PostingFactory(merchant=merchant, title=f"促销员{i}", created_by=minister)
        ApplicationFactory.create_batch(2, posting=posting)
        for outcome in (Outcome.HIRED, Outcome.NOT_HIRED, Outcome.NOT_HIRED, Outcome.NOT_HIRED):
            ApplicationFactory(posting=posting, screening=Screening.PASSED, sent_at=now, outcome=outcome)

        meeting = MeetingFactory(date=today - i * DAY)
        ExperienceShareFactory(meeting=meeting, member=officer, merchant=signed.merchant, topic=f"签约经验{i}")
        MeetingAttendanceFactory(meeting=meeting, member=officer, status=AttendanceStatus.PRESENT)
        session = TrainingSessionFactory(date=today - i * DAY)
        TrainingAttendanceFactory(session=session, member=officer, status=AttendanceStatus.LATE)
        StageChangeFactory(merchant=MerchantFactory(owner=officer), to_stage=Stage.LOST, changed_by=officer)
    return semester
