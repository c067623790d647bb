import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

SAMPLE = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.uuid4()), "path": "x"}


def _private_paths(patterns=None, prefix=""):
    """Every URL of the project whose view requires login, with sample arguments."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                continue  # the admin has its own login page
            yield from _private_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            if getattr(pattern.callback, "login_required", True) is False:
                continue
            path = prefix + route
            for converter, value in SAMPLE.items():
                path = re.sub(rf"<{converter}:\w+>", value, path)
            path = re.sub(r"<\w+>", "x", path)
            if "^" in path or "(?P" in path:
                continue  # regex routes (i18n, media) are not the app's pages
            yield "/" + path


def test_there_are_private_pages_to_check():
    assert "/" in set(_private_paths())


@pytest.mark.parametrize("path", sorted(set(_private_paths())))
def test_anonymous_user_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302, path
    assert response["Location"].startswith("/accounts/login/?next="), path


def test_signed_in_outsider_sees_no_department_page(client, outsider):
    client.force_login(outsider)
    response = client.get("/")
    assert response.status_code == 403
    assert "外联部" in response.content.decode()


@pytest.mark.parametrize("role_fixture", ["officer", "vice_minister", "minister", "advisor"])
def test_every_role_reaches_the_home_page(request, client_for, role_fixture):
    member = request.getfixturevalue(role_fixture)
    response = client_for(member).get("/")
    assert response.status_code == 200
    assert member.display_name in response.content.decode()


def test_login_page_and_health_check_are_public(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)


def test_login_with_password_lands_on_home(client, officer, password):
    response = client.post("/accounts/login/", {"username": officer.user.username, "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert officer.display_name in response.content.decode()


def test_wrong_password_is_refused_in_chinese(client, officer):
    response = client.post("/accounts/login/", {"username": officer.user.username, "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
