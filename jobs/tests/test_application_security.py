"""The public application cannot be taken over, its status link can be revoked and
expires, and it keeps working (and limited per client) whatever the cache and the proxy."""

import datetime
import logging
import subprocess

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from jobs.models import STATUS_LINK_DAYS_AFTER_WORK, Application
from jobs.services import STATUS_TOKEN_SALT, application_status_token

from .factories import ApplicationFactory, PostingFactory
from .test_public_application import _data

pytestmark = pytest.mark.django_db


def _apply(client, posting, **overrides):
    return client.post(reverse("jobs:apply", args=[posting.pk]), _data(**overrides))


# --- Item 2: a student number does not take over someone's application


def test_another_students_number_does_not_overwrite_their_application(client):
    posting = PostingFactory()
    victim = ApplicationFactory(
        posting=posting, student_number="2025030101", name="张小凡", mobile="13700000001", note="只能周末"
    )
    response = _apply(client, posting, student_number="2025030101", name="冒名者", mobile="13900000009", note="x")
    assert response.status_code == 409
    body = response.content.decode()
    assert "该学号已报名过此岗位" in body and "原报名没有任何改动" in body
    assert "张小凡" not in body and "13700000001" not in body and "只能周末" not in body
    assert application_status_token(victim) not in body and "/jobs/status/" not in body
    victim.refresh_from_db()
    assert (victim.name, victim.mobile, victim.note) == ("张小凡", "13700000001", "只能周末")
    assert Application.objects.count() == 1


def test_the_same_student_applying_again_is_told_to_use_their_link_and_is_not_given_it(client):
    posting = PostingFactory()
    first = client.post(reverse("jobs:apply", args=[posting.pk]), _data())
    token = first["Location"].rstrip("/").rsplit("/", 1)[-1]
    again = _apply(client, posting, availability="只有5月2日")
    assert again.status_code == 409
    body = again.content.decode()
    assert "进度链接" in body and token not in body
    assert Application.objects.get().availability == "5月1日至3日全天"


def test_the_holder_of_the_status_link_changes_the_application(client):
    application = ApplicationFactory(name="张小凡", mobile="13700000001", availability="三天全天")
    token = application_status_token(application)
    page = client.get(reverse("jobs:application-edit", args=[token]))
    assert page.status_code == 200
    assert "13700000001" not in page.content.decode()  # the edit page never shows the mobile
    response = client.post(
        reverse("jobs:application-edit", args=[token]),
        {"name": "张小凡", "class_major": "人文2501班", "mobile": "", "availability": "只有5月2日", "note": ""},
        follow=True,
    )
    assert "报名信息已更新" in response.content.decode()
    application.refresh_from_db()
    assert (application.availability, application.mobile) == ("只有5月2日", "13700000001")
    client.post(
        reverse("jobs:application-edit", args=[token]),
        {"name": "张小凡", "class_major": "人文2501班", "mobile": "139 0000 0009", "availability": "只有5月2日"},
    )
    application.refresh_from_db()
    assert application.mobile == "13900000009"


def test_a_made_up_edit_link_is_404(client):
    ApplicationFactory(name="张小凡")
    response = client.post(reverse("jobs:application-edit", args=["MQ:1kZ:forged"]), {"name": "x"})
    assert response.status_code == 404
    assert not Application.objects.filter(name="x").exists()


def test_a_writer_revokes_a_status_link_and_it_then_says_it_no_longer_works(client, client_for, officer):
    application = ApplicationFactory(name="张小凡")
    token = application_status_token(application)
    response = client_for(officer).post(reverse("jobs:application-revoke-link", args=[application.pk]))
    assert response.status_code == 302
    client.logout()
    for url in (reverse("jobs:application-status", args=[token]), reverse("jobs:application-edit", args=[token])):
        gone = client.get(url)
        assert gone.status_code == 410
        body = gone.content.decode()
        assert "链接已失效" in body
        assert "张小凡" not in body and application.posting.title not in body
    edit = client.post(reverse("jobs:application-edit", args=[token]), _data(name="改名"))
    assert edit.status_code == 410
    application.refresh_from_db()
    assert application.name == "张小凡" and application.status_link_revoked_at is not None


def test_a_revoked_application_gets_a_new_link_that_works(client, client_for, officer):
    application = ApplicationFactory()
    client_for(officer).post(reverse("jobs:application-revoke-link", args=[application.pk]))
    application.refresh_from_db()
    client.logout()
    assert (
        client.get(reverse("jobs:application-status", args=[application_status_token(application)])).status_code == 200
    )


@pytest.mark.parametrize(("role", "allowed"), [("officer", True), ("vice_minister", True), ("advisor", False)])
def test_only_writers_revoke_status_links(request, client_for, role, allowed):
    application = ApplicationFactory()
    response = client_for(request.getfixturevalue(role)).post(
        reverse("jobs:application-revoke-link", args=[application.pk])
    )
    assert response.status_code == (302 if allowed else 403)
    application.refresh_from_db()
    assert (application.status_link_generation == 1) is allowed


def test_the_public_cannot_revoke_a_status_link(client):
    application = ApplicationFactory()
    response = client.post(reverse("jobs:application-revoke-link", args=[application.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    application.refresh_from_db()
    assert application.status_link_generation == 0


def _finished_posting(days_ago: int):
    end = timezone.localdate() - datetime.timedelta(days=days_ago)
    return PostingFactory(
        work_start=end - datetime.timedelta(days=2), work_end=end, deadline=end - datetime.timedelta(days=5)
    )


def test_status_link_works_until_some_days_after_the_work_ends_then_expires(client):
    last_day = ApplicationFactory(posting=_finished_posting(STATUS_LINK_DAYS_AFTER_WORK), name="张小凡")
    expired = ApplicationFactory(posting=_finished_posting(STATUS_LINK_DAYS_AFTER_WORK + 1), name="李四")
    ok = client.get(reverse("jobs:application-status", args=[application_status_token(last_day)]))
    assert ok.status_code == 200 and "张小凡" in ok.content.decode()
    gone = client.get(reverse("jobs:application-status", args=[application_status_token(expired)]))
    assert gone.status_code == 410
    assert "链接已失效" in gone.content.decode() and "李四" not in gone.content.decode()


def test_links_given_out_before_revocation_existed_still_work(client):
    application = ApplicationFactory(name="张小凡")
    old_token = signing.dumps(application.pk, salt=STATUS_TOKEN_SALT)
    response = client.get(reverse("jobs:application-status", args=[old_token]))
    assert response.status_code == 200 and "张小凡" in response.content.decode()


# --- Item 7: limits of the public form


def test_full_width_digits_of_a_chinese_input_method_are_read_as_the_student_number(client):
    posting = PostingFactory()
    assert _apply(client, posting, student_number="２０２５０３０１０１").status_code == 302
    assert Application.objects.get().student_number == "2025030101"


@pytest.mark.parametrize("number", ["٢٠٢٥٠٣٠١٠١", "2025-0301", "１２３", "2025030101x"])
def test_student_numbers_are_ascii_digits_only(client, number):
    response = _apply(client, PostingFactory(), student_number=number)
    assert response.status_code == 400
    assert "学号应为6到20位数字" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(("field", "limit"), [("availability", 300), ("note", 500), ("name", 50)])
def test_text_fields_have_a_maximum_length(client, field, limit):
    posting = PostingFactory()
    response = _apply(client, posting, **{field: "长" * (limit + 1)})
    assert response.status_code == 400
    assert not Application.objects.exists()
    assert _apply(client, posting, **{field: "长" * limit}).status_code == 302


def test_an_empty_post_gets_a_message(client):
    response = client.post(reverse("jobs:apply", args=[PostingFactory().pk]), {})
    assert response.status_code == 400
    assert "报名表是空的" in response.content.decode()


def _apply_from(client, posting, n, forwarded_for):
    return client.post(
        reverse("jobs:apply", args=[posting.pk]),
        _data(student_number=f"20250301{n:02d}"),
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_rate_limit_counts_each_student_behind_the_proxy_separately(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.JOBS_APPLY_RATE = "1/m"
    posting = PostingFactory()
    assert _apply_from(client, posting, 1, "10.0.0.1").status_code == 302
    assert _apply_from(client, posting, 2, "10.0.0.2").status_code == 302
    assert _apply_from(client, posting, 3, "10.0.0.1").status_code == 429


def test_a_made_up_forwarded_for_entry_does_not_buy_a_new_bucket(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.JOBS_APPLY_RATE = "1/m"
    posting = PostingFactory()
    assert _apply_from(client, posting, 1, "6.6.6.6, 10.0.0.9").status_code == 302
    response = _apply_from(client, posting, 2, "7.7.7.7, 10.0.0.9")
    assert response.status_code == 429
    assert Application.objects.count() == 1


def test_without_a_trusted_proxy_the_forwarded_for_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.JOBS_APPLY_RATE = "1/m"
    posting = PostingFactory()
    assert _apply_from(client, posting, 1, "10.0.0.1").status_code == 302
    assert _apply_from(client, posting, 2, "10.0.0.2").status_code == 429


# --- Item 6: the cache down


def test_with_the_cache_down_the_application_still_works_and_the_limit_comes_back(
    client, settings, redis_cache, caplog
):
    settings.JOBS_APPLY_RATE = "2/m"
    posting = PostingFactory()
    assert _apply(client, posting, student_number="2025030101").status_code == 302
    redis_cache.stop()
    with caplog.at_level(logging.WARNING, logger="outreach.throttle"):
        response = _apply(client, posting, student_number="2025030102")
    assert response.status_code == 302
    assert Application.objects.filter(student_number="2025030102").exists()
    assert any("cache did not answer" in record.getMessage() for record in caplog.records)
    redis_cache.start()  # empty again: the counts start over
    assert _apply(client, posting, student_number="2025030103").status_code == 302
    assert _apply(client, posting, student_number="2025030104").status_code == 302
    limited = _apply(client, posting, student_number="2025030105")
    assert limited.status_code == 429
    assert not Application.objects.filter(student_number="2025030105").exists()


# --- Item 8: the notice PDF


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_notice_pdf_is_cached_until_the_posting_changes(client, tmp_path, poppler):
    posting = PostingFactory(title="五一促销员")
    url = reverse("jobs:notice-pdf", args=[posting.pk])
    first = client.get(url).content
    # A change that does not go through save() leaves updated_at, so the cached PDF is served.
    type(posting).objects.filter(pk=posting.pk).update(title="国庆促销员")
    assert client.get(url).content == first
    posting.refresh_from_db()
    posting.save()
    assert "国庆促销员" in _pdf_text(client.get(url).content, tmp_path)


def test_notice_pdf_is_cached_per_language(client, settings, poppler, tmp_path):
    posting = PostingFactory()
    url = reverse("jobs:notice-pdf", args=[posting.pk])
    chinese = client.get(url).content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content
    assert "招聘启事" in _pdf_text(chinese, tmp_path)
    assert "招聘启事" not in _pdf_text(english, tmp_path)


def test_notice_pdf_renders_with_the_cache_down(client, redis_cache, caplog, poppler, tmp_path):
    posting = PostingFactory(title="五一促销员")
    redis_cache.stop()
    with caplog.at_level(logging.WARNING, logger="jobs.queries"):
        response = client.get(reverse("jobs:notice-pdf", args=[posting.pk]))
    assert response.status_code == 200
    assert "五一促销员" in _pdf_text(response.content, tmp_path)
    assert any("cache did not answer" in record.getMessage() for record in caplog.records)


def test_the_refusal_is_in_the_language_the_student_chose(client, settings):
    posting = PostingFactory()
    ApplicationFactory(posting=posting, student_number="2025030101")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _apply(client, posting, student_number="2025030101")
    assert response.status_code == 409
    assert "already applied" in response.content.decode()
