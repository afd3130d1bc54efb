"""Test settings: the same base, made fast and deterministic."""

import os
import secrets
import tempfile

os.environ.setdefault("ATIENDE_DATA_DIR", tempfile.mkdtemp(prefix="atiende-test-"))
# Tests bring their own key, new each run: nothing depends on a known one, and no key file is made.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from .base import *  # noqa: E402,F403
from .base import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
JOBS_IN_BACKGROUND_THREAD = False  # inline after commit; the timing tests switch the thread on
CELERY_TASK_EAGER_PROPAGATES = True  # a failing task fails the test instead of being logged away
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["ATIENDE_DATA_DIR"], "test.sqlite3")}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True  # static files straight from the apps, never collected
