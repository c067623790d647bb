"""The building blocks every app's reminder scan uses (README, "Reminders").

A scan lives in its own app's services, reads the minister's rule for its kind
(``rule_for``), and tells people with ``remind``: one notification per recipient and key
(``notify``), about a topic that the service dealing with the thing resolves."""

import functools
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.utils import translation

from .messages import Lines, Message
from .models import Member, ReminderKind, ReminderRule


def in_department_language(func):
    """Reminders are written in the department's language, whoever's request or task runs them
    (an officer browsing in English must not send the minister an English notification)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


def rule_for(kind: ReminderKind) -> ReminderRule:
    return ReminderRule.objects.for_kind(kind)


def overdue_round(*, due_on: date, today: date, repeat_days: int) -> int:
    """Which reminder of an overdue thing today's is: 0 on the first day late, then one more
    every ``repeat_days`` (0: never again). Part of the key, so each round is sent once."""
    late = (today - due_on).days
    if late <= 0 or repeat_days <= 0:
        return 0
    return (late - 1) // repeat_days


def remind(
    rule: ReminderRule,
    *,
    responsible: Iterable[Member | None] = (),
    key: str,
    topic: str,
    title: str | Message,
    body: str | Message | Lines,
    url: str = "",
) -> int:
    """Tell the rule's recipients (once per key); post it to the group chat if the rule says so.
    Returns how many people were told something new."""
    batch = Reminders()
    batch.add(rule, responsible=responsible, key=key, topic=topic, title=title, body=body, url=url)
    return batch.send()


class Reminders:
    """What a scan tells, collected and then sent together (`send`): a few queries for the whole
    scan, however many things it finds, where `remind` for each thing costs several."""

    def __init__(self):
        self._items: list[tuple[ReminderRule, list[Member | None], str, str, str | Message, object, str]] = []

    def add(
        self,
        rule: ReminderRule,
        *,
        responsible: Iterable[Member | None] = (),
        key: str,
        topic: str,
        title: str | Message,
        body: str | Message | Lines,
        url: str = "",
    ) -> None:
        if rule.active:
            self._items.append((rule, list(responsible), key, topic, title, body, url))

    def send(self) -> int:
        """Returns how many people were told something new."""
        from .groupchat import chat_post_many
        from .services import Draft, notify_many

        others: dict[int, list[Member]] = {}  # the rule's roles and direction: one query per rule
        drafts, chat = [], []
        for rule, responsible, key, topic, title, body, url in self._items:
            if id(rule) not in others:
                others[id(rule)] = rule.recipients()
            people = {member.pk: member for member in rule.recipients(responsible, others=others[id(rule)])}
            drafts += [
                Draft(recipient=member, key=key, title=title, body=body, url=url, email=rule.email, topic=topic)
                for member in people.values()
            ]
            if rule.group_chat:
                chat.append((key, title, body, url))
        self._items = []
        told = len(notify_many(drafts)) if drafts else 0
        if chat:
            with translation.override(settings.LANGUAGE_CODE):
                chat_post_many([(key, f"{title}\n{body}", url) for key, title, body, url in chat])
        return told
