"""Demo events from the seed: 互联网知识竞赛 (sponsored by an online education school, fulfilled),
校排球赛 (jersey printing, signed and in fulfilment), "非唱不可" K歌比赛 (a proposal in the making,
one benefit still waiting for 文艺部) and 迎新晚会 (with a brother school, a contract awaiting approval).

Idempotent: events are found by title, benefits by placement, proposals by title, contracts by
event and merchant; a contract's whole story is only made when the contract itself is created.
Merchants are reused from the sponsors demo by name, or created when it has not run.
"""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from outreach.demo import members as demo_members
from sponsors.models import Industry, Merchant, MerchantKind, Stage, VettingStatus

from . import services
from .models import Benefit, BenefitApproval, Contract, Event, EventKind, EventStatus, Material, Proposal, Tier

MERCHANTS = {
    "学而思网校(武汉)": (MerchantKind.EDUCATION, "教育培训"),
    "李宁专卖店(光谷店)": (MerchantKind.SHOP, "运动"),
    "光谷球衣定制工作室": (MerchantKind.SHOP, "运动"),
    "康师傅武汉分公司": (MerchantKind.COMPANY, "食品"),
    "蜜雪冰城(南门店)": (MerchantKind.SHOP, "餐饮"),
    "武汉大学学生会外联部": (MerchantKind.STUDENT_ORG, None),
}


def _merchant(name: str) -> Merchant:
    kind, industry = MERCHANTS[name]
    merchant, _created = Merchant.objects.get_or_create(
        name=name,
        defaults={
            "kind": kind,
            "industry": Industry.objects.filter(name=industry).first() if industry else None,
            "stage": Stage.NEGOTIATING,
            "vetting_status": VettingStatus.VERIFIED,
        },
    )
    return merchant


def _photo(label: str, color: str) -> ContentFile:
    image = Image.new("RGB", (640, 420), color)
    ImageDraw.Draw(image).rectangle((40, 150, 600, 270), outline="white", width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"{label}.jpg")


def _scan(number: str) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 840), "white").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=f"{number}-signed.png")


def _event(title: str, *, owner, industries=(), co_organisers=(), **fields) -> Event:
    event = Event.objects.filter(title=title).first()
    if event is None:
        event = services.event_create(
            title=title,
            owner=owner,
            industries=list(Industry.objects.filter(name__in=industries)),
            co_organisers=co_organisers,
            **fields,
        )
    return event


def _benefit(event: Event, departments: dict[str, bool], recorder, **fields) -> Benefit:
    """departments: name -> whether it has agreed yet."""
    benefit = Benefit.objects.filter(event=event, kind=fields["kind"], placement=fields.get("placement", "")).first()
    if benefit is None:
        benefit = services.benefit_create(event=event, departments=list(departments), **fields)
        for approval in BenefitApproval.objects.filter(benefit=benefit):
            if departments[approval.department]:
                services.benefit_record_agreement(approval=approval, recorded_by=recorder, agreed_contact="部长")
    return benefit


def _proposal(event: Event, title: str, *, merchant, author, status, packages) -> Proposal:
    proposal = Proposal.objects.filter(event=event, title=title).first()
    if proposal is None:
        proposal = services.proposal_create(event=event, title=title, merchant=merchant, created_by=author)
        for tier, price, in_kind, benefits in packages:
            services.proposal_package_add(proposal=proposal, tier=tier, price=price, in_kind=in_kind, benefits=benefits)
        services.proposal_set_status(proposal=proposal, status=status)
    return proposal


def _material(event: Event, name: str, **fields) -> None:
    if not Material.objects.filter(event=event, name=name).exists():
        services.material_add(event=event, name=name, **fields)


def seed(stdout=None) -> None:
    people = demo_members()
    minister, vice, advisor = people["linxiaofeng"], people["chensiyu"], people["huanglaoshi"]
    wang, li, zhao, liu = people["wanghaoran"], people["lixue"], people["zhaoyiming"], people["liujiayi"]
    today = timezone.localdate()
    created_contracts = 0

    # 1. 互联网知识竞赛: done, sponsored by an online education school, every promise proven.
    contest = _event(
        "互联网知识竞赛",
        owner=li,
        industries=["教育培训", "互联网"],
        kind=EventKind.COMPETITION,
        status=EventStatus.FINISHED,
        starts_on=today - timedelta(days=40),
        ends_on=today - timedelta(days=40),
        venue="图书馆报告厅",
        organisers="校学生会外联部、学术部",
        expected_audience=300,
        audience_description="全校本科生，以计算机、信息类专业为主。",
        sponsorship_target=Decimal("3000"),
        description="面向全校的互联网知识竞赛，初赛线上答题，决赛现场抢答。",
    )
    naming = _benefit(
        contest,
        {"学术部": True},
        minister,
        kind="naming",
        quantity=1,
        placement="竞赛名称及所有宣传物料",
        starts_on=contest.starts_on - timedelta(days=14),
        ends_on=contest.starts_on,
        specifics="竞赛名称为“学而思网校杯”互联网知识竞赛",
    )
    contest_banner = _benefit(
        contest,
        {"宣传部": True},
        minister,
        kind="banner",
        quantity=2,
        size="4m × 0.8m",
        placement="图书馆报告厅入口及舞台背景",
        starts_on=contest.starts_on,
        ends_on=contest.starts_on,
    )
    mention = _benefit(
        contest, {"文艺部": True}, minister, kind="stage_mention", quantity=3, placement="决赛开场、中场、颁奖时"
    )
    xes = _merchant("学而思网校(武汉)")
    proposal = _proposal(
        contest,
        "互联网知识竞赛赞助方案书",
        merchant=xes,
        author=li,
        status="sent",
        packages=[(Tier.NAMING, Decimal("3000"), "", [naming, contest_banner, mention])],
    )
    if not Contract.objects.filter(event=contest, merchant=xes).exists():
        contract = services.contract_create_from_package(package=proposal.packages.first(), merchant=xes, owner=li)
        contract.union_signatory, contract.merchant_signatory = "林晓峰", "刘老师"
        contract.sponsor_contact, contract.sponsor_phone = "刘老师", "13871234567"
        contract.sponsor_materials = "机构 LOGO 矢量源文件、口播稿一份"
        contract.sponsor_materials_due = contest.starts_on - timedelta(days=10)
        contract.acceptance_days = 7
        contract.save()
        services.payment_add(contract=contract, amount=Decimal("3000"), due_on=contest.starts_on - timedelta(days=7))
        _sign_and_fulfil(contract, minister, advisor, li, vice, done=99, verified=99, photo_color="#1f6f8b")
        payment = contract.payments.first()
        services.payment_receive(payment=payment, received_on=payment.due_on)
        services.contract_receipt_record(
            contract=contract, handed_on=payment.due_on + timedelta(days=3), note="财务处收据"
        )
        # The sponsor answered on its link: two benefits confirmed, one objection to resolve.
        link, _token = services.merchant_link_create(contract=contract, created_by=li)
        first, second, *rest = contract.deliverables.order_by("pk")
        for deliverable in (first, second):
            services.acceptance_confirm(link=link, deliverable_id=deliverable.pk, ip="203.0.113.24")
        for deliverable in rest:
            services.acceptance_object(
                link=link,
                deliverable_id=deliverable.pk,
                comment="决赛现场只口播了一次，合同写的是两次。",
                ip="203.0.113.24",
            )
        created_contracts += 1

    # 2. 校排球赛: jersey printing promised, half delivered.
    volleyball = _event(
        "校排球赛",
        owner=wang,
        industries=["运动"],
        kind=EventKind.SPORTS,
        status=EventStatus.RUNNING,
        starts_on=today + timedelta(days=5),
        ends_on=today + timedelta(days=6),
        venue="东区排球场",
        organisers="校学生会体育部、外联部",
        expected_audience=800,
        audience_description="16 支院系代表队，每场观众 100 人以上。",
        sponsorship_target=Decimal("5000"),
    )
    jersey = _benefit(
        volleyball,
        {"体育部": True},
        vice,
        kind="jersey",
        quantity=16,
        size="胸前 20cm × 8cm",
        placement="16 支参赛队球衣胸前",
        # Printed five days before the first match: due today, the officer's reminder.
        starts_on=volleyball.starts_on - timedelta(days=5),
        ends_on=volleyball.starts_on - timedelta(days=5),
        specifics="印制赞助方标志，球衣由赞助方提供",
    )
    fence = _benefit(
        volleyball,
        {"宣传部": True},
        vice,
        kind="banner",
        quantity=2,
        size="4m × 0.8m",
        placement="排球场北侧围栏",
        starts_on=volleyball.starts_on,
        ends_on=volleyball.ends_on,
    )
    dorm_posters = _benefit(
        volleyball,
        {"宣传部": True},
        vice,
        kind="poster",
        quantity=20,
        size="A2",
        placement="各宿舍楼下公告栏",
        starts_on=volleyball.starts_on - timedelta(days=7),
        ends_on=volleyball.starts_on - timedelta(days=7),
    )
    lining = _merchant("李宁专卖店(光谷店)")
    vb_proposal = _proposal(
        volleyball,
        "校排球赛赞助方案书",
        merchant=lining,
        author=wang,
        status="sent",
        packages=[
            (Tier.NAMING, Decimal("3000"), "参赛队球衣 16 套", [jersey, fence, dorm_posters]),
            (Tier.SPONSOR, Decimal("1000"), "", [fence]),
        ],
    )
    if not Contract.objects.filter(event=volleyball, merchant=lining).exists():
        contract = services.contract_create_from_package(
            package=vb_proposal.packages.first(), merchant=lining, owner=wang
        )
        contract.union_signatory, contract.merchant_signatory = "林晓峰", "周店长"
        contract.sponsor_contact = "周店长"
        contract.sponsor_materials = "李宁 LOGO 矢量源文件、球衣印制样稿"
        contract.sponsor_materials_due = volleyball.starts_on - timedelta(days=14)
        contract.payment_terms = "分四期支付，每期 750 元：签约时、签约后一周、比赛前、比赛结束后七日内。"
        contract.save()
        item = contract.in_kind_items.first()
        item.value = Decimal("2400")
        item.save()
        # One received, one three days late, one due today, the last after the match: the
        # drafter and the minister see the late and the due one in their reminders.
        for offset in (-10, -3, 0):
            services.payment_add(contract=contract, amount=Decimal("750"), due_on=today + timedelta(days=offset))
        services.payment_add(contract=contract, amount=Decimal("750"), due_on=volleyball.ends_on + timedelta(days=7))
        _sign_and_fulfil(contract, minister, advisor, wang, vice, done=1, verified=1, photo_color="#c0392b")
        services.payment_receive(
            payment=contract.payments.order_by("due_on").first(), received_on=today - timedelta(days=9)
        )
        created_contracts += 1
    _material(
        volleyball,
        "比赛用排球",
        quantity=6,
        source="bought",
        supplier="光谷体育用品店",
        cost=Decimal("540"),
        responsible=zhao,
    )
    _material(
        volleyball,
        "计分牌",
        quantity=2,
        source="borrowed",
        supplier="校体育部器材室",
        responsible=zhao,
        return_due=volleyball.ends_on + timedelta(days=1),
    )
    _material(
        volleyball,
        "扩音音箱",
        quantity=1,
        source="rented",
        merchant=_merchant("光谷球衣定制工作室"),
        cost=Decimal("150"),
        responsible=wang,
        return_due=volleyball.ends_on,
    )

    # 3. "非唱不可" K歌比赛: a proposal being written; 文艺部 has not agreed to stage mentions yet.
    karaoke = _event(
        "“非唱不可”K歌比赛",
        owner=people["zhouzihan"],
        industries=["餐饮", "家电"],
        kind=EventKind.COMPETITION,
        status=EventStatus.SEEKING,
        starts_on=today + timedelta(days=30),
        venue="大学生活动中心",
        organisers="校学生会文艺部、外联部",
        expected_audience=600,
        sponsorship_target=Decimal("2000"),
    )
    poster = _benefit(
        karaoke,
        {"宣传部": True},
        vice,
        kind="poster",
        quantity=30,
        size="A2",
        placement="食堂门口及宿舍公告栏",
        starts_on=karaoke.starts_on - timedelta(days=10),
        ends_on=karaoke.starts_on - timedelta(days=10),
    )
    _benefit(karaoke, {"文艺部": False}, vice, kind="stage_mention", quantity=2, placement="决赛主持人口播")
    _proposal(
        karaoke,
        "“非唱不可”K歌比赛赞助方案书",
        merchant=_merchant("蜜雪冰城(南门店)"),
        author=people["zhouzihan"],
        status="draft",
        packages=[(Tier.IN_KIND, None, "决赛观众饮品 300 杯", [poster])],
    )

    # 4. 迎新晚会 with a brother school: a contract waiting for the minister (and the advisor).
    gala = _event(
        "迎新晚会",
        owner=liu,
        industries=["食品", "生活用品"],
        co_organisers=[_merchant("武汉大学学生会外联部")],
        kind=EventKind.GALA,
        status=EventStatus.SEEKING,
        starts_on=today + timedelta(days=45),
        venue="大学生活动中心剧场",
        organisers="校学生会、武汉大学学生会外联部",
        expected_audience=1200,
        sponsorship_target=Decimal("8000"),
    )
    booth = _benefit(
        gala,
        {"宣传部": True, "文艺部": True},
        vice,
        kind="booth",
        quantity=1,
        size="3m × 3m",
        placement="剧场入口大厅",
        starts_on=gala.starts_on,
        ends_on=gala.starts_on,
        specifics="可现场派发试饮",
    )
    ksf = _merchant("康师傅武汉分公司")
    if not Contract.objects.filter(event=gala, merchant=ksf).exists():
        contract = services.contract_create(
            event=gala, merchant=ksf, owner=liu, cash_amount=Decimal("5000"), union_signatory="林晓峰"
        )
        services.contract_clause_add(contract=contract, benefit=booth)
        services.contract_in_kind_add(contract=contract, description="冰红茶", quantity="50 箱", value=Decimal("1500"))
        # Half on signing, half after the gala: the plan adds up to the cash, so it may be submitted.
        services.payment_add(contract=contract, amount=Decimal("2500"), due_on=gala.starts_on - timedelta(days=14))
        services.payment_add(contract=contract, amount=Decimal("2500"), due_on=gala.starts_on + timedelta(days=7))
        services.contract_submit(contract=contract, member=liu)
        created_contracts += 1
    _material(
        gala,
        "无线话筒",
        quantity=4,
        source="borrowed",
        merchant=_merchant("武汉大学学生会外联部"),
        responsible=liu,
        return_due=gala.starts_on + timedelta(days=2),
    )
    if stdout:
        stdout.write(f"events: 4 events, {created_contracts} new contracts\n")


def _sign_and_fulfil(contract, minister, advisor, owner, verifier, *, done: int, verified: int, photo_color: str):
    services.contract_submit(contract=contract, member=owner)
    services.contract_approve(contract=contract, member=minister)
    if services.needs_advisor_signoff(contract):
        services.contract_advisor_signoff(contract=contract, member=advisor)
    contract.refresh_from_db()
    services.contract_sign(
        contract=contract,
        member=owner,
        scan=_scan(contract.number),
        signed_on=min(contract.event.starts_on - timedelta(days=10), timezone.localdate()),
    )
    for index, deliverable in enumerate(contract.deliverables.order_by("pk")):
        if index < done:
            services.deliverable_complete(
                deliverable=deliverable,
                member=owner,
                note="已按约定落实，见照片。",
                images=[_photo(f"{contract.number}-{index + 1}", photo_color)],
            )
        if index < verified:
            services.deliverable_verify(deliverable=deliverable, member=verifier)
