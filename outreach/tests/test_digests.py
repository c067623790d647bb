import html
import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from events import services as events_services
from events.tests.factories import make_signed_contract
from jobs.tests.factories import ApplicationFactory, PostingFactory
from outreach.digests import daily_digests_send, weekly_digest_send
from outreach.models import Member, Notification
from outreach.roles import Role
from outreach.tasks import send_daily_digests, send_weekly_digest
from outreach.tests.factories import MemberFactory
from sponsors.models import VettingStatus
from sponsors.tests.factories import FollowUpFactory, MerchantFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_each_member_gets_one_daily_digest_of_what_is_due_and_no_digest_when_nothing_is(
    officer, minister, django_capture_on_commit_callbacks
):
    idle = MemberFactory(role=Role.OFFICER, display_name="孙悦")
    today = timezone.localdate()
    FollowUpFactory(
        owner=officer, merchant=MerchantFactory(name="康师傅武汉分公司"), due_on=today, description="送方案书"
    )
    FollowUpFactory(owner=officer, merchant=MerchantFactory(name="蜜雪冰城"), due_on=today - timedelta(days=2))
    FollowUpFactory(owner=officer, due_on=today + timedelta(days=10), description="下个月的事")
    contract = make_signed_contract(
        owner=officer, minister=minister, clauses=1, instalments=[(750, today), (2250, today + timedelta(days=60))]
    )
    contract.deliverables.update(due_on=today + timedelta(days=1))
    ApplicationFactory(posting=PostingFactory(created_by=officer, title="五一促销员", merchant__name="李宁专卖店"))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests.delay().get() == 2  # the officer and the minister (the payment)
    with django_capture_on_commit_callbacks(execute=True):
        assert daily_digests_send() == 0  # once a day
    assert not Notification.objects.filter(recipient=idle).exists()
    officer_mail = [m for m in mail.outbox if m.to == [officer.user.email]]
    assert len(officer_mail) == 1
    body = officer_mail[0].body
    assert "【跟进事项】" in body and "康师傅武汉分公司：送方案书（今天）" in body
    assert "蜜雪冰城" in body and "已逾期 2 天" in body
    assert "下个月的事" not in body
    assert "【款项】" in body and contract.number in body and "¥750.00" in body
    due = today + timedelta(days=1)
    assert "【落实事项】" in body and f"截止 {due.year}年{due.month}月{due.day}日" in body  # the language's date
    assert "【待初试的报名】" in body and "五一促销员（李宁专卖店）：1 份报名待初试" in body
    assert "http://" in body  # absolute links
    minister_digest = Notification.objects.get(recipient=minister, key=f"digest:daily:{today.isoformat()}")
    assert "【跟进事项】" not in minister_digest.body and contract.number in minister_digest.body

    tomorrow = today + timedelta(days=1)
    daily_digests_send(today=tomorrow)
    titles = list(
        Notification.objects.unread().filter(recipient=officer, topic="digest:daily").values_list("key", flat=True)
    )
    assert titles == [f"digest:daily:{tomorrow.isoformat()}"]  # yesterday's digest leaves the count


def test_the_minister_gets_the_weekly_digest_on_monday(minister, officer, django_capture_on_commit_callbacks):
    monday = date(2026, 11, 30)
    last_week = timezone.make_aware(timezone.datetime(2026, 11, 25, 15, 0))
    VisitFactory.create_batch(2, created_by=officer, visited_at=last_week)
    FollowUpFactory(owner=officer, due_on=monday - timedelta(days=5))
    contract = make_signed_contract(
        owner=officer,
        minister=minister,
        clauses=1,
        instalments=[(1500, monday - timedelta(days=6)), (1500, timezone.localdate() + timedelta(days=60))],
    )
    payment = contract.payments.get(due_on=monday - timedelta(days=6))
    events_services.payment_receive(payment=payment, received_on=monday - timedelta(days=3))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_digest_send(today=monday + timedelta(days=2)) == 1  # any day of the week: that Monday's
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digest.delay().get() in (0, 1)  # today's week may differ; never a duplicate
        assert weekly_digest_send(today=monday) == 0
    digest = Notification.objects.get(recipient=minister, key="digest:weekly:2026-11-30")
    assert f"{officer.display_name}：拜访 2 次" in digest.body
    assert f"{officer.display_name}：逾期跟进 1 项" in digest.body
    assert "上周到账 ¥1,500.00，共 1 笔" in digest.body
    assert "【兼职录取率】" in digest.body
    assert not Notification.objects.filter(recipient=officer, topic="digest:weekly").exists()
    assert sum(1 for m in mail.outbox if m.to == [minister.user.email] and "周报" in m.subject) == 1


# --- English is a whole language (issue 13, item 10): a digest is read in the reader's language

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _notifications_as_read(client, language: str) -> str:
    """The text of the notification list (the bell's page) as the member reads it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("notification-list")).content.decode()
    listing = page[page.index('<ul class="list-group">') : page.index("</ul>", page.index('<ul class="list-group">'))]
    return html.unescape(re.sub(r"<[^>]+>", " ", listing))


def _without(text: str, names) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    return text


@pytest.fixture
def _department_language_afterwards():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_a_member_reading_in_english_reads_the_daily_and_weekly_digest_in_english_and_a_chinese_reader_in_chinese(
    officer, minister, client_for, _department_language_afterwards
):
    monday = date(2026, 11, 30)
    kfc = MerchantFactory(name="KFC Wuhan")
    FollowUpFactory(owner=officer, merchant=kfc, due_on=monday, description="bring the proposal")
    FollowUpFactory(
        owner=officer,
        merchant=MerchantFactory(name="Mixue"),
        due_on=monday - timedelta(days=2),
        description="call back",
    )
    contract = make_signed_contract(
        owner=officer,
        minister=minister,
        merchant=MerchantFactory(name="Li-Ning", vetting_status=VettingStatus.VERIFIED),
        clauses=1,
        instalments=[(750, monday), (2250, monday + timedelta(days=60))],
    )
    contract.deliverables.update(due_on=date(2026, 12, 1))
    ApplicationFactory(posting=PostingFactory(created_by=officer, title="May Day promoter", merchant=kfc))
    VisitFactory(created_by=officer, visited_at=timezone.make_aware(timezone.datetime(2026, 11, 25, 15, 0)))
    Notification.objects.all().delete()  # the contract's approvals: only the digests are read here

    assert daily_digests_send(today=monday) == 2
    assert weekly_digest_send(today=monday) == 1
    names = {
        *Member.objects.values_list("display_name", flat=True),
        *(clause.text for clause in contract.clauses.all()),  # the contract's own words, as signed
    }

    officer_client = client_for(officer)
    english = _notifications_as_read(officer_client, "en")
    assert "[Follow-up]" in english and "KFC Wuhan: bring the proposal (Today)" in english
    assert "Mixue" in english and "2 day(s) overdue" in english
    assert "[Payments]" in english and "¥750.00" in english and "30 Nov 2026" in english
    assert "[Deliverables]" in english and "due 1 Dec 2026" in english
    assert (
        "[Applications to screen]" in english and "May Day promoter (KFC Wuhan): 1 application(s) to screen" in english
    )
    assert "To do today (30 Nov 2026): 5 item(s)" in english
    assert not CJK.findall(_without(english, names)), _without(english, names)

    chinese = _notifications_as_read(officer_client, "zh-hans")
    assert "【跟进事项】" in chinese and "KFC Wuhan：bring the proposal（今天）" in chinese
    assert (
        "已逾期 2 天" in chinese and "截止 2026年12月1日" in chinese and "今日待办（2026年11月30日）：5 项" in chinese
    )

    minister_client = client_for(minister)
    english = _notifications_as_read(minister_client, "en")
    assert "Outreach weekly report (week of 23 Nov 2026)" in english
    assert "[Last week's visits]" in english and f"{officer.display_name}: 1 visit(s)" in english
    assert "[Money received]" in english and "Received last week: ¥0.00 in 0 payment(s)" in english
    assert "[Part-time job admission rate]" in english and "No applications sent to interview" in english
    assert not CJK.findall(_without(english, names)), _without(english, names)
    chinese = _notifications_as_read(minister_client, "zh-hans")
    assert "外联部周报（2026年11月23日 起）" in chinese and f"{officer.display_name}：拜访 1 次" in chinese
    assert "【兼职录取率】" in chinese and "近 90 天没有推荐复试的报名" in chinese
