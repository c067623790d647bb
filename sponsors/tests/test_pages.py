import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sponsors.models import FollowUp, Merchant, Stage, StageChange, Tag, VettingStatus, Visit

from .factories import (
    ContactFactory,
    FollowUpFactory,
    IndustryFactory,
    MerchantFactory,
    StageChangeFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_merchants(officer):
    tag = Tag.objects.create(name="球赛")
    merchants = []
    for index in range(55):
        merchant = MerchantFactory(
            owner=officer,
            stage=Stage.values[index % 6],
            vetting_status=VettingStatus.VERIFIED if index % 3 else VettingStatus.UNVERIFIED,
        )
        merchant.tags.add(tag)
        ContactFactory(merchant=merchant)
        VisitFactory(merchant=merchant, created_by=officer)
        FollowUpFactory(merchant=merchant, owner=officer)
        merchants.append(merchant)
    return merchants


def test_list_runs_a_fixed_number_of_queries(client_for, minister, many_merchants, django_assert_max_num_queries):
    client = client_for(minister)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sponsors:merchant-list"), {"sort": "-last_visit"})
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 25


def test_board_runs_a_fixed_number_of_queries(client_for, minister, many_merchants, django_assert_max_num_queries):
    client = client_for(minister)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("sponsors:board"))
    assert response.status_code == 200
    assert sum(len(merchants) for _s, _l, merchants, _total, _menu in response.context["columns"]) == 55


def test_detail_runs_a_fixed_number_of_queries(client_for, minister, officer, django_assert_max_num_queries):
    merchant = MerchantFactory()
    ContactFactory.create_batch(5, merchant=merchant, is_primary=False)
    for _ in range(30):
        VisitFactory(merchant=merchant, created_by=officer, members=[officer, minister])
        StageChangeFactory(merchant=merchant, changed_by=officer)
        FollowUpFactory(merchant=merchant, owner=officer)
    # Other apps add their own timeline sources (a few queries each), never per row.
    client = client_for(minister)
    with django_assert_max_num_queries(40):
        response = client.get(merchant.get_absolute_url())
    assert response.status_code == 200
    # The newest 30 entries and a link to older ones, however long the history.
    assert len(response.context["timeline"]) == 30
    assert 'data-testid="timeline-more"' in response.content.decode()
    with django_assert_max_num_queries(40):
        response = client.get(merchant.get_absolute_url(), {"timeline": "90"})
    assert len([entry for entry in response.context["timeline"] if entry.kind == "visit"]) == 30
    assert 'data-testid="timeline-more"' not in response.content.decode()


def test_export_runs_a_fixed_number_of_queries(client_for, advisor, many_merchants, django_assert_max_num_queries):
    client = client_for(advisor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("sponsors:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_list_filters_by_stage_industry_and_search_in_chinese(client_for, officer):
    food = IndustryFactory(name="食品")
    sport = IndustryFactory(name="运动")
    kang = MerchantFactory(name="康师傅武汉分公司", industry=food, stage=Stage.SIGNED)
    ContactFactory(merchant=kang, name="马经理", mobile="13971100002")
    MerchantFactory(name="李宁专卖店", industry=sport, phone="02787654321")
    client = client_for(officer)

    def names(**params):
        response = client.get(reverse("sponsors:merchant-list"), params)
        return [merchant.name for merchant in response.context["page_obj"]]

    assert names(q="康师") == ["康师傅武汉分公司"]
    assert names(q="马经") == ["康师傅武汉分公司"]
    assert names(q="1100002") == ["康师傅武汉分公司"]
    assert names(q="8765") == ["李宁专卖店"]
    assert names(stage="signed") == ["康师傅武汉分公司"]
    assert names(industry=sport.pk) == ["李宁专卖店"]


def test_not_visited_filter_finds_merchants_left_alone(client_for, officer):
    fresh = MerchantFactory(name="新近拜访")
    VisitFactory(merchant=fresh)
    stale = MerchantFactory(name="很久没去")
    VisitFactory(merchant=stale, visited_at=timezone.now() - timedelta(days=60))
    never = MerchantFactory(name="从未拜访")
    response = client_for(officer).get(reverse("sponsors:merchant-list"), {"not_visited_days": 30})
    assert set(response.context["page_obj"]) == {stale, never}
    assert fresh not in response.context["page_obj"]


def test_officer_logs_a_visit_with_follow_up_from_the_form(client_for, officer):
    merchant = MerchantFactory(name="康师傅武汉分公司")
    due = timezone.localdate() + timedelta(days=5)
    response = client_for(officer).post(
        reverse("sponsors:visit-create"),
        {
            "merchant": merchant.pk,
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "members": [officer.pk],
            "method": "in_person",
            "purpose": "jobs",
            "outcome": "interested",
            "notes": "五一需要促销员",
            "lesson": "",
            "new_stage": "contacted",
            "next_step": "确认兼职人数",
            "due_on": due.isoformat(),
            "followup_owner": officer.pk,
            "latitude": "30.512345",
            "longitude": "114.412345",
            "location_accuracy": "20",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.has_location and visit.created_by == officer
    assert FollowUp.objects.get().due_on == due
    assert StageChange.objects.get().to_stage == Stage.CONTACTED


def test_visit_form_without_merchant_says_so(client_for, officer):
    response = client_for(officer).post(reverse("sponsors:visit-create"), {"members": [officer.pk]})
    assert "请先搜索并选择商家" in response.content.decode()


def test_visit_form_prefills_today_and_current_member(client_for, officer):
    response = client_for(officer).get(reverse("sponsors:visit-create"))
    form = response.context["form"]
    assert form.initial["members"] == [officer.pk]
    assert form.initial["visited_at"].date() == timezone.localdate()


def test_merchant_search_finds_by_part_of_the_name(client_for, officer):
    MerchantFactory(name="康师傅武汉分公司")
    MerchantFactory(name="李宁专卖店")
    response = client_for(officer).get(reverse("sponsors:merchant-search"), {"q": "康师"})
    body = response.content.decode()
    assert "康师傅武汉分公司" in body and "李宁" not in body


def test_creating_a_likely_duplicate_asks_first(client_for, officer):
    existing = MerchantFactory(name="李宁专卖店", phone="13800138000")
    client = client_for(officer)
    data = {"name": "李宁专卖店(光谷店)", "kind": "shop", "phone": "", "owner": officer.pk}
    response = client.post(reverse("sponsors:merchant-create"), data)
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert Merchant.objects.count() == 1
    response = client.post(reverse("sponsors:merchant-create"), {**data, "confirm_not_duplicate": "1"})
    assert response.status_code == 302
    assert Merchant.objects.count() == 2


def test_same_phone_written_with_spaces_is_a_duplicate(client_for, officer):
    existing = MerchantFactory(name="校园打印社", phone="13800138000")
    response = client_for(officer).get(
        reverse("sponsors:merchant-duplicates"), {"name": "学校门口复印店", "phone": "138 0013 8000"}
    )
    assert existing.name in response.content.decode()


def test_minister_moves_a_merchant_from_the_board_by_button(client_for, minister):
    merchant = MerchantFactory(stage=Stage.CONTACTED)
    response = client_for(minister).post(
        reverse("sponsors:merchant-stage", args=[merchant.pk]), {"to_stage": "negotiating", "next": "board"}
    )
    assert response["Location"] == reverse("sponsors:board")
    change = StageChange.objects.get()
    assert (change.from_stage, change.to_stage, change.changed_by) == ("contacted", "negotiating", minister)


def test_board_drag_answers_json(client_for, vice_minister):
    merchant = MerchantFactory()
    response = client_for(vice_minister).post(
        reverse("sponsors:merchant-stage", args=[merchant.pk]),
        {"to_stage": "lost", "reason": "签约前反悔"},
        headers={"Accept": "application/json"},
    )
    assert response.json() == {"ok": True, "changed": True, "stage": "lost"}


def test_blacklisted_merchant_is_marked_on_its_page(client_for, officer):
    merchant = MerchantFactory(vetting_status=VettingStatus.BLACKLISTED, blacklist_reason="fee_charging")
    body = client_for(officer).get(merchant.get_absolute_url()).content.decode()
    assert "黑名单" in body and "不能为其制作方案书" in body


def test_my_follow_ups_are_split_into_overdue_today_upcoming(client_for, officer):
    today = timezone.localdate()
    late = FollowUpFactory(owner=officer, due_on=today - timedelta(days=2))
    now = FollowUpFactory(owner=officer, due_on=today)
    soon = FollowUpFactory(owner=officer, due_on=today + timedelta(days=3))
    FollowUpFactory(due_on=today)  # someone else's
    sections = client_for(officer).get(reverse("sponsors:followups")).context["sections"]
    assert (sections["overdue"], sections["today"], sections["upcoming"]) == ([late], [now], [soon])


def test_vetting_form_saves_for_leaders(client_for, minister):
    merchant = MerchantFactory()
    client_for(minister).post(
        reverse("sponsors:merchant-vetting", args=[merchant.pk]),
        {"vetting_status": "verified", "vetting_note": "执照已查", "credit_code": "91350100m000100y43"},
    )
    merchant.refresh_from_db()
    assert (merchant.vetting_status, merchant.credit_code, merchant.vetted_by) == (
        "verified",
        "91350100M000100Y43",
        minister,
    )


def test_merchant_page_shows_who_changed_what(client_for, minister):
    merchant = MerchantFactory(name="周黑鸭")
    client = client_for(minister)
    client.post(
        reverse("sponsors:merchant-edit", args=[merchant.pk]),
        {"name": "周黑鸭(街道口店)", "kind": "shop", "phone": "027-87654321", "owner": merchant.owner_id},
    )
    changes = client.get(merchant.get_absolute_url()).context["changes"]
    assert changes[0]["who"] == minister.display_name
    assert "名称" in changes[0]["what"] and "电话" in changes[0]["what"]


def _png(name="门店.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_visit_carries_photos_and_check_in_shown_on_its_page(client_for, officer):
    merchant = MerchantFactory()
    client = client_for(officer)
    client.post(
        reverse("sponsors:visit-create"),
        {
            "merchant": merchant.pk,
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "members": [officer.pk],
            "method": "in_person",
            "purpose": "sponsorship",
            "outcome": "agreed",
            "photos": [_png("门店.png"), _png("意向书.png")],
            "latitude": "30.5",
            "longitude": "114.4",
        },
    )
    visit = Visit.objects.get()
    assert visit.photos.count() == 2
    body = client.get(visit.get_absolute_url()).content.decode()
    assert 'data-testid="check-in"' in body and body.count("<img") == 2


def test_a_file_that_is_not_an_image_is_refused_as_photo(client_for, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(officer).post(
        reverse("sponsors:visit-create"),
        {
            "merchant": MerchantFactory().pk,
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "members": [officer.pk],
            "method": "in_person",
            "purpose": "sponsorship",
            "outcome": "agreed",
            "photos": [SimpleUploadedFile("病毒.png", b"not an image")],
        },
    )
    assert response.status_code == 200 and not Visit.objects.exists()


def test_follow_ups_page_runs_a_fixed_number_of_queries(client_for, officer, django_assert_max_num_queries):
    today = timezone.localdate()
    for offset in range(-10, 20):
        visit = VisitFactory(created_by=officer)
        FollowUpFactory(merchant=visit.merchant, visit=visit, owner=officer, due_on=today + timedelta(days=offset))
    FollowUpFactory.create_batch(12, owner=officer, done_at=timezone.now(), done_by=officer)
    client = client_for(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sponsors:followups"))
    sections = response.context["sections"]
    assert (len(sections["overdue"]), len(sections["today"]), len(sections["upcoming"])) == (10, 1, 19)
    assert len(sections["done"]) == 10


def test_leader_sees_another_members_follow_ups(client_for, vice_minister, officer):
    FollowUpFactory(owner=officer, description="回访周黑鸭")
    response = client_for(vice_minister).get(reverse("sponsors:followups"), {"member": officer.pk})
    assert response.context["shown"] == officer
    assert "回访周黑鸭" in response.content.decode()


def test_officer_cannot_peek_at_another_members_follow_ups(client_for, officer, vice_minister):
    FollowUpFactory(owner=vice_minister, description="部长的事")
    response = client_for(officer).get(reverse("sponsors:followups"), {"member": vice_minister.pk})
    assert response.context["shown"] == officer


def test_visit_page_runs_a_fixed_number_of_queries(client_for, advisor, officer, django_assert_max_num_queries):
    visit = VisitFactory(members=[officer, advisor])
    FollowUpFactory.create_batch(5, merchant=visit.merchant, visit=visit, owner=officer)
    client = client_for(advisor)
    with django_assert_max_num_queries(12):
        response = client.get(visit.get_absolute_url())
    assert response.status_code == 200


def test_board_columns_show_the_most_recent_merchants_and_the_true_total(client_for, minister, settings):
    from sponsors import queries

    older = MerchantFactory.create_batch(3, stage=Stage.PROSPECT)
    newest = MerchantFactory(stage=Stage.PROSPECT, name="最新接触的商家")
    columns = queries.merchants_for_board(limit=2)
    shown, total = columns[Stage.PROSPECT]
    assert total == 4
    assert len(shown) == 2
    assert shown[0] == newest
    response = client_for(minister).get(reverse("sponsors:board"))
    page = response.content.decode()
    assert 'data-testid="count-prospect">4<' in page
    assert older[0].name in page  # 4 merchants fit the default column size


def test_each_board_card_moves_its_own_merchant_to_the_other_stages(client_for, minister, officer):
    signed = MerchantFactory(stage=Stage.SIGNED)
    prospect = MerchantFactory(stage=Stage.PROSPECT)
    page = client_for(minister).get(reverse("sponsors:board")).content.decode()
    for merchant in (signed, prospect):
        card = page.split(f'data-testid="card-{merchant.pk}"')[1].split('data-testid="card-')[0]
        assert f'action="{reverse("sponsors:merchant-stage", args=[merchant.pk])}"' in card
        assert 'name="csrfmiddlewaretoken"' in card
        assert f'name="from_stage" value="{merchant.stage}"' in card
        assert set(re.findall(r'name="to_stage" value="(\w+)"', card)) == set(Stage.values) - {merchant.stage}
    assert "to_stage" not in client_for(officer).get(reverse("sponsors:board")).content.decode()


def test_board_can_show_only_my_merchants(client_for, officer):
    mine = MerchantFactory(owner=officer, name="我负责的商家")
    MerchantFactory(name="别人负责的商家")
    page = client_for(officer).get(reverse("sponsors:board") + "?mine=1").content.decode()
    assert mine.name in page
    assert "别人负责的商家" not in page


def test_merchant_page_works_for_a_merchant_without_history(client_for, officer):
    """Bulk imports and rows older than the history have no history record."""
    merchant = Merchant.objects.bulk_create([Merchant(name="批量导入的商家")])[0]
    response = client_for(officer).get(merchant.get_absolute_url())
    assert response.status_code == 200
    assert "批量导入的商家" in response.content.decode()


@pytest.mark.parametrize("typed", ["五一，兼职、球赛", "五一, 兼职,球赛", " 五一 、兼职，，球赛 "])
def test_tags_split_on_the_commas_chinese_users_type(typed):
    from sponsors.forms import MerchantForm

    form = MerchantForm(data={"name": "安踏(街道口店)", "kind": "shop", "stage": "prospect", "tag_names": typed})
    form.is_valid()
    assert form.cleaned_data["tag_names"] == ["五一", "兼职", "球赛"]


@pytest.mark.parametrize(
    ("query", "field", "error"),
    [
        ("not_visited_days=abc", "not_visited_days", "整数"),
        ("not_visited_days=0", "not_visited_days", "大于或等于1"),
        ("stage=bogus", "stage", "有效的选项"),
        ("sort=evil", "sort", "有效的选项"),
    ],
)
def test_bad_filter_input_is_explained_and_the_list_still_shows(client_for, officer, query, field, error):
    MerchantFactory(name="康师傅武汉分公司")
    response = client_for(officer).get(reverse("sponsors:merchant-list") + "?" + query)
    assert response.status_code == 200
    assert error in response.context["form"].errors[field][0]
    assert "康师傅武汉分公司" in response.content.decode()


def test_a_merchant_with_many_follow_ups_and_contacts_shows_them_ten_at_a_time(client_for, officer):
    from sponsors.tests.factories import ContactFactory, FollowUpFactory, MerchantFactory
    from sponsors.views import SECTION_PAGE

    merchant = MerchantFactory(owner=officer)
    FollowUpFactory.create_batch(SECTION_PAGE + 2, merchant=merchant, owner=officer)
    ContactFactory.create_batch(SECTION_PAGE + 1, merchant=merchant, is_primary=False)
    client = client_for(officer)
    response = client.get(reverse("sponsors:merchant-detail", args=[merchant.pk]))
    html = response.content.decode()
    followups = html.split('id="followups"')[1].split('data-testid="followups-pages"')[0]
    assert followups.count('<li class="list-group-item small') == SECTION_PAGE
    assert f"共 {SECTION_PAGE + 2} 条" in html and f"共 {SECTION_PAGE + 1} 条" in html
    assert "followups_page=2" in html and "contacts_page=2" in html
    second = client.get(reverse("sponsors:merchant-detail", args=[merchant.pk]) + "?followups_page=2&contacts_page=2")
    assert len(second.context["followups"]) == 2 and len(second.context["contacts"]) == 1
