"""Filters every template has (they are template builtins, no {% load %} needed)."""

import hashlib

from django import template
from django.forms.renderers import get_default_renderer
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from outreach import datachange, messages, roles, text
from outreach.money import format_cny
from outreach.phones import format_phone

register = template.Library()


@register.filter
def cny(amount) -> str:
    """{{ contract.cash_amount|cny }} → ¥3,000.00"""
    return format_cny(amount)


@register.filter
def phone(value: str) -> str:
    return format_phone(value)


@register.filter
def has_role(user, role_names: str) -> bool:
    """{% if user|has_role:"minister,vice_minister" %}"""
    return roles.has_role(user, *[name.strip() for name in role_names.split(",")])


@register.simple_tag
def colon() -> str:
    """{{ label }}{% colon %}{{ value }}: "：" in Chinese, ": " in English (pages and PDFs alike)."""
    return text.colon()


@register.filter
def join_list(items) -> str:
    """{{ names|join_list }}: "甲、乙" in Chinese, "A, B" in English."""
    return messages.join_list(items)


SELECT_OPTION = "django/forms/widgets/select_option.html"


@register.filter
def select_options(optgroups) -> str:
    """The <option>s of every <select> (templates/django/forms/widgets/select.html), the same
    markup Django's select_option.html writes, but written here: Django includes one template
    per option and one more for its attributes, and a filter form's hundred options then cost
    more than the page's rows."""
    parts = []
    for group_name, options, _index in optgroups:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        for option in options:
            if option["template_name"] != SELECT_OPTION:  # a widget with options of its own
                parts.append(get_default_renderer().render(option["template_name"], {"widget": option}))
                continue
            attrs = format_html_join(
                "",
                "{}{}",
                (
                    (" " + name, "" if value is True else format_html('="{}"', str(value)))
                    for name, value in option["attrs"].items()
                    if value is not False
                ),
            )
            parts.append(format_html('<option value="{}"{}>{}</option>', str(option["value"]), attrs, option["label"]))
        if group_name:
            parts.append("</optgroup>")
    return mark_safe("\n  ".join(parts))


@register.tag
def recordcache(parser, token):
    """{% recordcache "merchant-filter" request.GET %}…{% endrecordcache %}: the fragment as it
    rendered for this member, in this language, for these values, until the record changes
    (outreach.datachange) or ten minutes pass. For what is dear to render and depends only on
    the record and the values named, such as a filter form's fields and their choices. With
    the cache down it is rendered every time. (Django's {% cache %} keys by the values alone,
    knows no record generation, and lets a cache error fail the page.)"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name")
    nodelist = parser.parse(("endrecordcache",))
    parser.delete_first_token()
    return RecordCacheNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])


class RecordCacheNode(template.Node):
    SECONDS = 600

    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context) -> str:
        request = context.get("request")
        user = getattr(request, "user", None)
        vary = [translation.get_language(), getattr(user, "pk", None)]
        for value in (expression.resolve(context) for expression in self.vary_on):
            if hasattr(value, "lists"):  # a QueryDict: its values, in order, whatever the pager says
                value = sorted((key, values) for key, values in value.lists() if key != "page")
            vary.append(value)
        digest = hashlib.sha256(repr(vary).encode()).hexdigest()[:32]
        html, _cached = datachange.remember(
            f"fragment:{self.name.resolve(context)}:{digest}", lambda: self.nodelist.render(context), self.SECONDS
        )
        return html
