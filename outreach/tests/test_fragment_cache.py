"""The filter forms' fields are rendered once and kept ({% recordcache %}) until the record
changes; the <select>s write their options in Python (outreach_tags.select_options)."""

import re

import pytest
from django import forms
from django.core.cache import cache
from django.forms.renderers import DjangoTemplates
from django.urls import reverse

from outreach.tests.factories import MemberFactory
from sponsors.tests.factories import IndustryFactory

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_a_new_member_is_offered_at_once_though_the_filter_was_cached(client_for, officer):
    client = client_for(officer)
    url = reverse("sponsors:merchant-list")
    assert "刘一鸣" not in _options(client.get(url).content.decode(), "owner")
    MemberFactory(display_name="刘一鸣")
    assert "刘一鸣" in _options(client.get(url).content.decode(), "owner")


def test_the_kept_filter_still_shows_what_this_request_asked_for(client_for, officer):
    IndustryFactory(name="餐饮")
    client = client_for(officer)
    url = reverse("sponsors:merchant-list")
    client.get(url)  # kept, with nothing chosen
    html = client.get(url, {"stage": "negotiating", "q": "书店", "page": "2"}).content.decode()
    assert re.search(r'<option value="negotiating" selected>', html)
    assert 'value="书店"' in html
    html = client.get(url).content.decode()
    assert not re.search(r"<option [^>]*selected>洽谈中", html)
    assert 'value="书店"' not in html


def test_each_language_gets_its_own_filter(client_for, officer):
    client = client_for(officer)
    url = reverse("sponsors:merchant-list")
    assert "全部阶段" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert "全部阶段" not in html
    assert "All stages" in html


def test_with_the_cache_down_the_list_still_shows_its_filter(client_for, officer, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    cache.close()
    response = client_for(officer).get(reverse("sponsors:merchant-list"))
    assert response.status_code == 200
    assert "全部阶段" in response.content.decode()


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "甲 & <乙>"), ("b", "丙")], initial="b")
    grouped = forms.MultipleChoiceField(
        choices=[("组一", [("1", "一"), ("2", "二")]), ("3", "三")], initial=["2", "3"], required=False
    )
    with_attrs = forms.ChoiceField(choices=[("", "—"), ("x", "X")], widget=forms.Select(attrs={"data-x": 1}))


@pytest.mark.parametrize("field", ["plain", "grouped", "with_attrs"])
def test_a_select_is_written_as_django_writes_it(field):
    mine = str(_Form()[field])
    django = str(_Form(renderer=DjangoTemplates())[field])
    assert "<option" in mine
    squeeze = lambda html: re.sub(r">\s+<", "><", html.strip())  # noqa: E731
    assert squeeze(mine) == squeeze(django)
