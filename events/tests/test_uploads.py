import io
import time

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from events import services
from events.models import ContractStatus, Evidence
from events.tests.factories import make_contract, make_signed_contract, pdf_upload, png_upload
from outreach.tests import files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def deliverable(officer, minister):
    return make_signed_contract(owner=officer, minister=minister, clauses=1).deliverables.get()


def complete(client, deliverable, *uploads):
    return client.post(
        reverse("events:deliverable-complete", args=[deliverable.pk]), {"note": "x", "photos": list(uploads)}
    )


def test_evidence_that_is_not_an_image_is_refused_in_chinese(client_for, officer, deliverable):
    fake = files.upload("banner.jpg", b"this is not a picture", "image/jpeg")
    response = complete(client_for(officer), deliverable, fake)
    assert response.status_code == 200
    body = response.content.decode()
    assert "“banner.jpg”不是可以上传的文件。这里只接受图片(JPG、PNG、GIF、WEBP)。" in body
    assert not deliverable.evidence.exists()


def test_svg_evidence_is_refused(client_for, officer, deliverable):
    response = complete(
        client_for(officer), deliverable, files.upload("banner.svg", files.svg_bytes(), "image/svg+xml")
    )
    assert "不是可以上传的文件" in response.content.decode()
    assert not deliverable.evidence.exists()


def test_gif_evidence_with_html_appended_is_stored_as_a_clean_picture(client_for, officer, deliverable):
    response = complete(
        client_for(officer), deliverable, files.upload("banner.gif", files.gif_with_html(), "image/gif")
    )
    assert response.status_code == 302
    stored = deliverable.evidence.get().image
    content = stored.read()
    assert b"<script" not in content and b"<html" not in content
    assert stored.name.endswith(".png")
    served = client_for(officer).get(reverse("events:evidence-file", args=[deliverable.evidence.get().pk]))
    assert served["Content-Type"] == "image/png"


def test_evidence_over_the_size_limit_is_refused(client_for, officer, deliverable, settings):
    settings.UPLOAD_SIZE_LIMITS = {**settings.UPLOAD_SIZE_LIMITS, "image": 1024 * 1024}
    big = io.BytesIO()
    Image.effect_noise((800, 800), 100).convert("RGB").save(big, "PNG")  # noise does not compress: > 1 MB
    response = complete(client_for(officer), deliverable, files.upload("banner.png", big.getvalue(), "image/png"))
    assert "“banner.png”太大" in response.content.decode()
    assert "不能超过 1 MB" in response.content.decode()
    assert not deliverable.evidence.exists()


def test_pixel_bomb_evidence_is_refused_before_decoding(client_for, officer, deliverable):
    bomb = files.pixel_bomb_png()
    assert len(bomb) < 300 * 1024
    started = time.monotonic()
    response = complete(client_for(officer), deliverable, files.upload("banner.png", bomb, "image/png"))
    assert time.monotonic() - started < 2
    assert "尺寸太大" in response.content.decode()
    assert not deliverable.evidence.exists()


def test_several_photos_are_kept(client_for, officer, deliverable):
    response = complete(client_for(officer), deliverable, png_upload("a.png"))
    assert response.status_code == 302
    complete(client_for(officer), deliverable, png_upload("b.png"), png_upload("c.png"))
    assert deliverable.evidence.count() == 3


def test_one_bad_photo_refuses_the_whole_batch_and_keeps_what_was_saved(client_for, officer, deliverable):
    complete(client_for(officer), deliverable, png_upload("a.png"))
    response = complete(
        client_for(officer), deliverable, png_upload("b.png"), files.upload("c.svg", files.svg_bytes(), "image/svg+xml")
    )
    assert response.status_code == 200
    assert deliverable.evidence.count() == 1


def _approved(officer, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    services.contract_approve(contract=contract, member=minister)
    return contract


def _sign(client, contract, upload):
    return client.post(reverse("events:contract-sign", args=[contract.pk]), {"signed_on": "2026-05-01", "scan": upload})


@pytest.mark.parametrize("upload", [pdf_upload, png_upload])
def test_signed_scan_may_be_a_pdf_or_an_image(client_for, officer, minister, upload):
    contract = _approved(officer, minister)
    response = _sign(client_for(officer), contract, upload())
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_FULFILMENT
    assert contract.deliverables.count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("contract.pdf", files.html_starting_with_pdf()),
        ("contract.pdf", files.pdf_with_javascript()),
        ("contract.docx", files.docx_bytes()),
        ("contract.svg", files.svg_bytes()),
        ("contract.html", files.HTML),
    ],
)
def test_a_signed_scan_that_is_not_a_clean_pdf_or_image_is_refused(client_for, officer, minister, name, content):
    contract = _approved(officer, minister)
    response = _sign(client_for(officer), contract, files.upload(name, content, "application/pdf"))
    assert response.status_code == 200
    assert f"“{name}”" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED
    assert not contract.signed_scan


def test_signed_scan_is_stored_under_a_name_the_app_chose(client_for, officer, minister):
    contract = _approved(officer, minister)
    _sign(client_for(officer), contract, files.upload("../../evil.html", files.pdf_bytes(), "text/html"))
    contract.refresh_from_db()
    assert contract.signed_scan.name.startswith("private/events/contract/")
    stored = contract.signed_scan.name.rsplit("/", 1)[1]
    assert len(stored) == len("0123456789abcdef0123456789abcdef.pdf") and stored.endswith(".pdf")


def test_signed_scan_is_served_as_a_sandboxed_pdf(client_for, officer, minister):
    contract = _approved(officer, minister)
    _sign(client_for(officer), contract, pdf_upload())
    response = client_for(minister).get(reverse("events:contract-scan", args=[contract.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == files.pdf_bytes()


# Files stored before the upload checks existed are still served safely: the type comes
# from the content, and whatever is neither an image nor a PDF is only ever downloaded.


def test_a_stored_html_scan_named_pdf_never_opens_as_a_page(client_for, officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    contract.signed_scan.save("old.html", ContentFile(files.HTML))
    response = client_for(minister).get(reverse("events:contract-scan", args=[contract.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_stored_svg_evidence_is_a_download(client_for, officer, deliverable):
    evidence = Evidence(deliverable=deliverable, uploaded_by=officer)
    evidence.image.save("banner.svg", ContentFile(files.svg_bytes()))
    response = client_for(officer).get(reverse("events:evidence-file", args=[evidence.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_fulfilment_report_never_decodes_a_stored_pixel_bomb(client_for, officer, deliverable):
    # Stored before the checks (straight through the service): the report leaves it out.
    services.deliverable_complete(
        deliverable=deliverable,
        member=officer,
        note="北侧围栏已挂",
        images=[files.upload("bomb.png", files.pixel_bomb_png(), "image/png")],
    )
    started = time.monotonic()
    response = client_for(officer).get(reverse("events:fulfilment-report-pdf", args=[deliverable.contract_id]))
    assert time.monotonic() - started < 4
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
