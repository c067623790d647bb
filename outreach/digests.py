"""The daily digest (each member, 08:00) and the weekly digest (the minister, Monday).

Each app registers the sections it knows about in its AppConfig.ready(), as it registers
its metrics: the department's app never imports the others. A digest is a notification
with the key "digest:daily:<date>" (or "digest:weekly:<monday>"), so it is sent once."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .groupchat import chat_post
from .messages import Message
from .models import Member, ReminderKind
from .reminders import in_department_language, rule_for
from .services import notify


@dataclass(frozen=True)
class DigestItem:
    text: str
    url: str = ""


@dataclass(frozen=True)
class DailySection:
    code: str
    title: Callable[[], str]
    items: Callable[[Member, date], list[DigestItem]]


@dataclass(frozen=True)
class WeeklySection:
    code: str
    title: Callable[[], str]
    items: Callable[[date], list[DigestItem]]


DAILY_SECTIONS: dict[str, DailySection] = {}
WEEKLY_SECTIONS: dict[str, WeeklySection] = {}


def register_daily_section(section: DailySection) -> None:
    DAILY_SECTIONS[section.code] = section


def register_weekly_section(section: WeeklySection) -> None:
    WEEKLY_SECTIONS[section.code] = section


def _render(sections: list[tuple[str, list[DigestItem]]]) -> str:
    from .emails import absolute_url

    blocks = []
    for title, items in sections:
        lines = [f"【{title}】"]
        for item in items:
            lines.append(f"· {item.text}")
            if item.url:
                lines.append(f"  {absolute_url(item.url)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def daily_digest_for(member: Member, today: date) -> list[tuple[str, list[DigestItem]]]:
    sections = []
    for section in DAILY_SECTIONS.values():
        items = section.items(member, today)
        if items:
            sections.append((section.title(), items))
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
            title=Message(
                gettext_noop("今日待办（%(date)s）：%(count)d 项"), {"date": today.isoformat(), "count": count}
            ),
            body=_render(sections),
            url=reverse("home"),
            email=rule.email,
            topic="digest:daily",
        ):
            sent += 1
    return sent


def weekly_digest_for(today: date) -> list[tuple[str, list[DigestItem]]]:
    return [(section.title(), section.items(today) or [DigestItem(_("无"))]) for section in WEEKLY_SECTIONS.values()]


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
    title = Message(gettext_noop("外联部周报（%(start)s 起）"), {"start": (monday - timedelta(days=7)).isoformat()})
    body = _render(sections)
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
