"""An e-mail backend for the worker tests: django's file backend, slowed down so a test can
kill the worker while it is inside send_mail."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends import filebased


class SlowFileBackend(filebased.EmailBackend):
    def send_messages(self, email_messages):
        # A mark that a send has begun, for the test to know when to kill the worker.
        marks = Path(self.file_path) / "sending"
        marks.mkdir(exist_ok=True)
        (marks / f"{os.getpid()}-{uuid.uuid4().hex}").touch()
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "2")))
        return super().send_messages(email_messages)
