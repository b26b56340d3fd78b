"""Settings for the test suite: the same PostGIS, its own test database."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-that-is-long-enough-to-look-real-0123456789"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read collected-file names from the finders, not from a manifest built by collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files straight from the apps' and project's folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
