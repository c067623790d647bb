"""A department record of any size for the dashboard's and the lists' tests: `record(n)` makes
n of everything the figures count, inside the current semester."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from events.models import (
    Benefit,
    BenefitKind,
    Clause,
    Contract,
    ContractInKind,
    ContractStatus,
    Deliverable,
    DeliverableStatus,
    Event,
    Payment,
)
from jobs.models import Outcome, Screening
from jobs.tests.factories import ApplicationFactory, PostingFactory
from outreach.models import AttendanceStatus
from outreach.roles import Role
from outreach.tests.department_factories import (
    MeetingAttendanceFactory,
    MeetingFactory,
    SemesterFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
)
from outreach.tests.factories import MemberFactory
from sponsors.models import Stage
from sponsors.tests.factories import FollowUpFactory, IndustryFactory, MerchantFactory, StageChangeFactory, VisitFactory


def record(n: int, *, members=None):
    today = timezone.localdate()
    semester = SemesterFactory()
    members = members or [MemberFactory(role=Role.OFFICER) for _ in range(3)]
    industry = IndustryFactory()
    for i in range(n):
        owner = members[i % len(members)]
        merchant = MerchantFactory(industry=industry, stage=Stage.NEGOTIATING, owner=owner)
        event = Event.objects.create(
            title=f"活动{i}", starts_on=today - timedelta(days=i % 30), sponsorship_target=Decimal("1000")
        )
        contract = Contract.objects.create(
            number=f"T-{n}-{i}",
            event=event,
            merchant=merchant,
            owner=owner,
            cash_amount=Decimal("800"),
            status=ContractStatus.IN_FULFILMENT if i % 3 else ContractStatus.SUBMITTED,
        )
        ContractInKind.objects.create(contract=contract, description="饮料", value=Decimal("100"))
        Payment.objects.create(contract=contract, amount=Decimal("300"), due_on=today - timedelta(days=5))
        Payment.objects.create(
            contract=contract,
            amount=Decimal("500"),
            due_on=today - timedelta(days=9),
            received_on=today,
            received_amount=Decimal("500"),
        )
        benefit = Benefit.objects.create(event=event, kind=BenefitKind.BANNER)
        clause = Clause.objects.create(contract=contract, benefit=benefit, kind=BenefitKind.BANNER)
        Deliverable.objects.create(
            clause=clause,
            contract=contract,
            owner=owner,
            due_on=today - timedelta(days=2 - i % 4),
            status=DeliverableStatus.OPEN if i % 2 else DeliverableStatus.VERIFIED,
        )
        VisitFactory(
            merchant=merchant, created_by=owner, members=[owner], visited_at=timezone.now() - timedelta(days=i)
        )
        FollowUpFactory(merchant=merchant, owner=owner, due_on=today - timedelta(days=1 + i % 3))
        StageChangeFactory(merchant=merchant, from_stage=Stage.NEGOTIATING, to_stage=Stage.CONTACTED, changed_by=owner)
        StageChangeFactory(merchant=merchant, from_stage=Stage.CONTACTED, to_stage=Stage.PROSPECT, changed_by=owner)
        posting = PostingFactory(merchant=merchant, created_by=owner, work_start=today, work_end=today)
        ApplicationFactory(posting=posting, screening=Screening.PASSED, sent_at=timezone.now(), outcome=Outcome.HIRED)
        ApplicationFactory(posting=posting, screening=Screening.FAILED, screened_by=owner)
        session = TrainingSessionFactory(date=today - timedelta(days=i % 20))
        meeting = MeetingFactory(date=today - timedelta(days=i % 20))
        for member in members:
            TrainingAttendanceFactory(session=session, member=member, status=AttendanceStatus.PRESENT)
            MeetingAttendanceFactory(
                meeting=meeting, member=member, status=AttendanceStatus.ABSENT if i % 2 else AttendanceStatus.LATE
            )
    return semester, members
