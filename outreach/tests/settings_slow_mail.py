"""A worker's settings for the kill test: the production settings with a slow e-mail backend."""

from outreach.settings import *  # noqa: F403

EMAIL_BACKEND = "outreach.tests.mail.SlowFileBackend"
