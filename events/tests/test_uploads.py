import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events import services
from events.models import ContractStatus
from events.tests.factories import make_contract, make_signed_contract, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliverable(officer, minister):
    return make_signed_contract(owner=officer, minister=minister, clauses=1).deliverables.get()


def complete(client, deliverable, upload):
    return client.post(reverse("events:deliverable-complete", args=[deliverable.pk]), {"note": "x", "photos": [upload]})


def test_evidence_that_is_not_an_image_is_refused_in_chinese(client_for, officer, deliverable):
    fake = SimpleUploadedFile("banner.jpg", b"this is not a picture", content_type="image/jpeg")
    response = complete(client_for(officer), deliverable, fake)
    assert response.status_code == 200
    assert "不是图片" in response.content.decode()
    assert not deliverable.evidence.exists()


def test_evidence_over_the_size_limit_is_refused(client_for, officer, deliverable, settings):
    settings.MAX_UPLOAD_SIZE = 50
    response = complete(client_for(officer), deliverable, png_upload())
    assert "文件太大" in response.content.decode()
    assert not deliverable.evidence.exists()


def test_several_photos_are_kept(client_for, officer, deliverable):
    response = complete(client_for(officer), deliverable, png_upload("a.png"))
    assert response.status_code == 302
    client_for(officer).post(
        reverse("events:deliverable-complete", args=[deliverable.pk]),
        {"note": "y", "photos": [png_upload("b.png"), png_upload("c.png")]},
    )
    assert deliverable.evidence.count() == 3


def _approved(officer, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    services.contract_approve(contract=contract, member=minister)
    return contract


@pytest.mark.parametrize("upload", [pdf_upload, png_upload])
def test_signed_scan_may_be_a_pdf_or_an_image(client_for, officer, minister, upload):
    contract = _approved(officer, minister)
    response = client_for(officer).post(
        reverse("events:contract-sign", args=[contract.pk]), {"signed_on": "2026-05-01", "scan": upload()}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_FULFILMENT
    assert contract.deliverables.count() == 2


def test_signed_scan_of_another_type_is_refused(client_for, officer, minister):
    contract = _approved(officer, minister)
    upload = SimpleUploadedFile("contract.docx", b"PK\x03\x04 word", content_type="application/octet-stream")
    response = client_for(officer).post(
        reverse("events:contract-sign", args=[contract.pk]), {"signed_on": "2026-05-01", "scan": upload}
    )
    assert "PDF" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED
