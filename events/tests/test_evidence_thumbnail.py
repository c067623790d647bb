"""Evidence photos get a small copy from the server: the fulfilment report prints that, not
the camera's original."""

import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events import services
from events.tests.factories import make_signed_contract

pytestmark = pytest.mark.django_db


def big_photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), "orange").save(buffer, "JPEG")
    return SimpleUploadedFile("横幅.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_the_fulfilment_report_prints_the_thumbnail(client_for, officer, minister, settings, tmp_path, poppler):
    settings.MEDIA_ROOT = tmp_path
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    deliverable = contract.deliverables.get()
    services.deliverable_complete(deliverable=deliverable, member=officer, note="已挂", images=[big_photo()])
    evidence = deliverable.evidence.get()
    with Image.open(evidence.thumbnail.path) as thumbnail:
        assert thumbnail.size == (480, 320)
    path = tmp_path / "report.pdf"
    path.write_bytes(client_for(officer).get(reverse("events:fulfilment-report-pdf", args=[contract.pk])).content)
    listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    sizes = [(int(line.split()[3]), int(line.split()[4])) for line in listed.strip().splitlines()[2:]]
    assert (480, 320) in sizes and (3000, 2000) not in sizes
