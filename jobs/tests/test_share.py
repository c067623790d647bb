"""Students share the notice: the card a pasted link shows, the printable PDF one tap away,
and the interview's time and place on the status page once they are set."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.services import application_status_token
from jobs.tests.factories import ApplicationFactory, PostingFactory

pytestmark = pytest.mark.django_db


def meta(page: str, prop: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', page)
    assert found, prop
    return unescape(found.group(1))


@pytest.mark.parametrize("url_name", ["jobs:public-posting", "jobs:apply"])
def test_a_public_job_page_carries_its_share_card(client, url_name):
    deadline = timezone.localdate() + datetime.timedelta(days=9)
    posting = PostingFactory(title="五一促销员", place="光谷步行街李宁专卖店", pay_amount="150.00", deadline=deadline)
    page = client.get(reverse(url_name, args=[posting.pk])).content.decode()
    assert meta(page, "og:title") == f"招聘启事：五一促销员（{posting.merchant.name}）"
    description = meta(page, "og:description")
    assert "光谷步行街李宁专卖店" in description and "¥150.00" in description
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in description
    assert meta(page, "description") == description
    assert meta(page, "og:url") == f"http://testserver{posting.get_public_url()}"
    image = meta(page, "og:image")
    assert image.startswith("http://testserver/static/") and image.endswith(".png")


def test_the_share_card_is_in_english_for_an_english_reader(client, settings):
    posting = PostingFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("jobs:public-posting", args=[posting.pk])).content.decode()
    assert meta(page, "og:title") and meta(page, "og:description")


def test_the_notice_page_links_to_its_printable_pdf(client):
    posting = PostingFactory()
    page = client.get(posting.get_public_url()).content.decode()
    pdf_url = reverse("jobs:notice-pdf", args=[posting.pk])
    assert f'href="{pdf_url}"' in page


def test_the_status_page_shows_the_interview_once_set(client):
    posting = PostingFactory(interview_at=None, interview_place="")
    application = ApplicationFactory(posting=posting, screening="passed", sent_at=timezone.now())
    url = reverse("jobs:application-status", args=[application_status_token(application)])
    assert 'data-testid="interview"' not in client.get(url).content.decode()

    posting.interview_at = timezone.make_aware(datetime.datetime(2026, 4, 28, 14, 30))
    posting.interview_place = "门店二楼会议室"
    posting.save()
    page = client.get(url).content.decode()
    box = page.split('data-testid="interview"')[1].split("</div>\n  </div>")[0]
    assert "2026年4月28日 14:30" in box and "门店二楼会议室" in box


def test_a_place_without_a_time_shows_too(client):
    posting = PostingFactory(interview_at=None, interview_place="门店二楼")
    application = ApplicationFactory(posting=posting, screening="passed", sent_at=timezone.now())
    page = client.get(reverse("jobs:application-status", args=[application_status_token(application)]))
    box = page.content.decode().split('data-testid="interview"')[1]
    assert "门店二楼" in box and "另行通知" in box


def test_an_applicant_not_sent_to_interview_sees_no_interview(client):
    application = ApplicationFactory(posting=PostingFactory(interview_at=timezone.now()))
    page = client.get(reverse("jobs:application-status", args=[application_status_token(application)]))
    assert 'data-testid="interview"' not in page.content.decode()
