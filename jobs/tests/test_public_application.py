import pytest
from django.urls import reverse

from jobs.models import Application, Outcome, PostingStatus
from jobs.services import application_status_token

from .factories import ApplicationFactory, PostingFactory

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "name": "张小凡",
        "student_number": "2025030101",
        "class_major": "人文2501班",
        "mobile": "138 0013 8000",
        "availability": "5月1日至3日全天",
        "note": "做过超市促销",
        "consent": "on",
        "share_mobile": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anyone_can_apply_and_gets_a_status_link(client):
    posting = PostingFactory()
    response = client.post(reverse("jobs:apply", args=[posting.pk]), _data(), follow=True)
    application = Application.objects.get()
    assert application.mobile == "13800138000"
    assert response.redirect_chain[-1][0] == reverse(
        "jobs:application-status", args=[application_status_token(application)]
    )
    body = response.content.decode()
    assert "报名成功" in body
    assert "已报名，等待初试" in body


def test_second_submission_with_the_same_student_number_is_refused_and_changes_nothing(client):
    posting = PostingFactory()
    client.post(reverse("jobs:apply", args=[posting.pk]), _data())
    response = client.post(reverse("jobs:apply", args=[posting.pk]), _data(availability="只有5月2日"))
    assert response.status_code == 409
    assert "该学号已报名过此岗位" in response.content.decode()
    assert Application.objects.get().availability == "5月1日至3日全天"


def test_closed_posting_refuses_politely(client):
    posting = PostingFactory(status=PostingStatus.CLOSED)
    response = client.post(reverse("jobs:apply", args=[posting.pk]), _data())
    assert response.status_code == 409
    assert "已停止报名" in response.content.decode()
    assert not Application.objects.exists()


def test_full_posting_refuses_politely(client):
    posting = PostingFactory(headcount=1)
    ApplicationFactory(posting=posting, screening="passed", sent_at="2026-04-20T10:00+08:00", outcome=Outcome.HIRED)
    response = client.post(reverse("jobs:apply", args=[posting.pk]), _data())
    assert response.status_code == 409
    assert "已招满" in response.content.decode()
    assert Application.objects.count() == 1


def test_bad_mobile_gets_a_chinese_error(client):
    posting = PostingFactory()
    response = client.post(reverse("jobs:apply", args=[posting.pk]), _data(mobile="12345"))
    assert response.status_code == 400
    assert "手机号" in response.content.decode() or "电话号码" in response.content.decode()
    assert not Application.objects.exists()


def test_missing_consent_is_refused(client):
    posting = PostingFactory()
    data = _data()
    del data["consent"]
    response = client.post(reverse("jobs:apply", args=[posting.pk]), data)
    assert response.status_code == 400
    assert "请勾选同意向用人单位提供报名信息" in response.content.decode()
    assert not Application.objects.exists()


def test_honeypot_filled_by_a_bot_saves_nothing(client):
    posting = PostingFactory()
    response = client.post(reverse("jobs:apply", args=[posting.pk]), _data(website="http://spam.example"))
    assert response.status_code == 400
    assert "提交未被接受" in response.content.decode()
    assert not Application.objects.exists()


def test_rate_limit_per_ip(client, settings):
    settings.JOBS_APPLY_RATE = "2/m"
    posting = PostingFactory()
    for n in range(2):
        assert (
            client.post(reverse("jobs:apply", args=[posting.pk]), _data(student_number=f"202503010{n}")).status_code
            == 302
        )
    response = client.post(reverse("jobs:apply", args=[posting.pk]), _data(student_number="2025030109"))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Application.objects.count() == 2


def test_gender_is_asked_only_when_the_criteria_need_it(client):
    plain = PostingFactory()
    assert 'name="gender"' not in client.get(reverse("jobs:apply", args=[plain.pk])).content.decode()
    gendered = PostingFactory(asks_gender=True)
    response = client.post(reverse("jobs:apply", args=[gendered.pk]), _data())
    assert response.status_code == 400
    assert "请选择性别" in response.content.decode()


def test_screened_application_can_no_longer_be_changed_by_the_student(client):
    application = ApplicationFactory(screening="failed")
    token = application_status_token(application)
    status = client.get(reverse("jobs:application-status", args=[token])).content.decode()
    assert reverse("jobs:application-edit", args=[token]) not in status
    response = client.post(reverse("jobs:application-edit", args=[token]), _data(name="改过的名字"))
    assert response.status_code == 400
    assert "已进入初试" in response.content.decode()
    application.refresh_from_db()
    assert application.name != "改过的名字"


def test_public_pages_show_nothing_private(client):
    posting = PostingFactory(merchant__phone="13912345678", merchant__notes="老板私人微信 boss_wx")
    ApplicationFactory(posting=posting, name="另一位同学", mobile="13700000001")
    for url in (
        reverse("jobs:public-list"),
        reverse("jobs:public-posting", args=[posting.pk]),
        reverse("jobs:apply", args=[posting.pk]),
    ):
        body = client.get(url).content.decode()
        assert posting.title in body
        assert "13912345678" not in body and "139 1234 5678" not in body
        assert "boss_wx" not in body
        assert "另一位同学" not in body and "13700000001" not in body


def test_public_posting_has_a_qr_code_of_its_absolute_url(client):
    posting = PostingFactory()
    body = client.get(reverse("jobs:public-posting", args=[posting.pk])).content.decode()
    assert 'src="data:image/png;base64,' in body
    assert f"http://testserver/jobs/open/{posting.pk}/" in body


def test_draft_posting_does_not_exist_for_the_public(client):
    posting = PostingFactory(status=PostingStatus.DRAFT)
    assert client.get(reverse("jobs:public-posting", args=[posting.pk])).status_code == 404
    assert client.get(reverse("jobs:apply", args=[posting.pk])).status_code == 404
    assert posting.title not in client.get(reverse("jobs:public-list")).content.decode()


def test_status_page_shows_only_that_application(client):
    posting = PostingFactory()
    mine = ApplicationFactory(posting=posting, name="张小凡")
    ApplicationFactory(posting=posting, name="另一位同学")
    body = client.get(reverse("jobs:application-status", args=[application_status_token(mine)])).content.decode()
    assert "张小凡" in body
    assert "另一位同学" not in body
    assert mine.mobile not in body


@pytest.mark.parametrize("token", ["1", "abc", "MQ:1kZ:forged", "2:1v2:xxxxxxxx"])
def test_guessed_status_token_is_404_and_leaks_nothing(client, token):
    ApplicationFactory(name="张小凡")
    response = client.get(reverse("jobs:application-status", args=[token]))
    assert response.status_code == 404
    assert "张小凡" not in response.content.decode()


def test_token_signed_with_another_salt_is_refused(client):
    from django.core import signing

    application = ApplicationFactory(name="张小凡")
    token = signing.dumps(application.pk)  # default salt, as other signed links would use
    assert client.get(reverse("jobs:application-status", args=[token])).status_code == 404


def test_posting_past_its_deadline_leaves_the_public_list_and_refuses(client):
    import datetime

    from django.utils import timezone

    posting = PostingFactory(deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert posting.title not in client.get(reverse("jobs:public-list")).content.decode()
    response = client.post(reverse("jobs:apply", args=[posting.pk]), _data())
    assert response.status_code == 409
    assert "已停止报名" in response.content.decode()


def test_posting_of_a_merchant_blacklisted_after_publishing_takes_no_applications(client):
    posting = PostingFactory()
    merchant = posting.merchant
    merchant.vetting_status, merchant.blacklist_reason = "blacklisted", "fee_charging"
    merchant.save()
    assert posting.title not in client.get(reverse("jobs:public-list")).content.decode()
    response = client.post(reverse("jobs:apply", args=[posting.pk]), _data())
    assert response.status_code == 409
    assert "已停止报名" in response.content.decode()
    assert not Application.objects.exists()
