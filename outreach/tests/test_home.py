"""Each member's home page ("my day"): what is theirs today, for each role, in a fixed
number of queries."""

import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.utils import timezone

from events import services as event_services
from events.tests.factories import EventFactory, make_contract, make_signed_contract
from jobs.models import Outcome, Screening
from jobs.tests.factories import ApplicationFactory, PostingFactory
from outreach.department import my_day
from outreach.tests.department_factories import SemesterFactory
from outreach.tests.factories import MemberFactory
from outreach.tests.summary_data import busy_semester
from sponsors.models import Stage
from sponsors.tests.factories import FollowUpFactory, MerchantFactory, VisitFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
ROLES = ["officer", "vice_minister", "minister", "advisor"]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Section(HTMLParser):
    """The text (and link targets) inside the element marked data-testid=..."""

    def __init__(self, testid: str):
        super().__init__()
        self.testid, self.depth, self.parts = testid, 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth == 0 and attrs.get("data-testid") == self.testid:
            self.depth = 1
        elif self.depth and tag not in VOID:
            self.depth += 1
        if self.depth and attrs.get("href"):
            self.parts.append(attrs["href"])

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def section(html: str, testid: str) -> str:
    """What a person sees in one box of the page; fails when the box is not there."""
    parser = _Section(testid)
    parser.feed(html)
    assert f'data-testid="{testid}"' in html, f"no {testid} on the page"
    return " ".join(" ".join(parser.parts).split())


def test_an_officers_day_lists_their_follow_ups_due_today_and_overdue_only(client_for, officer, vice_minister):
    SemesterFactory()
    today = timezone.localdate()
    merchant = MerchantFactory(owner=officer, name="周黑鸭(街道口店)")
    FollowUpFactory(merchant=merchant, owner=officer, due_on=today - 2 * DAY, description="把合同草稿发给对方")
    FollowUpFactory(merchant=merchant, owner=officer, due_on=today, description="约市场部经理面谈")
    FollowUpFactory(merchant=merchant, owner=officer, due_on=today + DAY, description="明天才到期的事")
    FollowUpFactory(merchant=merchant, owner=vice_minister, due_on=today, description="副部长自己的事")
    done = FollowUpFactory(merchant=merchant, owner=officer, due_on=today, description="已经做完的事")
    done.done_at = timezone.now()
    done.save()

    html = client_for(officer).get("/").content.decode()
    followups = section(html, "my-followups")
    assert "把合同草稿发给对方" in followups and "已逾期" in followups
    assert "约市场部经理面谈" in followups
    for absent in ["明天才到期的事", "副部长自己的事", "已经做完的事"]:
        assert absent not in html


def test_completing_a_follow_up_from_the_home_page_takes_it_off_the_list(client_for, officer):
    SemesterFactory()
    followup = FollowUpFactory(owner=officer, merchant=MerchantFactory(owner=officer), description="回访康师傅")
    client = client_for(officer)
    assert "回访康师傅" in section(client.get("/").content.decode(), "my-followups")
    response = client.post(f"/sponsors/followups/{followup.pk}/done/", {"next": "/"})
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert "已完成：回访康师傅" in html
    assert "回访康师傅" not in section(html, "my-followups")


def test_an_officers_deliverables_screening_and_quiet_merchants(client_for, officer, minister):
    SemesterFactory()
    today = timezone.localdate()
    event = EventFactory(title="校排球赛", starts_on=today - 5 * DAY)
    make_signed_contract(minister=minister, owner=officer, event=event, clauses=1)
    quiet = MerchantFactory(owner=officer, name="优衣库(群光广场店)")
    VisitFactory(merchant=quiet, created_by=officer, visited_at=timezone.now() - 45 * DAY)
    lively = MerchantFactory(owner=officer, name="蜜雪冰城(南门店)")
    VisitFactory(merchant=lively, created_by=officer, visited_at=timezone.now() - 2 * DAY)
    MerchantFactory(owner=officer, name="太平鸟男装", stage=Stage.LOST)
    MerchantFactory(owner=minister, name="部长的商家")
    posting = PostingFactory(merchant=MerchantFactory(owner=officer, name="李宁专卖店"), title="五一促销员")
    ApplicationFactory.create_batch(3, posting=posting)
    ApplicationFactory(posting=posting, screening=Screening.PASSED)
    PostingFactory(merchant=MerchantFactory(owner=minister), title="别人的岗位")
    mine = PostingFactory(
        merchant=MerchantFactory(owner=minister, name="肯德基"), title="我发布的岗位", created_by=officer
    )
    ApplicationFactory(posting=mine)
    MerchantFactory(owner=officer, name="新开的奶茶店")  # never visited: the longest forgotten

    html = client_for(officer).get("/").content.decode()
    deliverables = section(html, "my-deliverables")
    assert "横幅" in deliverables and "校排球赛" in deliverables and "已逾期" in deliverables
    screening = section(html, "my-screening")
    assert "李宁专卖店 · 五一促销员" in screening and "3 份待初试" in screening
    assert "肯德基 · 我发布的岗位" in screening
    assert "别人的岗位" not in html
    quiet_section = section(html, "my-quiet-merchants")
    assert quiet_section.index("新开的奶茶店") < quiet_section.index("优衣库(群光广场店)")
    for absent in ["蜜雪冰城(南门店)", "太平鸟男装", "部长的商家"]:
        assert absent not in quiet_section
    # Officers approve nothing: no approvals box at all.
    assert "my-approvals" not in html


def test_the_minister_sees_contracts_waiting_for_approval_and_the_advisor_only_large_ones(
    client_for, officer, minister, advisor, vice_minister
):
    SemesterFactory()
    small = make_contract(owner=officer, cash=Decimal("3000"), clauses=1)
    event_services.contract_submit(contract=small, member=officer)
    large = make_contract(owner=officer, cash=Decimal("4000"), clauses=1)
    event_services.contract_in_kind_add(contract=large, description="矿泉水 50 箱", value=Decimal("2000"))
    event_services.contract_submit(contract=large, member=officer)
    draft = make_contract(owner=officer, cash=Decimal("9000"), clauses=1)

    minister_box = section(client_for(minister).get("/").content.decode(), "my-approvals")
    assert small.number in minister_box and large.number in minister_box and draft.number not in minister_box
    advisor_html = client_for(advisor).get("/").content.decode()
    advisor_box = section(advisor_html, "my-approvals")
    # The advisor follows up, delivers and screens nothing: those boxes are not on the page.
    for box in ["my-followups", "my-deliverables", "my-screening", "my-quiet-merchants"]:
        assert box not in advisor_html
    # 4,000 cash + 2,000 in kind is above the 5,000 sign-off line; 3,000 is not.
    assert large.number in advisor_box and small.number not in advisor_box
    assert "my-approvals" not in client_for(vice_minister).get("/").content.decode()

    event_services.contract_approve(contract=small, member=minister)
    assert small.number not in section(client_for(minister).get("/").content.decode(), "my-approvals")
    event_services.contract_advisor_signoff(contract=large, member=advisor)
    assert large.number not in section(client_for(advisor).get("/").content.decode(), "my-approvals")


def test_the_key_figures_and_my_score(client_for, officer, minister, advisor):
    semester = SemesterFactory()
    today = timezone.localdate()
    event = EventFactory(starts_on=today, sponsorship_target=Decimal("8000"))
    contract = make_signed_contract(
        minister=minister, owner=officer, event=event, instalments=[(2000, today), (1000, today)]
    )
    event_services.payment_receive(payment=contract.payments.get(amount=2000))  # the 1,000 not yet
    MerchantFactory.create_batch(3, stage=Stage.NEGOTIATING)
    posting = PostingFactory(work_start=semester.start_date + DAY)
    for outcome in (Outcome.HIRED, Outcome.NOT_HIRED, Outcome.NOT_HIRED, Outcome.NOT_HIRED):
        ApplicationFactory(posting=posting, sent_at=timezone.now(), outcome=outcome)
    VisitFactory.create_batch(2, created_by=officer, merchant=MerchantFactory(owner=officer))

    figures = my_day.key_figures(semester)
    assert figures.cash_received == Decimal("2000") and figures.sponsorship_target == Decimal("8000")
    assert figures.cash_percent == 25
    assert figures.negotiating == 3
    assert figures.admission_rate == 0.25

    for member in (officer, advisor):
        html = client_for(member).get("/").content.decode()
        assert "¥2,000.00" in section(html, "figure-cash")
        assert "目标的 25%" in html
        assert section(html, "figure-negotiating") == "3"
        assert "25%" in section(html, "figure-admission")
    score = section(client_for(officer).get("/").content.decode(), "my-score")
    assert "第 1 名" in score
    # The advisor is not scored.
    assert "my-score" not in client_for(advisor).get("/").content.decode()


def test_a_long_list_is_cut_and_links_to_the_full_one(client_for, officer):
    SemesterFactory()
    merchant = MerchantFactory(owner=officer)
    FollowUpFactory.create_batch(my_day.HOME_LIST_LIMIT + 3, merchant=merchant, owner=officer)
    html = client_for(officer).get("/").content.decode()
    followups = section(html, "my-followups")
    assert followups.count("回访确认赞助金额") == my_day.HOME_LIST_LIMIT
    assert f"{my_day.HOME_LIST_LIMIT}+" in followups
    assert "/sponsors/followups/" in followups


@pytest.mark.parametrize("role", ROLES)
def test_the_home_page_has_a_fixed_number_of_queries_for_each_role(
    request, client_for, officer, minister, advisor, role, django_assert_max_num_queries
):
    member = request.getfixturevalue(role)
    MemberFactory.create_batch(5)
    busy_semester(officer=officer, minister=minister, advisor=advisor, n=6)
    client = client_for(member)
    client.get("/")  # warm the session
    # The department's metric counts and key figures are cached under the record's generation:
    # both measured requests compute them (the change in between moves the generation on).
    cache.clear()
    with django_assert_max_num_queries(35) as first:
        assert client.get("/").status_code == 200
    busy_semester(officer=officer, minister=minister, advisor=advisor, n=6)
    with django_assert_max_num_queries(35) as second:
        html = client.get("/").content.decode()
    assert len(second.captured_queries) == len(first.captured_queries)
    with django_assert_max_num_queries(len(first.captured_queries)) as cached:
        assert client.get("/").status_code == 200
    assert len(cached.captured_queries) < len(first.captured_queries)
    if role == "officer":
        assert html.count("逾期回访") == my_day.HOME_LIST_LIMIT


def test_deliverables_of_a_terminated_contract_are_off_the_list(client_for, officer, minister):
    SemesterFactory()
    event = EventFactory(title="被取消的晚会")
    contract = make_signed_contract(minister=minister, owner=officer, event=event, clauses=1)
    assert "被取消的晚会" in section(client_for(officer).get("/").content.decode(), "my-deliverables")
    event_services.contract_terminate(contract=contract, reason="商家撤资")
    assert "被取消的晚会" not in section(client_for(officer).get("/").content.decode(), "my-deliverables")
