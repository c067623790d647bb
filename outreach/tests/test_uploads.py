"""Training materials, assignment submissions and visit photos: what is accepted, how it is served."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from outreach.models import Submission, TrainingSession
from outreach.tests import files
from outreach.tests.department_factories import AssignmentFactory
from sponsors.models import Visit
from sponsors.tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _training(client, materials):
    return client.post(
        reverse("outreach:training-create"),
        {
            "title": "如何写赞助方案书",
            "date": timezone.localdate().isoformat(),
            "kind": "lecture",
            "materials": materials,
        },
    )


def _submit(client, assignment, upload, text=""):
    data = {"text": text}
    if upload is not None:
        data["file"] = upload
    return client.post(reverse("outreach:assignment-detail", args=[assignment.pk]), data)


def _visit(client, merchant, member, *photos):
    return client.post(
        reverse("sponsors:visit-create"),
        {
            "merchant": merchant.pk,
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "members": [member.pk],
            "method": "in_person",
            "purpose": "sponsorship",
            "outcome": "agreed",
            "photos": list(photos),
        },
    )


BAD_DOCUMENTS = [
    ("课件.html", files.HTML),
    ("课件.svg", files.svg_bytes()),
    ("课件.pdf", files.html_starting_with_pdf()),
    ("课件.exe", b"MZ\x90\x00" + b"\x00" * 60),
    ("课件.docm", files.docx_bytes().replace(b"word/document.xml", b"word/vbaProject.bin")),
]


@pytest.mark.parametrize(("name", "content"), BAD_DOCUMENTS)
def test_training_materials_must_be_a_document_pdf_or_image(client_for, vice_minister, name, content):
    response = _training(client_for(vice_minister), files.upload(name, content))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"“{name}”" in body and "PDF" in body and "Office 文档" in body
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("方案书模板.pdf", files.pdf_bytes(), "pdf"),
        ("模板.docx", files.docx_bytes(), "docx"),
        ("合影", files.png_bytes(), "png"),
    ],
)
def test_training_materials_are_stored_under_the_apps_name_and_type(
    client_for, vice_minister, name, content, extension
):
    assert _training(client_for(vice_minister), files.upload(name, content)).status_code == 302
    stored = TrainingSession.objects.get().materials.name
    assert re.fullmatch(rf"training/\d{{4}}/[0-9a-f]{{32}}\.{extension}", stored)


@pytest.mark.parametrize(("name", "content"), BAD_DOCUMENTS)
def test_an_assignment_submission_must_be_a_document_pdf_or_image(client_for, officer, name, content):
    assignment = AssignmentFactory()
    response = _submit(client_for(officer), assignment, files.upload(name, content), text="我的方案")
    assert response.status_code == 200
    assert f"“{name}”" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_refused_resubmission_keeps_the_file_and_text_already_saved(client_for, officer):
    assignment = AssignmentFactory()
    client = client_for(officer)
    assert _submit(client, assignment, files.upload("方案.pdf", files.pdf_bytes()), text="第一版").status_code == 302
    saved = Submission.objects.get()
    response = _submit(client, assignment, files.upload("方案.html", files.HTML), text="第二版")
    assert response.status_code == 200
    again = Submission.objects.get()
    assert (again.file.name, again.text) == (saved.file.name, "第一版")
    assert again.file.read() == files.pdf_bytes()


def test_visit_photos_are_re_encoded_without_their_metadata(client_for, officer):
    response = _visit(client_for(officer), MerchantFactory(), officer, files.upload("门店.jpg", files.jpeg_with_gps()))
    assert response.status_code == 302
    photo = Visit.objects.get().photos.get()
    assert re.fullmatch(r"sponsors/visits/\d+/[0-9a-f]{32}\.jpg", photo.image.name)
    with Image.open(photo.image) as image:
        assert not image.getexif()
        assert image.size == (20, 40)  # turned upright as the EXIF said, then the EXIF dropped
    assert b"PhoneMaker" not in default_storage.open(photo.image.name).read()


def test_a_phone_camera_jpeg_is_accepted_as_a_jpeg(client_for, officer):
    photo = files.upload("IMG_0001.JPG", files.phone_mpo_bytes())
    assert _visit(client_for(officer), MerchantFactory(), officer, photo).status_code == 302
    stored = Visit.objects.get().photos.get().image
    assert stored.name.endswith(".jpg")
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (30, 20))


@pytest.mark.parametrize(
    ("name", "content"),
    [("门店.svg", files.svg_bytes()), ("门店.png", files.HTML), ("门店.png", files.pixel_bomb_png())],
)
def test_a_visit_photo_that_is_not_a_safe_picture_is_refused(client_for, officer, name, content):
    response = _visit(client_for(officer), MerchantFactory(), officer, files.upload(name, content))
    assert response.status_code == 200
    assert f"“{name}”" in response.content.decode()
    assert not Visit.objects.exists()


def test_the_upload_field_says_what_it_accepts_and_the_limit(client_for, officer):
    assignment = AssignmentFactory()
    body = client_for(officer).get(reverse("outreach:assignment-detail", args=[assignment.pk])).content.decode()
    assert "可上传PDF不超过 20 MB" in body
    assert 'accept="application/pdf,.pdf,' in body


# --- Serving: the type the app decided, attachment unless image or PDF, nosniff, sandbox.


def _get(client, path):
    return client.get("/media/" + path)


@pytest.mark.parametrize(
    ("stored", "content", "content_type", "disposition"),
    [
        ("training/2026/a.png", files.png_bytes(), "image/png", "inline"),
        ("training/2026/a.pdf", files.pdf_bytes(), "application/pdf", "inline"),
        (
            "training/2026/a.docx",
            files.docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "attachment",
        ),
        # Stored before the checks: the content decides, never the name.
        ("training/2026/old.html", files.HTML, "application/octet-stream", "attachment"),
        ("training/2026/old.jpg", files.HTML, "application/octet-stream", "attachment"),
        ("training/2026/old.svg", files.svg_bytes(), "application/octet-stream", "attachment"),
        ("assignments/2026/old.pdf", files.html_starting_with_pdf(), "application/pdf", "inline"),
        ("sponsors/visits/1/old.png", files.pixel_bomb_png(), "application/octet-stream", "attachment"),
    ],
)
def test_files_are_served_with_the_type_decided_from_their_content(
    client_for, officer, stored, content, content_type, disposition
):
    default_storage.save(stored, SimpleUploadedFile("x", content))
    response = _get(client_for(officer), stored)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "script-src" not in csp


@pytest.mark.parametrize(
    "path", ["x/../private/events/evidence/banner.jpg", "sponsors/../private/events/evidence/banner.jpg"]
)
def test_private_files_cannot_be_reached_by_climbing_back_into_them(client_for, officer, path):
    default_storage.save("private/events/evidence/banner.jpg", io.BytesIO(files.png_bytes()))
    response = _get(client_for(officer), path)
    assert response.status_code == 404


def test_a_symlink_into_private_is_not_served(client_for, officer, media):
    default_storage.save("private/events/evidence/banner.jpg", io.BytesIO(files.png_bytes()))
    (media / "sponsors").mkdir()
    (media / "sponsors" / "link.jpg").symlink_to(media / "private" / "events" / "evidence" / "banner.jpg")
    assert _get(client_for(officer), "sponsors/link.jpg").status_code == 404
