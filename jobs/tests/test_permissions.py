import pytest
from django.urls import reverse

from jobs.models import Application, Posting, Screening
from jobs.services import application_status_token

from .factories import ApplicationFactory, PostingFactory

pytestmark = pytest.mark.django_db

ROLES = ["officer", "vice_minister", "minister", "advisor"]


@pytest.fixture
def posting():
    return PostingFactory()


def _read_urls(posting):
    return [
        reverse("jobs:posting-list"),
        reverse("jobs:posting-detail", args=[posting.pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_postings(request, client_for, posting, role):
    client = client_for(request.getfixturevalue(role))
    for url in _read_urls(posting):
        assert client.get(url).status_code == 200, url


def test_outsider_gets_403_on_department_pages(client_for, outsider, posting):
    application = ApplicationFactory(posting=posting)
    client = client_for(outsider)
    for url in [
        *_read_urls(posting),
        reverse("jobs:screening", args=[posting.pk]),
        reverse("jobs:posting-create"),
        reverse("jobs:posting-edit", args=[posting.pk]),
        reverse("jobs:interview-export", args=[posting.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("jobs:application-screen", args=[application.pk]), {"result": "passed"}).status_code == 403
    )


def test_anonymous_is_sent_to_login_and_a_guessed_application_id_shows_nothing(client, posting):
    application = ApplicationFactory(posting=posting, name="张小凡")
    for url in [
        reverse("jobs:posting-detail", args=[posting.pk]),
        reverse("jobs:screening", args=[posting.pk]),
        reverse("jobs:interview-export", args=[posting.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("jobs:application-outcome", args=[application.pk]), {"outcome": "hired"})
    assert response.status_code == 302
    # The status page takes only a signed token; a bare id is not one.
    response = client.get(reverse("jobs:application-status", args=[str(application.pk)]))
    assert response.status_code == 404
    assert "张小凡" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"), [("officer", True), ("vice_minister", True), ("minister", True), ("advisor", False)]
)
def test_officers_and_leaders_screen_the_advisor_does_not(request, client_for, posting, role, allowed):
    application = ApplicationFactory(posting=posting)
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("jobs:screening", args=[posting.pk])).status_code == (200 if allowed else 403)
    response = client.post(reverse("jobs:application-screen", args=[application.pk]), {"result": "passed"})
    assert response.status_code == (302 if allowed else 403)
    application.refresh_from_db()
    assert (application.screening == Screening.PASSED) is allowed


@pytest.mark.parametrize(
    ("role", "allowed"), [("officer", False), ("vice_minister", True), ("minister", True), ("advisor", False)]
)
def test_only_leaders_publish_send_and_record_outcomes(request, client_for, posting, role, allowed):
    member = request.getfixturevalue(role)
    client = client_for(member)
    application = ApplicationFactory(posting=posting, screening=Screening.PASSED)
    expected = 302 if allowed else 403
    assert client.get(reverse("jobs:posting-create")).status_code == (200 if allowed else 403)
    assert client.post(reverse("jobs:posting-status", args=[posting.pk]), {"status": "closed"}).status_code == expected
    assert (
        client.post(reverse("jobs:send-to-interview", args=[posting.pk]), {"application": application.pk}).status_code
        == expected
    )
    assert (
        client.post(reverse("jobs:application-outcome", args=[application.pk]), {"outcome": "hired"}).status_code
        == expected
    )
    assert client.get(reverse("jobs:interview-export", args=[posting.pk])).status_code == (200 if allowed else 403)
    application.refresh_from_db()
    assert (application.outcome == "hired") is allowed
    assert (Posting.objects.get(pk=posting.pk).status == "closed") is allowed


@pytest.mark.parametrize(("role", "allowed"), [("officer", True), ("minister", True), ("advisor", False)])
def test_writers_rate_the_employer(request, client_for, posting, role, allowed):
    client = client_for(request.getfixturevalue(role))
    response = client.post(reverse("jobs:rating-create", args=[posting.pk]), {"score": 5, "comment": "结算及时"})
    assert response.status_code == (302 if allowed else 403)
    assert posting.merchant.employer_ratings.exists() is allowed


@pytest.mark.parametrize("role", [*ROLES, None])
def test_public_pages_open_for_everyone(request, client, client_for, posting, role):
    if role:
        client = client_for(request.getfixturevalue(role))
    application = ApplicationFactory(posting=posting)
    assert client.get(reverse("jobs:public-list")).status_code == 200
    assert client.get(reverse("jobs:public-posting", args=[posting.pk])).status_code == 200
    assert client.get(reverse("jobs:apply", args=[posting.pk])).status_code == 200
    token = application_status_token(application)
    assert client.get(reverse("jobs:application-status", args=[token])).status_code == 200


def test_outsider_does_not_see_applications_through_the_public_pages(client_for, outsider, posting):
    ApplicationFactory(posting=posting, name="另一位同学")
    body = client_for(outsider).get(reverse("jobs:public-posting", args=[posting.pk])).content.decode()
    assert "另一位同学" not in body
    assert Application.objects.count() == 1
