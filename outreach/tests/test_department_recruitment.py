import pytest
from django.urls import reverse

from outreach import roles
from outreach.models import CandidateStatus
from outreach.tests.department_factories import CandidateFactory

pytestmark = pytest.mark.django_db


def test_accepted_candidate_can_log_in_as_an_officer(client, client_for, minister):
    candidate = CandidateFactory(name="张小北", email="zhangxiaobei@example.edu.cn")
    response = client_for(minister).post(
        reverse("outreach:candidate-accept", args=[candidate.pk]), {"username": "zhangxiaobei"}, follow=True
    )
    page = response.content.decode()
    assert 'data-testid="initial-password"' in page
    password = page.split('<code class="fs-5">')[1].split("</code>")[0]

    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.ACCEPTED
    assert candidate.decided_by == minister
    member = candidate.member
    assert member.display_name == "张小北"
    assert roles.primary_role(member.user) == roles.Role.OFFICER

    # Shown once: the next visit does not show it again.
    again = client_for(minister).get(candidate.get_absolute_url()).content.decode()
    assert password not in again

    client.logout()
    response = client.post("/accounts/login/", {"username": "zhangxiaobei", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "张小北" in response.content.decode()
    assert client.get(reverse("outreach:member-list")).status_code == 200


def test_minister_may_type_the_initial_password(client, client_for, minister):
    candidate = CandidateFactory()
    client_for(minister).post(
        reverse("outreach:candidate-accept", args=[candidate.pk]),
        {"username": "newbie", "password": "外联部欢迎你2026"},
    )
    client.logout()
    response = client.post("/accounts/login/", {"username": "newbie", "password": "外联部欢迎你2026"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("password", "reason"),
    [("12345678", "这个密码太常见了"), ("20260914", "只包含数字"), ("zhangxiaobei", "太相似"), ("Ab3$x", "至少包含 8")],
)
def test_a_weak_initial_password_is_refused_with_the_reason(client, client_for, minister, password, reason):
    candidate = CandidateFactory(name="张小北", email="zhangxiaobei@example.edu.cn")
    response = client_for(minister).post(
        reverse("outreach:candidate-accept", args=[candidate.pk]), {"username": "zhangxiaobei", "password": password}
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.APPLIED
    assert candidate.member is None


@pytest.mark.parametrize("role", ["officer", "vice_minister", "advisor"])
def test_only_the_minister_decides(request, client_for, role):
    candidate = CandidateFactory()
    client = client_for(request.getfixturevalue(role))
    assert client.post(reverse("outreach:candidate-accept", args=[candidate.pk]), {"username": "x1"}).status_code == 403
    assert client.post(reverse("outreach:candidate-reject", args=[candidate.pk])).status_code == 403
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.APPLIED


def test_taken_username_is_refused_in_chinese(client_for, minister):
    candidate = CandidateFactory()
    response = client_for(minister).post(
        reverse("outreach:candidate-accept", args=[candidate.pk]), {"username": minister.user.username}
    )
    assert response.status_code == 400
    assert "已被使用" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.member is None


@pytest.mark.parametrize(("role", "allowed"), [("officer", False), ("advisor", False), ("vice_minister", True)])
def test_leaders_register_and_interview_candidates(request, client_for, officer, role, allowed):
    client = client_for(request.getfixturevalue(role))
    response = client.post(reverse("outreach:candidate-list"), {"name": "李同学", "mobile": "13912345678"})
    assert response.status_code == (302 if allowed else 403)
    candidate = CandidateFactory()
    response = client.post(
        reverse("outreach:candidate-interview", args=[candidate.pk]),
        {
            "interview_at": "2026-09-20T19:00",
            "interviewers": [officer.pk],
            "score_communication": 8,
            "score_initiative": 9,
            "score_teamwork": 7,
            "interview_notes": "表达清楚，主动。",
        },
    )
    candidate.refresh_from_db()
    assert (candidate.interview_total == 24) is allowed
    if allowed:
        assert candidate.status == CandidateStatus.INTERVIEWED
        assert list(candidate.interviewers.all()) == [officer]


def test_interview_scores_above_ten_are_refused(client_for, minister):
    candidate = CandidateFactory()
    response = client_for(minister).post(
        reverse("outreach:candidate-interview", args=[candidate.pk]), {"score_communication": 11}
    )
    assert response.status_code == 400
    assert "0 到 10" in response.content.decode()
