import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.department.queries import agenda_candidates, student_organisations
from outreach.department.services import experience_share_create
from outreach.roles import Role
from outreach.tests.department_factories import MeetingFactory
from outreach.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _visit(member, merchant, days_ago, lesson):
    from sponsors.models import Visit

    visit = Visit.objects.create(
        merchant=merchant,
        visited_at=timezone.now() - datetime.timedelta(days=days_ago),
        lesson=lesson,
        created_by=member,
    )
    visit.members.set([member])
    return visit


@pytest.fixture
def merchant():
    from sponsors.models import Merchant

    return Merchant.objects.create(name="南门服饰店")


def test_lessons_logged_on_visits_since_the_last_meeting_are_agenda_candidates(officer, merchant):
    today = timezone.localdate()
    MeetingFactory(date=today - datetime.timedelta(days=7))
    meeting = MeetingFactory(date=today)
    old = _visit(officer, merchant, 10, "上周之前的教训")
    new = _visit(officer, merchant, 2, "连锁店要问总部")
    _visit(officer, merchant, 1, "")
    assert agenda_candidates(meeting) == [new]
    assert old not in agenda_candidates(meeting)

    experience_share_create(member=officer, topic="问总部", lesson=new.lesson, meeting=meeting, visit=new)
    assert agenda_candidates(meeting) == []


def test_meeting_page_shows_agenda_candidates_and_prefills_a_share(client_for, officer, merchant):
    meeting = MeetingFactory(date=timezone.localdate())
    visit = _visit(officer, merchant, 1, "先打电话预约")
    client = client_for(officer)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="agenda-candidates"' in page and "先打电话预约" in page
    page = client.get(meeting.get_absolute_url(), {"visit": visit.pk}).content.decode()
    assert f'name="visit" value="{visit.pk}" id="id_visit_value" data-picker-value' in page
    # The visit's merchant is chosen too, both named, from the visit the form was prefilled from.
    assert f'name="merchant" value="{merchant.pk}" id="id_merchant_value" data-picker-value' in page
    assert page.count('<strong class="text-break" data-picker-label>南门服饰店') >= 1

    response = client.post(
        reverse("outreach:meeting-share-create", args=[meeting.pk]),
        {"member": officer.pk, "topic": "预约", "lesson": "先打电话预约", "visit": visit.pk},
    )
    assert response.status_code == 302
    share = meeting.shares.get()
    assert share.visit == visit and share.merchant == merchant


def test_share_linked_to_a_merchant_is_found_by_its_industry(client_for, officer):
    from sponsors.models import Industry, Merchant

    clothing = Merchant.objects.create(name="某某服装", industry=Industry.objects.get(name="服饰"))
    experience_share_create(member=officer, topic="谈赞助", lesson="找能拍板的人", merchant=clothing)
    page = client_for(officer).get(reverse("outreach:experience-list"), {"q": "服饰"}).content.decode()
    assert "谈赞助" in page


def test_interschool_lists_student_organisations_with_their_joint_events(client_for, officer, merchant):
    from events.models import Event
    from sponsors.models import Merchant, MerchantKind

    org = Merchant.objects.create(name="兄弟学院学生会", kind=MerchantKind.STUDENT_ORG)
    gala = Event.objects.create(title="两校联谊晚会", starts_on=timezone.localdate())
    gala.co_organisers.add(org)
    Event.objects.create(title="校排球赛", starts_on=timezone.localdate())
    rows = student_organisations()
    assert rows == [(org, [gala])]
    page = client_for(officer).get(reverse("outreach:interschool")).content.decode()
    assert "兄弟学院学生会" in page and "两校联谊晚会" in page
    assert merchant.name not in page and "校排球赛" not in page


def test_inactive_members_are_not_asked_for_attendance(client_for, minister):
    left = MemberFactory(role=Role.OFFICER, display_name="已离任的人", is_active=False)
    meeting = MeetingFactory()
    assert left.display_name not in client_for(minister).get(meeting.get_absolute_url()).content.decode()


def test_the_advisor_is_not_asked_for_attendance(client_for, minister, advisor):
    meeting = MeetingFactory()
    page = client_for(minister).get(meeting.get_absolute_url()).content.decode()
    assert f'name="m{advisor.pk}"' not in page
    assert f'name="m{minister.pk}"' in page


def test_a_meeting_with_many_shares_shows_them_a_page_at_a_time(client_for, officer):
    from outreach.department.views import MEETING_SHARES_PAGE
    from outreach.tests.department_factories import ExperienceShareFactory

    meeting = MeetingFactory()
    ExperienceShareFactory.create_batch(MEETING_SHARES_PAGE + 5, meeting=meeting, member=officer)
    client = client_for(officer)
    first = client.get(meeting.get_absolute_url())
    assert len(first.context["shares"]) == MEETING_SHARES_PAGE
    assert f"共 {MEETING_SHARES_PAGE + 5} 条" in first.content.decode()
    assert "page=2" in first.content.decode()
    second = client.get(meeting.get_absolute_url() + "?page=2")
    assert len(second.context["shares"]) == 5
    # Oldest first, each share on one page only.
    told = [share.topic for response in (first, second) for share in response.context["shares"]]
    assert told == [share.topic for share in meeting.shares.order_by("created_at", "pk")]
