"""The daily digest (each member, 08:00) and the weekly digest (the minister, Monday).

Each app registers the sections it knows about in its AppConfig.ready(), as it registers
its metrics: the department's app never imports the others. A digest is a notification
with the key "digest:daily:<date>" (or "digest:weekly:<monday>"), so it is sent once.

A digest is stored as what it says (``outreach.messages``): each section's name and each
item is a msgid with its parameters, so a member reading in English reads it in English;
its e-mail and the group chat's post are in the department's language."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from .groupchat import chat_post
from .messages import Lines, Message
from .models import Member, ReminderKind
from .reminders import in_department_language, rule_for
from .services import notify


@dataclass(frozen=True)
class DigestItem:
    """One line of a section: a ``Message`` (or a plain text shown as it is)."""

    text: Any
    url: str = ""


@dataclass(frozen=True)
class DailySection:
    code: str
    title: str  # a msgid, marked with gettext_noop
    items: Callable[[Member, date], list[DigestItem]]


@dataclass(frozen=True)
class WeeklySection:
    code: str
    title: str  # a msgid, marked with gettext_noop
    items: Callable[[date], list[DigestItem]]


DAILY_SECTIONS: dict[str, DailySection] = {}
WEEKLY_SECTIONS: dict[str, WeeklySection] = {}


def register_daily_section(section: DailySection) -> None:
    DAILY_SECTIONS[section.code] = section


def register_weekly_section(section: WeeklySection) -> None:
    WEEKLY_SECTIONS[section.code] = section


def digest_body(sections: list[tuple[Message, list[DigestItem]]]) -> Lines:
    """【Section】, then "· item" lines (each with its link under it), a blank line between sections."""
    from .emails import absolute_url

    blocks = []
    for title, items in sections:
        lines: list[Any] = [Message(gettext_noop("【%(section)s】"), section=title)]
        for item in items:
            lines.append(Lines("· ", item.text, separator=""))
            if item.url:
                lines.append(f"  {absolute_url(item.url)}")
        blocks.append(Lines(*lines))
    return Lines(*blocks, separator="\n\n")


def daily_digest_for(member: Member, today: date) -> list[tuple[Message, list[DigestItem]]]:
    sections = []
    for section in DAILY_SECTIONS.values():
        items = section.items(member, today)
        if items:
            sections.append((Message(section.title), items))
    return sections


@in_department_language
def daily_digests_send(*, today: date | None = None) -> int:
    """One digest per member with something due; nothing for a member with nothing due."""
    today = today or timezone.localdate()
    rule = rule_for(ReminderKind.DAILY_DIGEST)
    if not rule.active:
        return 0
    members = Member.objects.active().filter(user__groups__isnull=False).distinct().select_related("user")
    sent = 0
    for member in rule.recipients(members):
        sections = daily_digest_for(member, today)
        if not sections:
            continue
        count = sum(len(items) for _title, items in sections)
        if notify(
            recipient=member,
            key=f"digest:daily:{today.isoformat()}",
            title=Message(gettext_noop("今日待办（%(date)s）：%(count)d 项"), {"date": today, "count": count}),
            body=digest_body(sections),
            url=reverse("home"),
            email=rule.email,
            topic="digest:daily",
        ):
            sent += 1
    return sent


def weekly_digest_for(today: date) -> list[tuple[Message, list[DigestItem]]]:
    return [
        (Message(section.title), section.items(today) or [DigestItem(Message(gettext_noop("无")))])
        for section in WEEKLY_SECTIONS.values()
    ]


@in_department_language
def weekly_digest_send(*, today: date | None = None) -> int:
    """The minister's week on Monday: overdue items, visits per member, money, admission rate."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    rule = rule_for(ReminderKind.WEEKLY_DIGEST)
    if not rule.active:
        return 0
    sections = weekly_digest_for(monday)
    key = f"digest:weekly:{monday.isoformat()}"
    title = Message(gettext_noop("外联部周报（%(start)s 起）"), {"start": monday - timedelta(days=7)})
    body = digest_body(sections)
    sent = 0
    for member in rule.recipients():
        if notify(
            recipient=member,
            key=key,
            title=title,
            body=body,
            url=reverse("home"),
            email=rule.email,
            topic="digest:weekly",
        ):
            sent += 1
    if rule.group_chat:
        chat_post(key=key, text=f"{title}\n\n{body}")
    return sent
