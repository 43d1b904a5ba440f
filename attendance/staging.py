"""Uploaded attendance sheets kept between the admin's preview and "Confirm import".

The file waits in ``settings.ATTENDANCE_STAGING_DIR`` (outside MEDIA_ROOT: it holds personal
data) under a random name (``secrets.token_urlsafe``), readable by the server's user only, as
``<token>.upload``, beside ``<token>.json``: who uploaded it (user id), for which workshop, the
original file name, the file's SHA-256 and when. A staged sheet belongs to that user and that
workshop: anyone else who names its token (to load, confirm or cancel it) gets Http404 and
nothing is touched; the owner confirms the very bytes they previewed.

Confirming *claims* the file first by renaming it to ``<token>.claimed``: a rename is atomic, so
of two confirmations sent at once (a double click, two tabs) exactly one gets the bytes and the
other is told the preview was already used. The claimed file is deleted once the import is done,
whatever its outcome; cancel deletes the staged one.

Files older than ``ATTENDANCE_STAGING_MAX_AGE`` seconds (a preview never confirmed, a worker
that died mid-import) are swept on every call here and by ``manage.py sweep_import_staging``
(run it from cron, so that they go even when nobody uploads). One server: the rename is atomic
on one file system; several servers share ``ATTENDANCE_STAGING_DIR`` on one, or the import's
own lock on the workshop (``attendance.apply``) still keeps a sheet from being saved twice.
"""

import hashlib
import json
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import Http404

# A user keeps at most this many pending previews (the oldest are dropped).
MAX_PENDING = 5
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SUFFIXES = (".upload", ".json", ".claimed", ".new")


def _directory():
    directory = Path(settings.ATTENDANCE_STAGING_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _path(token, suffix):
    return _directory() / f"{token}{suffix}"


def _write_new(path, data):
    """Write ``data`` (bytes) to a new file readable by the server's user only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def sweep(now=None):
    """Delete staged, claimed and description files older than ``ATTENDANCE_STAGING_MAX_AGE``
    seconds; returns how many files went."""
    now = now or time.time()
    removed = 0
    for path in _directory().iterdir():
        if path.suffix not in SUFFIXES:
            continue
        try:
            if now - path.stat().st_mtime > settings.ATTENDANCE_STAGING_MAX_AGE:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass  # another worker swept or claimed it meanwhile
    return removed


def stage(request, workshop, data, filename, answers=None, rows=0):
    """Keep ``data`` (bytes of the sheet named ``filename``) for ``request.user`` and
    ``workshop``, with the ``answers`` (``{field name: answer}``) its preview showed and the
    number of ``rows`` it planned; return the token to put in the confirmation form."""
    sweep()
    token = secrets.token_urlsafe(24)
    entry = {
        "user": request.user.pk,
        "workshop": workshop.pk,
        "filename": os.path.basename(filename or "")[:200],
        "sha256": hashlib.sha256(data).hexdigest(),
        "created": time.time(),
        "answers": dict(answers or {}),
        "rows": rows,
    }
    _write_new(_path(token, ".json"), json.dumps(entry).encode())
    _write_new(_path(token, ".upload"), data)
    _drop_oldest(request.user.pk)
    return token


def _entries():
    """``{token: description}`` of every staged sheet still waiting."""
    entries = {}
    for path in _directory().glob("*.json"):
        try:
            entries[path.stem] = json.loads(path.read_bytes())
        except (FileNotFoundError, ValueError):
            pass
    return entries


def _drop_oldest(user_pk):
    """Keep the user's MAX_PENDING newest previews; discard the others."""
    mine = {token: entry for token, entry in _entries().items() if entry.get("user") == user_pk}
    for token in sorted(mine, key=lambda t: mine[t]["created"])[:-MAX_PENDING]:
        _delete(token)


def _delete(token):
    for suffix in SUFFIXES:
        _path(token, suffix).unlink(missing_ok=True)


def _owned_entry(request, workshop, token):
    """The description of the sheet staged under ``token``, or None when there is none (unknown,
    expired, already used). Raises Http404 when it is another user's or another workshop's."""
    sweep()
    if not token or not _TOKEN.match(token):
        return None
    try:
        entry = json.loads(_path(token, ".json").read_bytes())
    except (FileNotFoundError, ValueError):
        return None
    if entry.get("user") != request.user.pk or entry.get("workshop") != getattr(workshop, "pk", workshop):
        raise Http404("No such staged sheet.")
    return entry


def _checked(data, entry):
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return None
    return data, entry["filename"]


def load(request, workshop, token):
    """Return ``(data, filename)`` staged under ``token`` by ``request.user`` for ``workshop``
    without using it up, or None when it is unknown, expired, already used or altered. Raises
    Http404 for another user's or another workshop's token."""
    entry = _owned_entry(request, workshop, token)
    if entry is None:
        return None
    try:
        data = _path(token, ".upload").read_bytes()
    except FileNotFoundError:
        return None
    return _checked(data, entry)


def answers(request, workshop, token):
    """The answers (``{field name: answer}``) of the last preview of the sheet staged under
    ``token``, or None when there is no such sheet. Raises Http404 as ``load`` does."""
    entry = _owned_entry(request, workshop, token)
    if entry is None:
        return None
    return dict(entry.get("answers") or {})


def remember_answers(request, workshop, token, answers, rows=0):
    """Record ``answers`` (and the ``rows`` it planned) as those of the latest preview of the
    sheet staged under ``token`` (written to a new file, then renamed over the old: a reader
    never sees half of it). Raises Http404 as ``load`` does; does nothing when the sheet is gone."""
    entry = _owned_entry(request, workshop, token)
    if entry is None:
        return
    entry["answers"], entry["rows"] = dict(answers), rows
    fresh = _path(f"{token}-{secrets.token_hex(4)}", ".json.new")
    _write_new(fresh, json.dumps(entry).encode())
    os.replace(fresh, _path(token, ".json"))


def planned_rows(request, workshop, token):
    """How many rows the last preview of the sheet staged under ``token`` planned (0 when
    unknown). Raises Http404 as ``load`` does."""
    entry = _owned_entry(request, workshop, token)
    return int((entry or {}).get("rows") or 0)


def claim(request, workshop, token):
    """Take the sheet staged under ``token`` for confirmation: ``(data, filename)`` to exactly
    one caller (an atomic rename), None to any other and when it is unknown, expired, already
    used or altered. Raises Http404 for another user's or another workshop's token. Call
    ``release`` when done."""
    entry = _owned_entry(request, workshop, token)
    if entry is None:
        return None
    claimed = _path(token, ".claimed")
    try:
        os.rename(_path(token, ".upload"), claimed)
    except FileNotFoundError:
        return None  # claimed by a confirmation sent at the same time
    return _checked(claimed.read_bytes(), entry)


def release(token):
    """Delete everything kept under ``token`` once its import is over (no error if gone)."""
    if token and _TOKEN.match(token):
        _delete(token)
    sweep()


def discard(request, workshop, token):
    """Cancel: delete the sheet ``request.user`` staged under ``token`` for ``workshop`` (no
    error if already gone). Raises Http404 for another user's or another workshop's token."""
    if _owned_entry(request, workshop, token) is not None:
        _delete(token)
