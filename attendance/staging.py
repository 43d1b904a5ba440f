"""Uploaded attendance sheets kept between the admin's preview and "Confirm import".

The file waits in ``settings.ATTENDANCE_STAGING_DIR`` (outside MEDIA_ROOT: it holds personal
data) under a random name (``secrets.token_urlsafe``), readable by the server's user only. The
staff member's session holds the token with the workshop, the original file name and the
file's SHA-256, so that only the person who uploaded it can confirm it, for that workshop,
with the very bytes they previewed. Files are deleted on confirm and on cancel, and any
older than ``ATTENDANCE_STAGING_MAX_AGE`` seconds are swept at each new upload.
"""

import hashlib
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

SESSION_KEY = "attendance_imports"
# A session keeps at most this many pending previews (the oldest are dropped).
MAX_PENDING = 5
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _directory():
    directory = Path(settings.ATTENDANCE_STAGING_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _path(token):
    return _directory() / f"{token}.upload"


def sweep(now=None):
    """Delete staged files older than ``ATTENDANCE_STAGING_MAX_AGE`` seconds; returns how many."""
    now = now or time.time()
    removed = 0
    for path in _directory().glob("*.upload"):
        try:
            if now - path.stat().st_mtime > settings.ATTENDANCE_STAGING_MAX_AGE:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


def stage(request, workshop, data, filename):
    """Keep ``data`` (bytes of the sheet named ``filename``) for ``workshop``; return the token
    to put in the confirmation form."""
    sweep()
    token = secrets.token_urlsafe(24)
    path = _path(token)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending[token] = {
        "workshop": workshop.pk,
        "filename": os.path.basename(filename or "")[:200],
        "sha256": hashlib.sha256(data).hexdigest(),
        "created": time.time(),
    }
    for old in sorted(pending, key=lambda t: pending[t]["created"])[:-MAX_PENDING]:
        discard(request, old, pending)
    request.session[SESSION_KEY] = pending
    return token


def load(request, workshop, token):
    """Return ``(data, filename)`` staged under ``token`` by this session for ``workshop``, or
    None when it is unknown, expired, for another workshop or altered."""
    entry = request.session.get(SESSION_KEY, {}).get(token or "")
    if not entry or not _TOKEN.match(token) or entry["workshop"] != workshop.pk:
        return None
    if time.time() - entry["created"] > settings.ATTENDANCE_STAGING_MAX_AGE:
        return None
    try:
        data = _path(token).read_bytes()
    except FileNotFoundError:
        return None
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return None
    return data, entry["filename"]


def discard(request, token, pending=None):
    """Delete the file staged under ``token`` and forget it (no error if already gone)."""
    if pending is None:
        pending = dict(request.session.get(SESSION_KEY, {}))
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending
    else:
        pending.pop(token, None)
    if token and _TOKEN.match(token):
        _path(token).unlink(missing_ok=True)
