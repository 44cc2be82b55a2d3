"""Loaded by pytest before Django (see addopts in pyproject.toml).

The test suite runs with production-like settings (DEBUG off), which need a secret key.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-used-outside-the-test-suite")


def pytest_configure(config):
    from django.conf import settings

    # Hashing a password with the production hasher takes a noticeable fraction of a second;
    # tests create many accounts and do not test the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests do not run collectstatic: serve static files from the app folders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    # Production settings redirect to HTTPS; the test client and the browser tests' live
    # server speak plain HTTP. (Tests of the redirect itself turn it on with override_settings,
    # and the settings' own tests start fresh interpreters.)
    settings.SECURE_SSL_REDIRECT = False
    # Publishing writes each revision's PDF after the commit; the many tests that import
    # published plans do not test that (the PDF tests turn it on).
    settings.REPORT_PDF_ON_PUBLISH = False
