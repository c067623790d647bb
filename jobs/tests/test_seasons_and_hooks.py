import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Outcome, PostingStatus, Screening, Season, SeasonKind
from jobs.queries import past_employers_to_contact, season_calendar, seasons_starting_within, timeline_entries
from outreach.contributions import METRICS
from sponsors.timeline import SOURCES, timeline_for

from .factories import ApplicationFactory, EmployerRatingFactory, PostingFactory

pytestmark = pytest.mark.django_db


def test_seasons_are_seeded_with_their_outreach_start():
    may_day = Season.objects.get(kind=SeasonKind.MAY_DAY)
    summer = Season.objects.get(kind=SeasonKind.SUMMER)
    assert (may_day.outreach_month, may_day.outreach_day) == (3, 1)
    assert (summer.outreach_month, summer.outreach_day) == (6, 1)


def test_seasons_starting_within_days():
    today = datetime.date(2026, 2, 20)
    starts = seasons_starting_within(10, today)
    assert [s.season.kind for s in starts] == [SeasonKind.MAY_DAY]
    assert starts[0].outreach_starts_on == datetime.date(2026, 3, 1)
    assert seasons_starting_within(5, today) == []


def test_season_calendar_wraps_into_next_year_and_follows_edits():
    winter = Season.objects.get(kind=SeasonKind.WINTER)
    winter.outreach_month, winter.outreach_day = 12, 1
    winter.save()
    starts = season_calendar(datetime.date(2026, 12, 2))
    assert starts[0].season.kind == SeasonKind.MAY_DAY
    assert starts[0].outreach_starts_on == datetime.date(2027, 3, 1)
    assert starts[-1].outreach_starts_on == datetime.date(2027, 12, 1)


def test_home_page_shows_coming_season_and_past_employers(client_for, officer):
    last_year = timezone.localdate() - datetime.timedelta(days=300)
    old = PostingFactory(
        merchant__name="康师傅武汉分公司",
        status=PostingStatus.CLOSED,
        work_start=last_year,
        work_end=last_year + datetime.timedelta(days=3),
        deadline=last_year,
    )
    ApplicationFactory(posting=old, screening=Screening.PASSED, sent_at=timezone.now(), outcome=Outcome.HIRED)
    EmployerRatingFactory(merchant=old.merchant, score=5)
    body = client_for(officer).get(reverse("jobs:posting-list")).content.decode()
    assert "即将到来的兼职季" in body
    assert "开始联系商家" in body
    assert "康师傅武汉分公司" in body
    merchant = past_employers_to_contact(timezone.localdate())[0]
    assert (merchant.n_sent, merchant.n_hired, merchant.avg_score) == (1, 1, 5)


def test_blacklisted_past_employers_are_not_suggested():
    last_year = timezone.localdate() - datetime.timedelta(days=300)
    posting = PostingFactory(status=PostingStatus.CLOSED, work_start=last_year, work_end=last_year, deadline=last_year)
    posting.merchant.vetting_status = "blacklisted"
    posting.merchant.blacklist_reason = "fee_charging"
    posting.merchant.save()
    assert list(past_employers_to_contact(timezone.localdate())) == []


def test_a_past_employer_counts_its_past_postings_only_and_the_latest_comes_first(django_assert_max_num_queries):
    today = timezone.localdate()

    def posting(merchant=None, *, days_ago: int, status=PostingStatus.CLOSED):
        start = today - datetime.timedelta(days=days_ago)
        fields = {"merchant": merchant} if merchant else {"merchant__name": "康师傅武汉分公司"}
        return PostingFactory(**fields, status=status, work_start=start, work_end=start, deadline=start)

    first = posting(days_ago=400)
    second = posting(first.merchant, days_ago=100)
    coming = posting(first.merchant, days_ago=-30, status=PostingStatus.CLOSED)  # closed early, not yet worked
    for past in (first, second):
        ApplicationFactory.create_batch(2, posting=past, sent_at=timezone.now(), outcome=Outcome.HIRED)
        ApplicationFactory(posting=past, sent_at=timezone.now())
        ApplicationFactory(posting=past)
    ApplicationFactory.create_batch(3, posting=coming, sent_at=timezone.now(), outcome=Outcome.HIRED)
    later = posting(days_ago=50)
    later.merchant.name = "蜜雪冰城光谷店"
    later.merchant.save()
    with django_assert_max_num_queries(1):
        employers = list(past_employers_to_contact(today))
    assert [m.name for m in employers] == ["蜜雪冰城光谷店", "康师傅武汉分公司"]
    kangshifu = employers[1]
    assert kangshifu.last_work_end == second.work_end
    assert (kangshifu.n_postings, kangshifu.n_sent, kangshifu.n_hired) == (2, 6, 4)
    assert (employers[0].n_postings, employers[0].n_sent, employers[0].n_hired) == (1, 0, 0)


def test_postings_with_admission_rates_and_ratings_are_on_the_merchant_timeline(django_assert_max_num_queries):
    posting = PostingFactory(title="五一促销员")
    ApplicationFactory.create_batch(3, posting=posting, screening=Screening.PASSED, sent_at=timezone.now())
    ApplicationFactory(posting=posting, screening=Screening.PASSED, sent_at=timezone.now(), outcome=Outcome.HIRED)
    PostingFactory.create_batch(5, merchant=posting.merchant)
    EmployerRatingFactory.create_batch(3, merchant=posting.merchant, posting=posting, comment="结算及时")
    assert timeline_entries in SOURCES
    with django_assert_max_num_queries(2):
        entries = list(timeline_entries(posting.merchant))
    assert {e.kind for e in timeline_for(posting.merchant)} >= {"posting", "employer-rating"}
    postings = [e for e in entries if e.kind == "posting"]
    assert len(postings) == 6
    mine = next(e for e in postings if e.url == posting.get_absolute_url() and "推荐复试 4 人" in e.detail)
    assert "录取率 25%" in mine.badges
    assert sum(e.kind == "employer-rating" for e in entries) == 3


def test_application_screened_metric_credits_the_screener_by_screening_date(officer, minister):
    now = timezone.now()
    ApplicationFactory.create_batch(3, screening=Screening.PASSED, screened_by=officer, screened_at=now)
    ApplicationFactory(screening=Screening.FAILED, screened_by=minister, screened_at=now)
    ApplicationFactory(screening=Screening.FAILED, screened_by=minister, screened_at=now - datetime.timedelta(days=40))
    ApplicationFactory()
    today = timezone.localdate()
    counts = METRICS["application_screened"].count(today - datetime.timedelta(days=7), today)
    assert counts == {officer.pk: 3, minister.pk: 1}


def _season_post(seasons, **change):
    data = {"form-TOTAL_FORMS": len(seasons), "form-INITIAL_FORMS": len(seasons)}
    for i, season in enumerate(seasons):
        values = {
            "id": season.pk,
            "outreach_month": season.outreach_month or "",
            "outreach_day": season.outreach_day or "",
            "work_month": season.work_month or "",
            "work_day": season.work_day or "",
            "note": season.note,
        }
        if season.kind in change:
            values.update(change[season.kind])
        data.update({f"form-{i}-{key}": value for key, value in values.items()})
    return data


def _ordered_seasons():
    return list(Season.objects.order_by("outreach_month", "outreach_day", "pk"))


@pytest.mark.parametrize(
    ("role", "allowed"), [("vice_minister", True), ("minister", True), ("officer", False), ("advisor", False)]
)
def test_leaders_edit_the_season_calendar(request, client_for, role, allowed):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("jobs:season-list")).status_code == 200
    data = _season_post(_ordered_seasons(), summer={"outreach_month": 5, "outreach_day": 20})
    response = client.post(reverse("jobs:season-list"), data)
    assert response.status_code == (302 if allowed else 403)
    summer = Season.objects.get(kind=SeasonKind.SUMMER)
    assert (summer.outreach_month, summer.outreach_day) == ((5, 20) if allowed else (6, 1))


def test_season_needs_both_month_and_day(client_for, minister):
    data = _season_post(_ordered_seasons(), summer={"outreach_month": 5, "outreach_day": ""})
    response = client_for(minister).post(reverse("jobs:season-list"), data)
    assert response.status_code == 200
    assert "外联开始的月和日要么都填" in response.content.decode()


def test_outsider_and_anonymous_cannot_see_the_calendar(client, client_for, outsider):
    assert client.get(reverse("jobs:season-list")).status_code == 302
    assert client_for(outsider).get(reverse("jobs:season-list")).status_code == 403
