"""A small, realistic department with one of each thing a URL can point at: the data set the
page list (outreach.pagelist) is filled with in the tests (the URL walker, the browser checks)."""

import io
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from events import services as event_services
from events.tests.factories import BenefitFactory, EventFactory, ProposalFactory, make_contract, make_signed_contract
from jobs.services import application_status_token
from jobs.tests.factories import ApplicationFactory, EmployerRatingFactory, PostingFactory
from outreach.alliance.tests.factories import alliance_world
from outreach.models import ScoreRule
from outreach.tests.department_factories import (
    AssignmentFactory,
    CandidateFactory,
    ExperienceShareFactory,
    MeetingAttendanceFactory,
    MeetingFactory,
    SemesterFactory,
    SubmissionFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
)
from outreach.tests.factories import MemberFactory, NotificationFactory, TeamFactory
from sponsors.excel import export_workbook
from sponsors.models import MerchantExport, VisitPhoto
from sponsors.queries import merchants_for_list
from sponsors.tests.factories import ContactFactory, FollowUpFactory, MerchantFactory, StageChangeFactory, VisitFactory


def build_world(*, officer, vice_minister, minister, advisor) -> SimpleNamespace:
    """A small, realistic department: one of each thing a URL can point at."""
    w = SimpleNamespace(officer=officer, vice_minister=vice_minister, minister=minister, advisor=advisor)
    today = timezone.localdate()
    w.semester = SemesterFactory()
    TeamFactory(name="招商组")
    w.score_rule = ScoreRule.objects.get_or_create(metric="visit", defaults={"points": Decimal("1")})[0]

    w.merchant = MerchantFactory(owner=officer, phone="027-87654321")
    w.contact = ContactFactory(merchant=w.merchant)
    w.visit = VisitFactory(merchant=w.merchant, created_by=officer, members=[officer, vice_minister])
    w.visit_photo = VisitPhoto.objects.create(visit=w.visit, image=png_upload("visit.png"))
    w.followup = FollowUpFactory(merchant=w.merchant, owner=officer)
    StageChangeFactory(merchant=w.merchant, changed_by=officer)
    # Another officer's: the officer reads them but may not change them.
    colleague = MemberFactory(display_name="赵一鸣")
    w.other_merchant = MerchantFactory(owner=colleague)
    w.other_contact = ContactFactory(merchant=w.other_merchant)
    w.other_visit = VisitFactory(merchant=w.other_merchant, created_by=colleague)
    w.other_followup = FollowUpFactory(merchant=w.other_merchant, owner=colleague)
    # A large export a worker wrote for the officer (sponsors.exports).
    w.merchant_export = MerchantExport.objects.create(requested_by=officer, finished_at=timezone.now(), row_count=2)
    w.merchant_export.file.save("merchants.xlsx", ContentFile(export_workbook(merchants_for_list())))

    w.event = EventFactory(owner=officer)
    w.benefit = BenefitFactory(event=w.event)
    w.pending_approval = BenefitFactory(event=w.event, approved_by=[]).approvals.get()
    w.proposal = ProposalFactory(event=w.event, merchant=w.merchant, created_by=officer)
    event_services.proposal_package_add(
        proposal=w.proposal, tier="sponsor", benefits=[w.benefit], price=Decimal("3000")
    )
    w.material = event_services.material_add(
        event=w.event, name="帐篷", source="borrowed", responsible=officer, return_due=today
    )
    w.draft = make_contract(owner=officer, event=w.event, merchant=w.merchant)
    w.submitted = make_contract(owner=officer, event=w.event, cash=Decimal("8000"))
    event_services.contract_submit(contract=w.submitted, member=officer)
    w.approved = make_contract(owner=officer, event=w.event)
    event_services.contract_submit(contract=w.approved, member=officer)
    event_services.contract_approve(contract=w.approved, member=minister)
    w.signed = make_signed_contract(owner=officer, minister=minister, event=w.event)
    w.deliverable, w.done_deliverable = list(w.signed.deliverables.order_by("pk"))[:2]
    event_services.deliverable_complete(
        deliverable=w.done_deliverable, member=officer, note="已挂横幅", images=[png_upload("evidence.png")]
    )
    w.evidence = w.done_deliverable.evidence.get()
    w.amendment = event_services.amendment_create(contract=w.signed, text="延长宣传期一周。", created_by=officer)
    w.payment = w.signed.payments.get()
    w.link, w.link_token = event_services.merchant_link_create(contract=w.signed, created_by=officer)

    w.posting = PostingFactory()
    w.draft_posting = PostingFactory(status="draft")
    w.application, _second = ApplicationFactory.create_batch(2, posting=w.posting)
    w.application_token = application_status_token(w.application)
    EmployerRatingFactory(merchant=w.posting.merchant, member=officer)

    w.candidate = CandidateFactory()
    w.training = TrainingSessionFactory()
    TrainingAttendanceFactory(session=w.training, member=officer)
    w.meeting = MeetingFactory()
    MeetingAttendanceFactory(meeting=w.meeting, member=officer)
    ExperienceShareFactory(meeting=w.meeting, member=officer)
    w.assignment = AssignmentFactory(created_by=minister, due_date=today + timedelta(days=7))
    w.submission = SubmissionFactory(assignment=w.assignment, member=officer)

    w.notifications = [NotificationFactory(recipient=m) for m in (officer, vice_minister, minister, advisor)]
    w.reset_uid = urlsafe_base64_encode(force_bytes(officer.user.pk))
    w.reset_token = default_token_generator.make_token(officer.user)
    w.peer, w.shared_entry, w.received_entry = alliance_world(minister=minister, merchant=w.merchant)
    return w


def png_upload(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
