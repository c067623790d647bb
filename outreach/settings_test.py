"""Settings for the test suite: the production settings with what tests must not do turned off."""

import os
import secrets

# Each run signs with its own random key, as a deployment does; worker processes the tests
# start inherit it. Set before the settings are read: they refuse to start without a key.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from .settings import *  # noqa: F403
from .settings import VAR_DIR

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
QUIET_HOURS = "off"  # tests choose their hour; test_reminders_core turns quiet hours on
ALLIANCE_KEY_FILE = os.environ.get("ALLIANCE_KEY_FILE", str(VAR_DIR / "test-alliance-key"))
