import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jobs.models import Screening

from .factories import ApplicationFactory, PostingFactory

pytestmark = pytest.mark.django_db


def test_interview_list_writes_formula_like_text_as_text(client_for, vice_minister):
    posting = PostingFactory(merchant__name="=1+1 商店", title="促销员")
    ApplicationFactory(
        posting=posting,
        name='=HYPERLINK("http://evil.example","点我")',
        class_major="+人文2501班",
        availability="-全天",
        screening=Screening.PASSED,
        sent_at=timezone.now(),
    )
    response = client_for(vice_minister).get(reverse("jobs:interview-export", args=[posting.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "'=1+1 商店 · 促销员"
    name, class_major, _mobile, availability = sheet[3][:4]
    assert name.value == '\'=HYPERLINK("http://evil.example","点我")'
    assert class_major.value == "'+人文2501班"
    assert availability.value == "'-全天"
    assert {cell.data_type for cell in (sheet["A1"], name, class_major, availability)} == {"s"}
