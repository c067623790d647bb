"""The group chat robot, against a local HTTP server the test starts (never the internet)."""

import json
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.exceptions import Retry
from django.test import override_settings

from outreach.digests import weekly_digest_send
from outreach.groupchat import ChatPostFailed, chat_payload, chat_post
from outreach.models import ChatMessage, ChatPlatform, GroupChat
from outreach.tasks import post_chat_message

pytestmark = pytest.mark.django_db


class Robot:
    """A fake 企业微信 robot: records each POST; fails the first `failures`; may answer slowly."""

    def __init__(self, failures: int = 0, delay: float = 0.0):
        self.received: list[dict] = []
        self.failures = failures
        self.delay = delay
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.received.append(json.loads(body))
                time.sleep(robot.delay)
                ok = len(robot.received) > robot.failures
                answer = {"errcode": 0, "errmsg": "ok"} if ok else {"errcode": 45009, "errmsg": "api freq out of limit"}
                payload = json.dumps(answer).encode()
                self.send_response(200 if ok else 500)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _chat(url: str, platform: str = ChatPlatform.WECOM) -> GroupChat:
    return GroupChat.objects.create(platform=platform, webhook_url=url, active=True)


def test_the_group_chat_is_off_by_default_and_nothing_is_posted(minister, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digest_send(today=date(2026, 11, 30))
    assert ChatMessage.objects.count() == 0


def test_the_weekly_digest_is_posted_to_the_group_as_text_once(minister, django_capture_on_commit_callbacks):
    with Robot() as robot:
        _chat(robot.url)
        with django_capture_on_commit_callbacks(execute=True):
            weekly_digest_send(today=date(2026, 11, 30))
        with django_capture_on_commit_callbacks(execute=True):
            weekly_digest_send(today=date(2026, 11, 30))
    assert len(robot.received) == 1
    payload = robot.received[0]
    assert payload["msgtype"] == "text"
    assert payload["text"]["content"].startswith("外联部周报")
    assert "【上周拜访】" in payload["text"]["content"]
    assert ChatMessage.objects.get().sent_at is not None


def test_a_refused_post_is_retried_with_backoff_until_the_robot_takes_it(django_capture_on_commit_callbacks):
    with Robot(failures=2) as robot:
        _chat(robot.url)
        with django_capture_on_commit_callbacks(execute=False):
            message = chat_post(
                key="payment-overdue:1:0", text="款项逾期 3 天未到账：WL-2026-002", url="/events/contracts/2/"
            )
        # Run the task as the worker does on each delivery (eager retries run at once, their
        # countdown ignored; through the broker they wait 30 s, 60 s, 120 s…).
        result = None
        for attempt in range(3):
            try:
                result = post_chat_message.apply(args=[message.pk], retries=attempt)
            except Retry:
                continue
            break
    assert result is not None and result.state == "SUCCESS"
    assert (post_chat_message.retry_backoff, post_chat_message.max_retries) == (30, 4)
    assert len(robot.received) == 3  # two refusals, then taken
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 3
    assert robot.received[-1]["text"]["content"].endswith("http://127.0.0.1:8000/events/contracts/2/")
    post_chat_message.apply(args=[message.pk])  # a duplicate task posts nothing
    assert len(robot.received) == 3


@override_settings(GROUP_CHAT_TIMEOUT=0.3)
def test_a_robot_that_does_not_answer_in_time_counts_as_a_failure():
    with Robot(delay=1.0) as robot:
        _chat(robot.url)
        message = ChatMessage.objects.create(key="k", text="逾期提醒")
        with pytest.raises(ChatPostFailed):
            post_chat_message.apply(args=[message.pk], retries=post_chat_message.max_retries).get()
    message.refresh_from_db()
    assert message.sent_at is None and message.last_error
    assert len(robot.received) == 1


def test_each_platform_gets_its_own_text_message_shape():
    assert chat_payload(ChatPlatform.WECOM, "周报") == {"msgtype": "text", "text": {"content": "周报"}}
    assert chat_payload(ChatPlatform.DINGTALK, "周报") == {"msgtype": "text", "text": {"content": "周报"}}
    assert chat_payload(ChatPlatform.FEISHU, "周报") == {"msg_type": "text", "content": {"text": "周报"}}
