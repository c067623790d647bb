"""The e-mail of a notification: what, for which thing, by when, and a link to act on it."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .models import Notification


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + "/" + path.lstrip("/")


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """Plain text plus a simple HTML part, in the recipient's language; never an empty body."""
    with translation.override(notification.recipient.reading_language):
        title = notification.shown_title
        context = {
            "notification": notification,
            "title": title,
            "body": notification.shown_body.strip() or title,
            "link": absolute_url(notification.url),
            "department": settings.DEPARTMENT_NAME,
            "site_url": settings.SITE_URL,
        }
        text = render_to_string("outreach/email/notification.txt", context)
        html = render_to_string("outreach/email/notification.html", context)
    message = EmailMultiAlternatives(
        subject=f"[{settings.DEPARTMENT_NAME}] {title}",
        body=text,
        to=[notification.recipient.user.email],
    )
    message.attach_alternative(html, "text/html")
    return message
