import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def uploaded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    default_storage.save("sponsors/visits/1/shopfront.jpg", ContentFile(_jpeg()))
    default_storage.save("private/events/evidence/banner.jpg", ContentFile(b"\xff\xd8\xff evidence"))
    (tmp_path.parent / "outside.txt").write_text("secret")
    return tmp_path


@pytest.mark.parametrize("role_fixture", ["officer", "vice_minister", "minister", "advisor"])
def test_members_open_uploaded_files(request, client_for, uploaded, role_fixture):
    client = client_for(request.getfixturevalue(role_fixture))
    response = client.get("/media/sponsors/visits/1/shopfront.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == _jpeg()


def test_anonymous_visitors_are_sent_to_login(client, uploaded):
    response = client.get("/media/sponsors/visits/1/shopfront.jpg")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsiders_get_nothing(client_for, outsider, uploaded):
    assert client_for(outsider).get("/media/sponsors/visits/1/shopfront.jpg").status_code == 403


@pytest.mark.parametrize("path", ["private/events/evidence/banner.jpg", "sponsors/visits/1/missing.jpg"])
def test_private_and_missing_files_are_not_found(client_for, officer, uploaded, path):
    assert client_for(officer).get("/media/" + path).status_code == 404


@pytest.mark.parametrize("path", ["../outside.txt", "%2e%2e/outside.txt", "sponsors/../../outside.txt"])
def test_paths_climbing_out_of_media_are_refused(client_for, officer, uploaded, path):
    response = client_for(officer).get("/media/" + path)
    assert response.status_code in (400, 404)
    assert b"secret" not in b"".join(getattr(response, "streaming_content", [response.content]))
