"""Logging a visit in the field: the idempotency key, the check-in stamp and its marks, the
picker's suggestions before typing, who the pickers list, and the thumbnail of a photo."""

import io
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from outreach.roles import Role
from outreach.tests.factories import MemberFactory
from sponsors import queries, services
from sponsors.models import FollowUp, Merchant, Visit
from sponsors.tests.factories import MerchantFactory, VisitFactory

pytestmark = pytest.mark.django_db


def visit_data(merchant, member, **extra) -> dict:
    data = {
        "merchant": merchant.pk,
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "members": [member.pk],
        "method": "in_person",
        "purpose": "sponsorship",
        "outcome": "interested",
        "notes": "店长愿意赞助排球赛饮料",
        "next_step": "送方案书",
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "followup_owner": member.pk,
    }
    data.update(extra)
    return data


# --- The idempotency key


def test_the_same_form_sent_twice_logs_one_visit(client_for, officer):
    merchant = MerchantFactory(owner=officer)
    client = client_for(officer)
    key = client.get(reverse("sponsors:visit-create")).context["form"].initial["idempotency_key"]
    data = visit_data(merchant, officer, idempotency_key=str(key))
    first = client.post(reverse("sponsors:visit-create"), data)
    again = client.post(reverse("sponsors:visit-create"), data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == merchant.get_absolute_url()
    assert Visit.objects.count() == 1
    assert FollowUp.objects.count() == 1  # the next step is not opened twice either


def test_two_forms_log_two_visits(client_for, officer):
    merchant = MerchantFactory(owner=officer)
    client = client_for(officer)
    for _ in range(2):
        client.post(reverse("sponsors:visit-create"), visit_data(merchant, officer, idempotency_key=str(uuid.uuid4())))
    assert Visit.objects.count() == 2


def test_each_visit_form_carries_a_new_key(client_for, officer):
    client = client_for(officer)
    first, second = (client.get(reverse("sponsors:visit-create")).content.decode() for _ in range(2))
    keys = [page.split('name="idempotency_key" value="')[1][:36] for page in (first, second)]
    assert keys[0] != keys[1]
    assert all(uuid.UUID(key) for key in keys)


def test_the_service_returns_the_first_visit_for_a_key(officer):
    merchant = MerchantFactory(owner=officer)
    key = uuid.uuid4()
    arguments = {
        "merchant": merchant,
        "by": officer,
        "visited_at": timezone.now(),
        "members": [officer],
        "method": "phone",
        "purpose": "jobs",
        "outcome": "undecided",
        "idempotency_key": key,
    }
    first = services.visit_log(**arguments)
    second = services.visit_log(**{**arguments, "notes": "第二次点击"})
    assert first.pk == second.pk
    assert Visit.objects.get().notes == ""


# --- Check-in


def test_check_in_stamps_the_server_time_apart_from_the_visit_time(client_for, officer):
    merchant = MerchantFactory(owner=officer)
    stated = timezone.localtime() - timedelta(hours=2)
    before = timezone.now()
    client_for(officer).post(
        reverse("sponsors:visit-create"),
        visit_data(
            merchant,
            officer,
            visited_at=stated.strftime("%Y-%m-%dT%H:%M"),
            latitude="30.512345",
            longitude="114.412345",
            location_accuracy="25",
        ),
    )
    visit = Visit.objects.get()
    assert visit.checked_in_at >= before.replace(microsecond=0)
    assert visit.visited_at.replace(second=0) == stated.replace(second=0, microsecond=0)
    assert visit.check_in_far_in_time  # typed in two hours after the stated visit

    page = client_for(officer).get(visit.get_absolute_url()).content.decode()
    assert stated.strftime("%Y-%m-%d %H:%M") in page
    assert f"服务器时间 {timezone.localtime(visit.checked_in_at):%Y-%m-%d %H:%M}" in page
    assert "精度约 25 米" in page
    assert 'data-testid="check-in-far-time"' in page
    assert f"相差 {visit.check_in_minutes_off} 分钟" in page and 119 <= visit.check_in_minutes_off <= 121


def test_a_check_in_at_the_visit_is_not_marked(client_for, officer):
    merchant = MerchantFactory(owner=officer)
    VisitFactory(
        merchant=merchant,
        created_by=officer,
        latitude=Decimal("30.512345"),
        longitude=Decimal("114.412345"),
        checked_in_at=timezone.now() - timedelta(days=3),
    )
    client_for(officer).post(
        reverse("sponsors:visit-create"),
        visit_data(merchant, officer, latitude="30.513000", longitude="114.413000", location_accuracy="15"),
    )
    visit = Visit.objects.latest("pk")
    assert visit.check_in_distance < 200
    page = client_for(officer).get(visit.get_absolute_url()).content.decode()
    assert 'data-testid="check-in"' in page
    assert "check-in-far-time" not in page and "check-in-far-place" not in page


def test_a_check_in_far_from_the_merchant_is_marked_not_refused(client_for, officer):
    merchant = MerchantFactory(owner=officer)
    VisitFactory(
        merchant=merchant,
        created_by=officer,
        latitude=Decimal("30.512345"),
        longitude=Decimal("114.412345"),
        checked_in_at=timezone.now() - timedelta(days=3),
    )
    # About 1.1 km north of the earlier check-ins.
    response = client_for(officer).post(
        reverse("sponsors:visit-create"),
        visit_data(merchant, officer, latitude="30.522345", longitude="114.412345", location_accuracy="15"),
    )
    assert response.status_code == 302
    visit = Visit.objects.latest("pk")
    assert 1000 < visit.check_in_distance < 1200
    page = client_for(officer).get(visit.get_absolute_url()).content.decode()
    assert 'data-testid="check-in-far-place"' in page
    assert f"以往的打卡位置 {visit.check_in_distance} 米" in page


def test_a_visit_without_a_position_has_no_check_in(client_for, officer):
    client_for(officer).post(reverse("sponsors:visit-create"), visit_data(MerchantFactory(), officer))
    visit = Visit.objects.get()
    assert visit.checked_in_at is None
    assert 'data-testid="check-in"' not in client_for(officer).get(visit.get_absolute_url()).content.decode()


# --- The merchant picker before typing


def test_the_picker_offers_my_merchants_and_last_visited_first(client_for, officer, django_assert_max_num_queries):
    mine = MerchantFactory(owner=officer, name="周黑鸭(街道口店)")
    visited = MerchantFactory(name="李宁专卖店")
    VisitFactory(merchant=visited, created_by=officer, visited_at=timezone.now() - timedelta(hours=1))
    older = MerchantFactory(name="康师傅")
    VisitFactory(merchant=older, created_by=officer, visited_at=timezone.now() - timedelta(days=20))
    MerchantFactory(name="别人的商家")
    for _ in range(30):
        MerchantFactory()
    client = client_for(officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("sponsors:visit-create")).content.decode()
    results = page.split('data-testid="merchant-results"')[1].split("</div>")[0]
    assert results.index("李宁专卖店") < results.index("康师傅") < results.index("周黑鸭")
    assert "别人的商家" not in results

    # Clearing the search box brings them back; other pickers' empty search stays empty.
    suggested = client.get(reverse("sponsors:merchant-search"), {"q": "", "suggest": "1"}).content.decode()
    assert "李宁专卖店" in suggested and mine.name in suggested
    assert "李宁专卖店" not in client.get(reverse("sponsors:merchant-search"), {"q": ""}).content.decode()


def test_the_picker_lists_a_merchant_once_visited_ones_by_my_last_visit(officer, vice_minister):
    now = timezone.now()
    # Mine and visited: listed once, where my last visit puts it (before the unvisited of mine).
    mine_visited = MerchantFactory(owner=officer, name="阿迪达斯")
    VisitFactory(merchant=mine_visited, created_by=officer, visited_at=now - timedelta(days=30))
    VisitFactory(merchant=mine_visited, created_by=officer, visited_at=now - timedelta(days=2))
    # A busy merchant: others' later visits do not count as mine.
    busy = MerchantFactory(name="华为")
    VisitFactory(merchant=busy, created_by=officer, visited_at=now - timedelta(days=5))
    for days in range(3):
        VisitFactory(merchant=busy, created_by=vice_minister, visited_at=now - timedelta(hours=days))
    # Lost: offered only when I visited it.
    lost_visited = MerchantFactory(owner=officer, name="百事", stage="lost")
    VisitFactory(merchant=lost_visited, created_by=officer, visited_at=now - timedelta(days=9))
    MerchantFactory(owner=officer, name="可口可乐", stage="lost")
    unvisited = [MerchantFactory(owner=officer, name=name).pk for name in ("安踏", "周黑鸭", "蜜雪冰城")]
    by_name = Merchant.objects.filter(pk__in=unvisited).order_by("name").values_list("name", flat=True)
    suggested = [merchant.name for merchant in queries.merchants_suggested_for(officer, limit=5)]
    assert suggested == ["阿迪达斯", "华为", "百事", *by_name[:2]]


def test_a_merchant_chosen_in_the_link_needs_no_picker(client_for, officer):
    merchant = MerchantFactory(owner=officer)
    response = client_for(officer).get(reverse("sponsors:visit-create"), {"merchant": merchant.pk})
    assert response.context["form"].initial["merchant"] == merchant.pk
    assert "suggestions" not in response.context


# --- Who the pickers list


def test_visitor_and_owner_pickers_list_writers_me_first(client_for, officer, vice_minister, minister, advisor):
    gone = MemberFactory(role=Role.OFFICER, display_name="已离开的部员", is_active=False)
    form = client_for(vice_minister).get(reverse("sponsors:visit-create")).context["form"]
    for name in ("members", "followup_owner"):
        listed = list(form.fields[name].queryset)
        assert listed[0] == vice_minister
        assert set(listed) == {officer, vice_minister, minister}, name
        assert advisor not in listed and gone not in listed
    owners = list(client_for(officer).get(reverse("sponsors:merchant-create")).context["form"].fields["owner"].queryset)
    assert owners[0] == officer and advisor not in owners


def test_editing_keeps_who_went_even_if_they_left(client_for, officer):
    gone = MemberFactory(role=Role.OFFICER, display_name="已离开的部员")
    visit = VisitFactory(created_by=officer, members=[officer, gone])
    gone.is_active = False
    gone.save()
    form = client_for(officer).get(reverse("sponsors:visit-edit", args=[visit.pk])).context["form"]
    assert gone in form.fields["members"].queryset


def test_the_next_step_label_appears_once(client_for, officer):
    page = client_for(officer).get(reverse("sponsors:visit-create")).content.decode()
    assert page.count(">下一步<") + page.count(">下一步\n") + page.count("下一步<span") <= 1
    assert page.count("下一步") == 1


# --- Photos


def test_a_photo_gets_a_thumbnail_for_lists(client_for, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), "orange").save(buffer, "JPEG")
    photo = SimpleUploadedFile("门店.jpg", buffer.getvalue(), content_type="image/jpeg")
    client = client_for(officer)
    client.post(reverse("sponsors:visit-create"), visit_data(MerchantFactory(), officer, photos=[photo]))
    stored = Visit.objects.get().photos.get()
    with Image.open(stored.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) == 480
    page = client.get(stored.visit.get_absolute_url()).content.decode()
    assert f'src="{stored.thumbnail.url}"' in page and f'href="{stored.image.url}"' in page
