"""A department's ten years, in bulk: what the benchmark seeds and the shape test grows.

`grow(w, scale=1)` adds, around the data set `w` of the page list (outreach.pagelist), about
20,000 merchants, 200,000 visits skewed across them, follow-ups mostly done, 2,000 events with
proposals, contracts and payments, 1,000 postings with 100,000 applications, 300 members,
meetings with shares, over ten years. The rows the page list's URLs point at get the most
(`hot` rows each): w.merchant the most visits, w.posting the most applications, w.meeting the
most shares, w.event the most proposals and contracts, w.officer the most follow-ups, so their
pages are the busiest ones. Bulk inserts, a fixed random seed: the same data every run.
"""

import io
import json
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from events.models import Contract, ContractStatus, Event, EventKind, EventStatus, Payment, Proposal
from jobs.models import Application, Outcome, Posting, PostingStatus, Screening, SeasonKind
from outreach.models import ExperienceShare, Meeting, Member, TrainingSession
from outreach.roles import Role
from sponsors.models import FollowUp, Industry, Merchant, MerchantKind, Stage, StageChange, VettingStatus, Visit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "浩然思雨子涵一鸣晓峰欣怡宇轩梓萱雨桐俊杰"
BRANDS = [
    "李宁",
    "安踏",
    "康师傅",
    "统一",
    "晨光文具",
    "美的",
    "小米之家",
    "新东方",
    "蜜雪冰城",
    "优衣库",
    "瑞幸",
    "华为",
]
KINDS = ["专卖店", "旗舰店", "便利店", "培训学校", "奶茶店", "文具店", "分公司", "体验店", "书店", "复印店"]
STREETS = ["珞喻路", "鲁磨路", "光谷大道", "雄楚大道", "民族大道", "关山大道", "虎泉街", "街道口", "广埠屯", "卓刀泉"]
DISTRICTS = ["洪山区", "东湖高新区", "武昌区", "江夏区"]
LESSONS = ["先约店长，不要在客流高峰时去。", "带上往年的执行报告，商家更愿意听。", "", "", ""]
BATCH = 5000


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, FieldFile):
        value = value.name or ""
    else:
        value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _insert(model, objs, *, batch_size: int = BATCH) -> list:
    """bulk_create(objs), its primary keys set; on PostgreSQL by COPY, several times faster:
    bulk_create spends most of a seed compiling its INSERTs. The same values: each field's
    pre_save (auto_now stamps) as bulk_create would, the ids from the table's sequence."""
    objs = list(objs)
    if connection.vendor != "postgresql" or not objs:
        return model.objects.bulk_create(objs, batch_size=batch_size)
    opts = model._meta
    fields = opts.concrete_fields
    stamped = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        lines = []
        for obj in objs:
            values = [f.pre_save(obj, True) if f.attname in stamped else getattr(obj, f.attname) for f in fields]
            lines.append("\t".join(map(_text, values)))
            obj._state.adding, obj._state.db = False, "default"
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        for start in range(0, len(lines), batch_size * 4):
            buffer = io.StringIO("\n".join(lines[start : start + batch_size * 4]) + "\n")
            cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN", buffer)
    return objs


def _n(base: int, scale: float, least: int = 1) -> int:
    return max(least, int(base * scale))


def _skewed(rng: random.Random, items: list, count: int) -> list:
    """`count` picks from items, a few picked hundreds of times and most a handful (Pareto)."""
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(items))]
    return rng.choices(items, weights=weights, k=count)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))


def grow(
    w, *, scale: float = 1.0, hot: int | None = None, members: int | None = None, seed: int = 2026
) -> dict[str, int]:
    """Add the volume to the database around `w`; returns how many rows of each kind.
    `members=0` adds no members (the shape test: a department's size is not its record's)."""
    rng = random.Random(seed)
    hot = hot if hot is not None else _n(687, scale, 60)
    now = timezone.now()
    today = timezone.localdate()
    years = 10
    span = 365 * years

    # Members: 300 over ten years, a third of them officers still active.
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench{seed}-{i}", password="!", is_active=i % 3 == 0)
        for i in range(_n(300, scale, 8) if members is None else members)
    )
    members = Member.objects.bulk_create(
        Member(user=user, display_name=_person(rng), joined_on=today - timedelta(days=rng.randint(0, span)))
        for user in users
    )
    officers = Group.objects.get(name=Role.OFFICER)
    officers.user_set.through.objects.bulk_create(
        officers.user_set.through(user_id=user.pk, group_id=officers.pk) for user in users if user.is_active
    )
    people = [w.officer, w.vice_minister, w.minister, *members]

    # Merchants: 20,000; the world's merchant is the busiest.
    industries = list(Industry.objects.all())
    merchants = _insert(
        Merchant,
        (
            Merchant(
                name=f"{rng.choice(BRANDS)}{rng.choice(STREETS)}{rng.choice(KINDS)}{i}",
                kind=MerchantKind.SHOP,
                industry=rng.choice(industries) if industries else None,
                district=rng.choice(DISTRICTS),
                address=f"武汉市{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{i}号",
                phone=f"027{87000000 + i:08d}",
                owner=rng.choice(people),
                stage=rng.choice(Stage.values),
                vetting_status=VettingStatus.VERIFIED if i % 3 else VettingStatus.UNVERIFIED,
            )
            for i in range(_n(20000, scale, 30))
        ),
        batch_size=BATCH,
    )
    ranked = [w.merchant, *merchants]

    # Visits: 200,000 over ten years, hundreds for a few merchants.
    visit_merchants = [w.merchant] * hot + _skewed(rng, merchants, max(_n(200000, scale), hot) - hot)
    visits = _insert(
        Visit,
        (
            Visit(
                merchant=merchant,
                visited_at=now - timedelta(days=rng.randint(0, span), minutes=rng.randint(0, 600)),
                notes="店长说要问总部，下周再联系。",
                lesson=rng.choice(LESSONS),
                created_by=rng.choice(people),
            )
            for merchant in visit_merchants
        ),
        batch_size=BATCH,
    )
    _insert(
        Visit.members.through,
        (Visit.members.through(visit_id=visit.pk, member_id=rng.choice(people).pk) for visit in visits),
        batch_size=BATCH,
    )
    # Follow-ups: one per ten visits, nine in ten done; the officer has `hot` open ones.
    followups = _insert(
        FollowUp,
        (
            FollowUp(
                merchant=visit.merchant,
                visit=visit,
                description="回访确认赞助金额",
                due_on=visit.visited_at.date() + timedelta(days=7),
                owner=rng.choice(people),
                done_at=visit.visited_at + timedelta(days=5) if rng.random() < 0.9 else None,
            )
            for visit in visits[:: max(1, len(visits) // _n(20000, scale))]
        ),
        batch_size=BATCH,
    )
    _insert(
        FollowUp,
        [
            FollowUp(
                merchant=rng.choice(ranked),
                description="送方案书",
                due_on=today + timedelta(days=rng.randint(-30, 30)),
                owner=w.officer,
            )
            for _ in range(hot)
        ],
    )
    changes = _insert(
        StageChange,
        (
            StageChange(
                merchant=merchant,
                from_stage=Stage.PROSPECT,
                to_stage=rng.choice(Stage.values),
                changed_by=rng.choice(people),
                created_at=now - timedelta(days=rng.randint(0, span)),
            )
            for merchant in [w.merchant] * (hot // 10) + _skewed(rng, merchants, _n(20000, scale))
        ),
        batch_size=BATCH,
    )

    # Events: 2,000 with proposals, contracts and payments.
    events = _insert(
        Event,
        (
            Event(
                title=f"{rng.choice(['校排球赛', '互联网知识竞赛', '非唱不可K歌比赛', '迎新晚会'])}{i}",
                kind=rng.choice(EventKind.values),
                starts_on=today - timedelta(days=rng.randint(-60, span)),
                venue="东区体育馆",
                sponsorship_target=Decimal(rng.randint(10, 200) * 100),
                status=rng.choice(EventStatus.values),
                owner=rng.choice(people),
            )
            for i in range(_n(2000, scale, 30))
        ),
        batch_size=BATCH,
    )
    event_of = [w.event] * hot + _skewed(rng, events, _n(4000, scale))
    proposals = _insert(
        Proposal,
        (
            Proposal(event=event, merchant=rng.choice(ranked), title="赞助方案书", created_by=rng.choice(people))
            for event in event_of
        ),
        batch_size=BATCH,
    )
    contracts = _insert(
        Contract,
        (
            Contract(
                number=f"B{seed}-{i:07d}",
                event=proposal.event,
                merchant=proposal.merchant,
                proposal=proposal,
                owner=proposal.created_by,
                cash_amount=Decimal(rng.randint(5, 100) * 100),
                status=rng.choice([ContractStatus.SIGNED, ContractStatus.SIGNED, ContractStatus.DRAFT]),
            )
            for i, proposal in enumerate(proposals[::2])
        ),
        batch_size=BATCH,
    )
    payments = _insert(
        Payment,
        (
            Payment(
                contract=contract,
                amount=contract.cash_amount / 2,
                due_on=today - timedelta(days=rng.randint(-30, span)),
                received_on=today - timedelta(days=rng.randint(0, span)) if rng.random() < 0.8 else None,
            )
            for contract in contracts
            for _ in range(2)
        ),
        batch_size=BATCH,
    )

    # Postings: 1,000 with 100,000 applications, a few with over a thousand.
    employers = [m for m in merchants if m.vetting_status == VettingStatus.VERIFIED] or merchants
    postings = _insert(
        Posting,
        (
            Posting(
                merchant=rng.choice(employers),
                title=f"促销员{i}",
                season=rng.choice(SeasonKind.values),
                work_start=(start := today - timedelta(days=rng.randint(-30, span))),
                work_end=start + timedelta(days=3),
                place="光谷步行街",
                pay_amount=Decimal("120"),
                headcount=rng.randint(2, 30),
                criteria="三天全勤\n普通话标准",
                deadline=start - timedelta(days=3),
                status=rng.choice(PostingStatus.values),
                created_by=rng.choice(people),
            )
            for i in range(_n(1000, scale, 30))
        ),
        batch_size=BATCH,
    )
    posting_of = [w.posting] * max(hot, _n(1629, scale)) + _skewed(rng, postings, _n(100000, scale))
    applications = _insert(
        Application,
        (
            Application(
                posting=posting,
                name=_person(rng),
                student_number=f"{seed % 100:02d}{i:09d}",
                class_major="材料2401班",
                mobile=f"139{i % 100000000:08d}",
                availability="周末全天",
                consent=True,
                screening=(screening := rng.choice(Screening.values)),
                sent_at=now if screening == Screening.PASSED and rng.random() < 0.5 else None,
                outcome=rng.choice(Outcome.values) if screening == Screening.PASSED else Outcome.PENDING,
            )
            for i, posting in enumerate(posting_of)
        ),
        batch_size=BATCH,
    )

    # Meetings (weekly in term) and training with shares; the world's meeting has the most.
    meetings = _insert(
        Meeting, [Meeting(title=f"例会{i}", date=today - timedelta(days=7 * i + 1)) for i in range(_n(300, scale, 10))]
    )
    _insert(
        TrainingSession,
        [TrainingSession(title=f"培训{i}", date=today - timedelta(days=30 * i + 2)) for i in range(_n(100, scale, 5))],
    )
    share_meetings = [w.meeting] * hot + _skewed(rng, meetings, _n(3000, scale))
    shares = _insert(
        ExperienceShare,
        (
            ExperienceShare(
                meeting=meeting,
                member=rng.choice(people),
                topic="拉赞助的经验",
                lesson=rng.choice(LESSONS[:2]),
                merchant=rng.choice(ranked),
                tags="赞助 经验",
            )
            for meeting in share_meetings
        ),
        batch_size=BATCH,
    )
    return {
        "members": len(members),
        "merchants": len(merchants) + 1,
        "visits": len(visits),
        "follow-ups": len(followups) + hot,
        "stage changes": len(changes),
        "events": len(events),
        "proposals": len(proposals),
        "contracts": len(contracts),
        "payments": len(payments),
        "postings": len(postings),
        "applications": len(applications),
        "meetings": len(meetings),
        "shares": len(shares),
    }
