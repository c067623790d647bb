"""The semester work summary (学期工作总结): who reads it, the minister's words, the figures
from the record, a fixed number of queries, and the PDF with its Chinese text and charts."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events import services as event_services
from events.tests.factories import EventFactory, make_signed_contract, png_upload
from jobs.models import Outcome
from jobs.tests.factories import ApplicationFactory, EmployerFactory, PostingFactory
from outreach.charts import VALUE_COLOUR
from outreach.department import services, summary
from outreach.models import SemesterSummary
from outreach.tests.department_factories import ExperienceShareFactory, MeetingFactory, SemesterFactory
from outreach.tests.factories import MemberFactory
from outreach.tests.summary_data import busy_semester
from outreach.tests.test_home import section
from sponsors.models import Stage, VettingStatus
from sponsors.tests.factories import FollowUpFactory, MerchantFactory, StageChangeFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
PAGE = reverse("outreach:semester-summary")
PDF = reverse("outreach:semester-summary-pdf")


# --- Who reads and who writes


@pytest.mark.parametrize("role", ["vice_minister", "minister", "advisor"])
def test_leaders_and_the_advisor_read_the_summary_and_its_pdf(request, client_for, role):
    SemesterFactory()
    client = client_for(request.getfixturevalue(role))
    assert client.get(PAGE).status_code == 200
    response = client.get(PDF)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_officers_and_outsiders_may_not_read_it(client_for, officer, outsider):
    SemesterFactory()
    for who in (officer, outsider):
        client = client_for(who)
        assert client.get(PAGE).status_code == 403
        assert client.get(PDF).status_code == 403
    assert "学期总结" not in client_for(officer).get(reverse("outreach:member-list")).content.decode()


def test_anonymous_is_sent_to_login(client):
    for url in (PAGE, PDF):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_minister_writes_the_foreword_and_closing_and_the_others_read_them(
    client_for, minister, vice_minister, advisor
):
    semester = SemesterFactory()
    response = client_for(minister).post(
        f"{PAGE}?semester={semester.pk}", {"foreword": "本学期外联部拜访商家三十余次。", "closing": "感谢每一位部员！"}
    )
    assert response.status_code == 302
    saved = SemesterSummary.objects.get(semester=semester)
    assert saved.foreword == "本学期外联部拜访商家三十余次。" and saved.updated_by == minister

    for reader in (vice_minister, advisor):
        html = client_for(reader).get(f"{PAGE}?semester={semester.pk}").content.decode()
        assert "本学期外联部拜访商家三十余次。" in section(html, "foreword")
        assert "感谢每一位部员！" in section(html, "closing")
        assert 'name="foreword"' not in html  # no form for them


@pytest.mark.parametrize("role", ["vice_minister", "advisor"])
def test_nobody_else_may_change_the_ministers_words(request, client_for, minister, role):
    semester = SemesterFactory()
    services.semester_summary_save(semester=semester, foreword="部长的前言", closing="", by=minister)
    response = client_for(request.getfixturevalue(role)).post(PAGE, {"foreword": "改过的前言", "closing": ""})
    assert response.status_code == 403
    assert SemesterSummary.objects.get(semester=semester).foreword == "部长的前言"
    with pytest.raises(PermissionDenied):
        services.semester_summary_save(
            semester=semester, foreword="改过的前言", closing="", by=request.getfixturevalue(role)
        )


def test_words_too_long_are_refused_with_a_message(client_for, minister):
    SemesterFactory()
    response = client_for(minister).post(PAGE, {"foreword": "长" * 5001, "closing": ""})
    assert response.status_code == 400
    assert "5000" in response.content.decode()
    assert not SemesterSummary.objects.exists()


# --- What the summary says


@pytest.fixture
def record(officer, minister):
    """One semester: two events (one sponsored), two employers (one hiring few), a lost
    merchant, an overdue deliverable and follow-up, two experience shares."""
    semester = SemesterFactory()
    today = timezone.localdate()
    volleyball = EventFactory(title="校排球赛", starts_on=today - 10 * DAY, sponsorship_target=Decimal("5000"))
    EventFactory(title="迎新晚会", starts_on=today + 10 * DAY, sponsorship_target=Decimal("8000"))
    EventFactory(title="上学期的活动", starts_on=semester.start_date - 30 * DAY)
    sponsor = MerchantFactory(name="李宁专卖店(光谷店)", vetting_status=VettingStatus.VERIFIED)
    contract = make_signed_contract(
        minister=minister,
        owner=officer,
        event=volleyball,
        merchant=sponsor,
        instalments=[(1500, today), (1500, today + 20 * DAY)],
    )
    payment = contract.payments.get(due_on=today)
    event_services.payment_receive(payment=payment)
    first = contract.deliverables.order_by("pk").first()
    event_services.deliverable_complete(deliverable=first, member=officer, note="已挂好", images=[png_upload()])
    event_services.deliverable_verify(deliverable=first, member=minister)

    good = PostingFactory(merchant=EmployerFactory(name="蜜雪冰城"), work_start=today)
    for outcome in (Outcome.HIRED, Outcome.HIRED, Outcome.NOT_HIRED):
        ApplicationFactory(posting=good, sent_at=timezone.now(), outcome=outcome)
    poor = PostingFactory(merchant=EmployerFactory(name="康师傅武汉分公司"), work_start=today)
    for outcome in (Outcome.HIRED, Outcome.NOT_HIRED, Outcome.NOT_HIRED, Outcome.NOT_HIRED, Outcome.NOT_HIRED):
        ApplicationFactory(posting=poor, sent_at=timezone.now(), outcome=outcome)
    ApplicationFactory(posting=poor)  # applied, not sent

    lost = MerchantFactory(name="太平鸟男装")
    StageChangeFactory(merchant=lost, to_stage=Stage.LOST, changed_by=officer, reason="说好了又反悔")
    FollowUpFactory(owner=officer, due_on=today - 3 * DAY)
    FollowUpFactory(owner=officer, due_on=today + 3 * DAY)  # not overdue

    meeting = MeetingFactory(date=today - DAY)
    ExperienceShareFactory(meeting=meeting, member=officer, topic="冷门经验", merchant=MerchantFactory())
    ExperienceShareFactory(meeting=meeting, member=officer, topic="签约前把权益写具体", merchant=sponsor)
    return semester


def test_events_with_their_sponsors_money_and_fulfilment(record):
    work = summary.semester_summary(record)
    titles = [line.event.title for line in work.events]
    assert titles == ["校排球赛", "迎新晚会"]
    volleyball = work.events[0]
    assert [c.merchant.name for c in volleyball.sponsors] == ["李宁专卖店(光谷店)"]
    assert volleyball.cash_received == Decimal("1500") and volleyball.cash_promised == Decimal("3000")
    assert (volleyball.deliverables, volleyball.verified, volleyball.overdue) == (2, 1, 1)
    assert work.overview.cash_received == Decimal("1500")
    assert work.overview.target == Decimal("13000")
    assert work.overview.contracts_signed == 1


def test_jobs_per_employer_with_admission_rates_and_the_low_ones_named(record):
    work = summary.semester_summary(record)
    by_name = {line.name: line for line in work.employers}
    assert by_name["蜜雪冰城"].admission_rate == pytest.approx(2 / 3)
    assert (by_name["康师傅武汉分公司"].applied, by_name["康师傅武汉分公司"].sent) == (6, 5)
    assert by_name["康师傅武汉分公司"].admission_rate == pytest.approx(0.2)
    assert [line.name for line in work.problems.low_admission] == ["康师傅武汉分公司"]
    assert work.overview.admission_rate == pytest.approx(3 / 8)


def test_open_problems_best_shares_and_member_highlights(record, officer):
    work = summary.semester_summary(record)
    assert [d.contract.merchant.name for d in work.problems.overdue_deliverables] == ["李宁专卖店(光谷店)"]
    assert work.problems.overdue_followup_total == 1
    assert [change.merchant.name for change in work.problems.merchants_lost] == ["太平鸟男装"]
    # The lesson about a merchant that signed comes first.
    assert [share.topic for share in work.shares] == ["签约前把权益写具体", "冷门经验"]
    assert work.top_members[0].member == officer
    assert any(h.member == officer and h.label == "经验分享" and h.count == 2 for h in work.highlights)


def test_the_page_shows_the_figures_and_charts(client_for, minister, record):
    html = client_for(minister).get(PAGE).content.decode()
    events = section(html, "events")
    assert "校排球赛" in events and "李宁专卖店(光谷店)" in events and "¥1,500.00" in events
    assert "<svg" in html and 'class="value"' in html
    assert "康师傅武汉分公司" in section(html, "problems") and "太平鸟男装" in section(html, "problems")
    assert "style=" not in html.split("<main", 1)[1]  # the CSP allows no inline style


def test_the_summary_has_a_fixed_number_of_queries(
    client_for, officer, minister, advisor, django_assert_max_num_queries
):
    MemberFactory.create_batch(5)
    busy_semester(officer=officer, minister=minister, advisor=advisor, n=6)
    client = client_for(minister)
    client.get("/")  # warm the session
    with django_assert_max_num_queries(45) as first:
        assert client.get(PAGE).status_code == 200
    busy_semester(officer=officer, minister=minister, advisor=advisor, n=6)
    with django_assert_max_num_queries(45) as second:
        html = client.get(PAGE).content.decode()
    assert len(second.captured_queries) == len(first.captured_queries)
    assert section(html, "events").count("秋季赛事0") >= 2  # both fills are in it


# --- The PDF


def test_the_pdf_has_the_chinese_text_an_embedded_cjk_font_the_charts_and_the_foreword(
    client_for, minister, record, tmp_path, poppler
):
    client = client_for(minister)
    client.post(f"{PAGE}?semester={record.pk}", {"foreword": "外联部本学期的前言，部长亲笔。", "closing": "明年再见。"})
    response = client.get(f"{PDF}?semester={record.pk}")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.content)

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    flat = "".join(text.stdout.split())
    for expected in ["学期工作总结", "外联部本学期的前言，部长亲笔。", "明年再见。", "校排球赛", "李宁专卖店(光谷店)"]:
        assert expected in flat, expected
    assert "康师傅武汉分公司" in flat and "太平鸟男装" in flat
    assert "¥1,500.00" in flat

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts

    # The charts are vector drawings: render the pages and find the bars' colour on them.
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True)
    colour = tuple(int(VALUE_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
    bar_pixels = 0
    for page in sorted(tmp_path.glob("page-*.png")):
        image = Image.open(page).convert("RGB")
        bar_pixels += sum(
            count
            for count, rgb in image.getcolors(maxcolors=1 << 20)
            if all(abs(a - b) <= 8 for a, b in zip(rgb, colour, strict=True))
        )
    assert bar_pixels > 200, bar_pixels


def test_markup_in_names_prints_as_text_in_the_pdf(client_for, minister, tmp_path, poppler):
    SemesterFactory()
    EventFactory(title="<b>晚会</b>&", starts_on=timezone.localdate(), sponsorship_target=Decimal("100"))
    response = client_for(minister).get(PDF)
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    assert "<b>晚会</b>&" in text.stdout


def test_a_long_list_of_problems_is_cut_but_counted_in_full(client_for, minister, officer):
    SemesterFactory()
    for i in range(summary.PROBLEM_LIST_LIMIT + 5):
        StageChangeFactory(merchant=MerchantFactory(name=f"流失商家{i:02d}"), to_stage=Stage.LOST, changed_by=officer)
    work = summary.semester_summary(SemesterFactory())
    assert len(work.problems.merchants_lost) == summary.PROBLEM_LIST_LIMIT
    assert work.problems.merchants_lost_total == work.overview.merchants_lost == summary.PROBLEM_LIST_LIMIT + 5
    problems = section(client_for(minister).get(PAGE).content.decode(), "problems")
    assert f"流失的商家（{summary.PROBLEM_LIST_LIMIT + 5} 家）" in problems
    assert f"以上为最早的 {summary.PROBLEM_LIST_LIMIT} 次流失。" in problems


def test_the_pdf_is_rendered_once_and_again_after_the_record_changes(client_for, minister, record, tmp_path, poppler):
    from django.core.cache import cache

    cache.clear()
    client = client_for(minister)
    first = client.get(f"{PDF}?semester={record.pk}").content
    with CaptureQueriesContext(connection) as again:
        assert client.get(f"{PDF}?semester={record.pk}").content == first
    assert len(again) < 10  # the document kept, not the record summed up and printed again
    client.post(f"{PAGE}?semester={record.pk}", {"foreword": "改过的前言。", "closing": ""})
    changed = client.get(f"{PDF}?semester={record.pk}").content
    assert changed != first
    path = tmp_path / "summary.pdf"
    path.write_bytes(changed)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    assert "改过的前言。" in "".join(text.stdout.split())
