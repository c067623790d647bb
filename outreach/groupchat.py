"""The department's work group chat (企业微信 / 钉钉 / 飞书 group robot): optional, off by
default. A message is a ChatMessage row written with the change; a task posts it with a
timeout and retries with backoff; the row is claimed so two workers never post it twice."""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .emails import absolute_url
from .models import ChatMessage, ChatPlatform, GroupChat

logger = logging.getLogger(__name__)


class ChatPostFailed(Exception):
    """The robot did not take the message (network error, timeout, or an error answer)."""


def chat_payload(platform: str, text: str) -> dict:
    if platform == ChatPlatform.FEISHU:
        return {"msg_type": "text", "content": {"text": text}}
    return {"msgtype": "text", "text": {"content": text}}  # 企业微信 and 钉钉 agree


def chat_post(*, key: str, text: str, url: str = "") -> ChatMessage | None:
    """Queue a text for the group chat, once per key; None when the chat is off or it was sent."""
    from .tasks import post_chat_message

    if not GroupChat.current().enabled:
        return None
    if url:
        text = f"{text}\n{absolute_url(url)}"
    try:
        with transaction.atomic():
            message = ChatMessage.objects.create(key=key, text=text)
    except IntegrityError:
        return None
    transaction.on_commit(lambda: post_chat_message.delay(message.pk))
    return message


def chat_post_many(messages: list[tuple[str, str, str]]) -> list[ChatMessage]:
    """`chat_post` for many (key, text, url) at once, in a few queries: what the scans post."""
    from .tasks import post_chat_message

    if not messages or not GroupChat.current().enabled:
        return []
    keys = [key for key, _, _ in messages]
    seen = set(ChatMessage.objects.filter(key__in=keys).values_list("key", flat=True))
    new = []
    for key, text, url in messages:
        if key not in seen:
            seen.add(key)
            new.append(ChatMessage(key=key, text=f"{text}\n{absolute_url(url)}" if url else text))
    try:
        with transaction.atomic():
            created = ChatMessage.objects.bulk_create(new)
    except IntegrityError:  # another scan posted some of them since: one at a time
        written = (chat_post(key=message.key, text=message.text) for message in new)
        return [message for message in written if message is not None]
    transaction.on_commit(lambda: [post_chat_message.delay(message.pk) for message in created])
    return created


def _answer_ok(raw: bytes) -> bool:
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return False
    # 企业微信/钉钉 answer {"errcode": 0}, 飞书 {"code": 0} (older robots {"StatusCode": 0}).
    for field in ("errcode", "code", "StatusCode"):
        if field in answer:
            return answer[field] == 0
    return True


def chat_message_post(*, message_id: int) -> bool:
    """POST one message; True when this call sent it, False when it was already sent.
    Raises ChatPostFailed (the task retries) when the robot did not take it."""
    claimed = ChatMessage.objects.filter(pk=message_id, sent_at=None).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    message = ChatMessage.objects.get(pk=message_id)
    chat = GroupChat.current()
    if not chat.enabled:
        ChatMessage.objects.filter(pk=message_id).update(sent_at=None, last_error="group chat is off")
        return False
    request = urllib.request.Request(
        chat.webhook_url,
        data=json.dumps(chat_payload(chat.platform, message.text), ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.GROUP_CHAT_TIMEOUT) as response:
            ok = 200 <= response.status < 300 and _answer_ok(response.read())
            error = "" if ok else f"HTTP {response.status}: unexpected answer"
    except (OSError, urllib.error.URLError, TimeoutError) as exc:
        ok, error = False, str(exc) or type(exc).__name__
    if not ok:
        # Give the claim back so the retry can send it.
        ChatMessage.objects.filter(pk=message_id).update(sent_at=None, last_error=error[:1000])
        logger.warning("Group chat message %s not taken: %s", message_id, error)
        raise ChatPostFailed(error)
    return True
