import datetime
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jobs.models import Outcome, Posting, PostingStatus, Screening
from jobs.services import application_status_token, applications_send_to_interview, posting_save
from sponsors.models import BlacklistReason, VettingStatus

from .factories import ApplicationFactory, EmployerFactory, PostingFactory

pytestmark = pytest.mark.django_db


def _posting_form(merchant, **overrides):
    today = timezone.localdate()
    data = {
        "merchant": merchant.pk,
        "title": "五一促销员",
        "season": "may_day",
        "work_start": today + datetime.timedelta(days=20),
        "work_end": today + datetime.timedelta(days=22),
        "place": "光谷",
        "pay_amount": "150",
        "pay_unit": "day",
        "headcount": 6,
        "criteria": "三天全勤\n身高160cm以上",
        "charges_no_fee": "on",
        "deadline": today + datetime.timedelta(days=10),
    }
    data.update(overrides)
    return data


def test_vice_minister_creates_a_posting_for_a_verified_merchant(client_for, vice_minister):
    merchant = EmployerFactory(name="康师傅武汉分公司")
    response = client_for(vice_minister).post(reverse("jobs:posting-create"), _posting_form(merchant))
    posting = Posting.objects.get()
    assert response.status_code == 302
    assert posting.created_by == vice_minister
    assert posting.status == PostingStatus.DRAFT
    assert posting.criteria_list == ["三天全勤", "身高160cm以上"]


@pytest.mark.parametrize("status", [VettingStatus.UNVERIFIED, VettingStatus.BLACKLISTED])
def test_unvetted_or_blacklisted_merchant_cannot_post(client_for, vice_minister, status):
    merchant = EmployerFactory(
        vetting_status=status, blacklist_reason=BlacklistReason.FEE_CHARGING if status == "blacklisted" else ""
    )
    response = client_for(vice_minister).post(reverse("jobs:posting-create"), _posting_form(merchant))
    assert response.status_code == 200
    assert not Posting.objects.exists()
    # and the service refuses even when the picker is bypassed
    posting = PostingFactory.build(merchant=merchant)
    with pytest.raises(ValidationError) as exc:
        posting_save(posting=posting, member=vice_minister)
    assert "黑名单" in str(exc.value) or "资质核查" in str(exc.value)


def test_a_posting_that_charges_a_fee_is_refused(client_for, vice_minister):
    merchant = EmployerFactory()
    data = _posting_form(merchant)
    del data["charges_no_fee"]
    response = client_for(vice_minister).post(reverse("jobs:posting-create"), data)
    assert "向学生收取押金或费用的兼职不能发布" in response.content.decode()
    assert not Posting.objects.exists()


def test_publishing_opens_the_public_notice(client_for, minister, client):
    posting = PostingFactory(status=PostingStatus.DRAFT)
    client_for(minister).post(reverse("jobs:posting-status", args=[posting.pk]), {"status": "open"})
    posting.refresh_from_db()
    assert posting.status == PostingStatus.OPEN and posting.published_at


def test_officer_screens_with_criteria_and_note(client_for, officer):
    application = ApplicationFactory()
    client_for(officer).post(
        reverse("jobs:application-screen", args=[application.pk]),
        {"result": "passed", "criteria_met": ["三天全勤", "伪造的要求"], "note": "形象好"},
    )
    application.refresh_from_db()
    assert application.screening == Screening.PASSED
    assert application.criteria_met == ["三天全勤"]
    assert application.screening_note == "形象好"
    assert application.screened_by == officer


def test_only_passed_applicants_can_be_sent(client_for, vice_minister):
    application = ApplicationFactory(screening=Screening.FAILED)
    response = client_for(vice_minister).post(
        reverse("jobs:send-to-interview", args=[application.posting.pk]), {"application": application.pk}, follow=True
    )
    assert "只有初试通过的同学才能推荐参加复试" in response.content.decode()
    application.refresh_from_db()
    assert application.sent_at is None


def test_sending_beyond_headcount_times_factor_asks_for_confirmation(client_for, vice_minister, settings):
    settings.JOBS_INTERVIEW_FACTOR = 1.5
    posting = PostingFactory(headcount=2)  # at most 3 without confirmation
    passed = ApplicationFactory.create_batch(4, posting=posting, screening=Screening.PASSED)
    client = client_for(vice_minister)
    ids = [a.pk for a in passed]
    response = client.post(reverse("jobs:send-to-interview", args=[posting.pk]), {"application": ids})
    assert response.status_code == 200
    assert "超过了建议上限 3 人" in response.content.decode()
    assert not posting.applications.sent().exists()
    response = client.post(reverse("jobs:send-to-interview", args=[posting.pk]), {"application": ids, "confirm": "1"})
    assert response.status_code == 302
    assert posting.applications.sent().count() == 4


def test_sending_within_the_limit_needs_no_confirmation(vice_minister):
    posting = PostingFactory(headcount=2)
    passed = ApplicationFactory.create_batch(3, posting=posting, screening=Screening.PASSED)
    assert applications_send_to_interview(posting=posting, applications=passed, member=vice_minister) == 3


def test_outcomes_update_the_admission_rate_and_fill_the_posting(client_for, vice_minister):
    posting = PostingFactory(headcount=1)
    sent = ApplicationFactory.create_batch(
        2, posting=posting, screening=Screening.PASSED, sent_at=timezone.now(), sent_by=vice_minister
    )
    client = client_for(vice_minister)
    client.post(
        reverse("jobs:application-outcome", args=[sent[0].pk]),
        {"outcome": "hired", "worked": "true", "feedback": "表现好"},
    )
    client.post(reverse("jobs:application-outcome", args=[sent[1].pk]), {"outcome": "not_hired", "worked": "unknown"})
    body = client.get(reverse("jobs:posting-detail", args=[posting.pk])).content.decode()
    assert "50%" in body
    posting.refresh_from_db()
    assert posting.status == PostingStatus.FILLED
    sent[0].refresh_from_db()
    assert sent[0].worked is True and sent[0].employer_feedback == "表现好"


def test_export_has_only_consented_fields(client_for, vice_minister):
    posting = PostingFactory()
    ApplicationFactory(
        posting=posting,
        name="愿意给电话",
        mobile="13800138000",
        share_mobile=True,
        screening=Screening.PASSED,
        sent_at=timezone.now(),
        note="私下说明",
    )
    ApplicationFactory(
        posting=posting,
        name="不给电话",
        mobile="13800138001",
        share_mobile=False,
        screening=Screening.PASSED,
        sent_at=timezone.now(),
    )
    ApplicationFactory(posting=posting, name="没推荐的", screening=Screening.PASSED)
    response = client_for(vice_minister).get(reverse("jobs:interview-export", args=[posting.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "愿意给电话" in cells and "13800138000" in cells
    assert "不给电话" in cells and "13800138001" not in cells
    assert "没推荐的" not in cells
    assert "私下说明" not in cells
    assert not any(c.startswith("2025") for c in cells)  # no student numbers


def test_notice_pdf_has_the_chinese_text_and_an_embedded_cjk_font(client, tmp_path, poppler):
    posting = PostingFactory(title="五一促销员", merchant__name="李宁专卖店(光谷店)")
    response = client.get(reverse("jobs:notice-pdf", args=[posting.pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "招聘启事" in text and "五一促销员" in text and "李宁专卖店" in text
    assert "不向学生收取任何费用" in text
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) >= 3  # the QR code


def test_draft_notice_pdf_is_404(client):
    posting = PostingFactory(status=PostingStatus.DRAFT)
    assert client.get(reverse("jobs:notice-pdf", args=[posting.pk])).status_code == 404


def test_posting_pages_pin_their_queries(client_for, vice_minister, django_assert_max_num_queries):
    postings = PostingFactory.create_batch(12)
    for posting in postings[:3]:
        ApplicationFactory.create_batch(12, posting=posting, screening=Screening.PASSED, sent_at=timezone.now())
    ApplicationFactory.create_batch(12, posting=postings[0], outcome=Outcome.PENDING)
    client = client_for(vice_minister)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("jobs:posting-list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("jobs:posting-detail", args=[postings[0].pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("jobs:screening", args=[postings[0].pk]) + "?show=all").status_code == 200
    client.logout()
    with django_assert_max_num_queries(4):
        assert client.get(reverse("jobs:public-list")).status_code == 200


def test_vice_minister_edits_a_posting(client_for, vice_minister):
    posting = PostingFactory()
    data = _posting_form(posting.merchant, title="五一促销员(加急)", headcount=10)
    response = client_for(vice_minister).post(reverse("jobs:posting-edit", args=[posting.pk]), data)
    assert response.status_code == 302
    posting.refresh_from_db()
    assert (posting.title, posting.headcount) == ("五一促销员(加急)", 10)
    assert posting.history.count() == 2


def test_public_pages_and_pdf_pin_their_queries(client, django_assert_max_num_queries):
    posting = PostingFactory()
    applications = ApplicationFactory.create_batch(30, posting=posting)
    for url, limit in [
        (reverse("jobs:public-posting", args=[posting.pk]), 4),
        (reverse("jobs:apply", args=[posting.pk]), 4),
        (reverse("jobs:notice-pdf", args=[posting.pk]), 3),
        (reverse("jobs:application-status", args=[application_status_token(applications[0])]), 3),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url
