from dataclasses import replace

from django import template

from outreach import roles
from sponsors.warnings import warnings_for

register = template.Library()


@register.simple_tag
def merchant_warnings_for(merchant, user=None):
    """{% merchant_warnings_for merchant request.user as warnings %}
    {% include "sponsors/_merchant_warnings.html" %}: adopting is the minister's alone."""
    found = warnings_for(merchant)
    if getattr(merchant, "is_blacklisted", False) or not (user is not None and roles.is_minister(user)):
        found = [replace(warning, adopt_url="") for warning in found]
    return found
