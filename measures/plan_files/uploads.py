"""Uploaded plan files waiting between the admin's preview and its confirmation.

A file waits in the default file storage, which every app server shares (docs/deployment.md),
under a random token, in the folder django-import-export's MediaStorage used before. It is
removed when the import is confirmed or cancelled; files nobody confirmed are removed once
older than IMPORT_UPLOAD_MAX_AGE_HOURS, by `manage.py clean_import_uploads` (for a
scheduler) and whenever a new upload is stored.
"""

import logging
import re
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone

logger = logging.getLogger(__name__)

FOLDER = "django-import-export"
TOKEN = re.compile(r"[0-9a-f]{32}")


def _storage() -> Storage:
    return storages["default"]


def _path(token: str) -> str:
    if not TOKEN.fullmatch(token):
        raise ValueError("not an upload token")
    return f"{FOLDER}/{token}"


def store(data: bytes) -> str:
    """Keep an uploaded file until it is confirmed; returns its token."""
    try:
        remove_stale()
    except Exception:  # housekeeping must not cost the officer their upload
        logger.exception("could not remove stale import uploads")
    token = uuid.uuid4().hex
    _storage().save(_path(token), ContentFile(data))
    return token


def read(token: str) -> bytes:
    """The waiting file; FileNotFoundError (or OSError) when it is gone."""
    with _storage().open(_path(token), "rb") as waiting:
        return waiting.read()


def discard(token: str) -> None:
    _storage().delete(_path(token))


def remove_stale(*, now: datetime | None = None) -> int:
    """Remove waiting files older than IMPORT_UPLOAD_MAX_AGE_HOURS; returns how many.

    Only files named like a token are touched. A file another server removes meanwhile, or
    one whose storage cannot tell its age, is left to the next run.
    """
    storage = _storage()
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IMPORT_UPLOAD_MAX_AGE_HOURS)
    try:
        _folders, names = storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        if not TOKEN.fullmatch(name):
            continue
        path = f"{FOLDER}/{name}"
        try:
            if storage.get_modified_time(path) >= cutoff:
                continue
            storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
        removed += 1
    return removed
