"""The visit form and the Excel import with hostile input: a form or row error, or a valid
record, never a 500; rows change only on success (issue 13, item 7)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from outreach.tests.strategies import BOUNDED, form_data, nasty_text
from sponsors.models import FollowUp, Merchant, StageChange, Visit

from .factories import MerchantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit_setup(client_for, officer):
    merchant = MerchantFactory(owner=officer)
    valid = {
        "merchant": str(merchant.pk),
        "visited_at": "2026-11-30 10:00",
        "members": str(officer.pk),
        "method": "in_person",
        "purpose": "sponsorship",
        "outcome": "interested",
        "notes": "店长说五一前再联系。",
        "lesson": "",
        "new_stage": "contacted",
        "stage_reason": "",
        "next_step": "送方案书",
        "due_on": "2026-12-05",
        "followup_owner": str(officer.pk),
        "latitude": "30.512345",
        "longitude": "114.412345",
        "location_accuracy": "15",
    }
    return client_for(officer), valid


def _counts():
    return Visit.objects.count(), FollowUp.objects.count(), StageChange.objects.count()


@BOUNDED
@given(data=st.data())
def test_hostile_input_to_the_visit_form_gets_a_form_error_or_a_visit(visit_setup, data):
    client, valid = visit_setup
    body = data.draw(form_data(valid))
    before = _counts()
    response = client.post(reverse("sponsors:visit-create"), body)
    assert response.status_code in (200, 302), response.status_code
    after = _counts()
    if response.status_code == 302:
        assert after[0] == before[0] + 1
    else:
        assert after == before  # nothing half written


COLUMNS = [
    "名称",
    "类型",
    "行业",
    "区域",
    "地址",
    "电话",
    "网站",
    "负责人",
    "阶段",
    "标签",
    "统一社会信用代码",
    "联系人",
    "手机",
    "备注",
]


def _cell():
    return st.one_of(
        st.just(""), nasty_text(), st.sampled_from(["食品", "商店", "已签约", "李宁专卖店", "13800138000"])
    )


@BOUNDED
@given(rows=st.lists(st.lists(_cell(), min_size=1, max_size=len(COLUMNS)), min_size=1, max_size=6))
def test_hostile_rows_in_an_import_are_row_errors_and_what_the_preview_accepts_is_imported(client_for, minister, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    upload = SimpleUploadedFile("名单.csv", buffer.getvalue().encode("utf-8", "surrogatepass"))
    client = client_for(minister)
    before = Merchant.objects.count()
    response = client.post(reverse("sponsors:import"), {"file": upload})
    assert response.status_code == 200
    assert Merchant.objects.count() == before  # the preview writes nothing
    plan = response.context["plan"]
    if plan is None:
        assert response.context["form"].errors  # the whole file refused, with a reason
        return
    created = sum(1 for row in plan if row.action == "create")
    response = client.post(reverse("sponsors:import-confirm"), {"token": response.context["token"]})
    assert response.status_code == 302
    assert Merchant.objects.count() == before + created


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("visited_at", "0001-01-01 00:00"),  # found by the property test: a 500 ("year -1 is out of range")
        ("visited_at", "0001-01-01 07:59"),
        ("due_on", "0001-01-01"),  # stored a follow-up due in year 1
        ("due_on", "9999-12-31"),
        ("latitude", "999.999999"),  # stored a place off the globe
        ("longitude", "-181"),
    ],
)
def test_a_date_or_place_no_one_could_mean_is_a_form_error(visit_setup, field, value):
    client, valid = visit_setup
    before = _counts()
    response = client.post(reverse("sponsors:visit-create"), {**valid, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _counts() == before
