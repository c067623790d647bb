import io
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from events import services
from events.models import Benefit, BenefitApproval, BenefitKind, Event, EventKind, Proposal
from outreach.tests.factories import MemberFactory
from outreach.tests.files import pdf_bytes
from sponsors.models import Industry, Merchant, VettingStatus


def png_bytes(color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), color).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name: str = "signed.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), "application/pdf")


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"测试商家{n}号")
    vetting_status = VettingStatus.VERIFIED
    industry = factory.LazyFunction(lambda: Industry.objects.get_or_create(name="运动")[0])


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"校排球赛{n}")
    kind = EventKind.SPORTS
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    ends_on = factory.LazyAttribute(lambda event: event.starts_on + timedelta(days=1))
    venue = "东区排球场"
    expected_audience = 500
    sponsorship_target = Decimal("5000")
    owner = factory.SubFactory(MemberFactory)


class BenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benefit
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    kind = BenefitKind.BANNER
    quantity = 2
    size = "4m × 0.8m"
    placement = "排球场北侧围栏"
    starts_on = factory.LazyAttribute(lambda b: b.event.starts_on)
    ends_on = factory.LazyAttribute(lambda b: b.event.ends_on)

    @factory.post_generation
    def approved_by(obj, create, extracted, **kwargs):
        """approved_by=["宣传部"] records those departments' agreement; approved_by=[] leaves it pending."""
        departments = ["宣传部"] if extracted is None else extracted
        if create:
            for department in departments:
                BenefitApproval.objects.create(benefit=obj, department=department, agreed_at=timezone.now())
            if not departments:
                BenefitApproval.objects.create(benefit=obj, department="体育部")


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    event = factory.SubFactory(EventFactory)
    merchant = factory.SubFactory(MerchantFactory)
    title = factory.LazyAttribute(lambda p: f"{p.event.title}赞助方案书")
    created_by = factory.SubFactory(MemberFactory)


def make_contract(*, owner=None, merchant=None, event=None, cash=Decimal("3000"), clauses: int = 2, instalments=None):
    """A draft contract with `clauses` approved benefit clauses and a payment plan that adds
    up, so it may be submitted: `instalments` is a list of amounts or (amount, due_on) pairs
    (due_on None: paid on the sponsor's acceptance), by default the whole cash amount due
    when the event starts; [] for no plan."""
    event = event or EventFactory()
    owner = owner or MemberFactory()
    contract = services.contract_create(
        event=event, merchant=merchant or MerchantFactory(), owner=owner, cash_amount=cash
    )
    for index in range(clauses):
        benefit = BenefitFactory(event=event, placement=f"排球场{index + 1}号围栏")
        services.contract_clause_add(contract=contract, benefit=benefit)
    if instalments is None:
        instalments = [cash] if cash else []
    for instalment in instalments:
        amount, due_on = instalment if isinstance(instalment, tuple) else (instalment, event.starts_on)
        services.payment_add(contract=contract, amount=Decimal(amount), due_on=due_on, on_acceptance=due_on is None)
    return contract


def make_signed_contract(*, minister, advisor=None, **kwargs):
    contract = make_contract(**kwargs)
    services.contract_submit(contract=contract, member=contract.owner)
    services.contract_approve(contract=contract, member=minister)
    if advisor is not None:
        services.contract_advisor_signoff(contract=contract, member=advisor)
    services.contract_sign(contract=contract, member=contract.owner, scan=pdf_upload())
    contract.refresh_from_db()
    return contract
