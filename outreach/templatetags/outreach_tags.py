"""Filters every template has (they are template builtins, no {% load %} needed)."""

from django import template

from outreach import messages, roles, text
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
