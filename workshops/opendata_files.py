"""The whole-country open data (``/tracker/data/<recommendations|commitments>.<csv|json>``)
served from files, each made once per change of what it shows.

At national scale making one (12,591 recommendations, 10,000 commitments) takes 1.6 s on an
idle machine and 3-6 s under load: longer than a request may take. So a request never makes one
while others wait:

- A file is named after the URL it answers (host, language, dataset, format) and a *version*:
  the page cache's generations of that URL's scopes (``config.pagecache.key_prefix``: moved by
  every change that forgets the open-data pages, a follow-up included) and today's date (the
  ``overdue`` column). The same version is served to everyone, as it is (``FileResponse``).
- A new version is made by a background job (``build``, django-tasks, run by ``manage.py
  jobs_worker``); meanwhile visitors get the previous file at once. Only the very first file of
  a URL (none before it) is made inside its request, under a lock, and only if the job has not
  delivered within ``OPEN_DATA_BUILD_SECONDS`` is the file made by the next request itself (no
  worker running): it is never stale for longer than that.
- With the page cache off (``CACHE_MIDDLEWARE_SECONDS`` 0: development, tests) every request
  makes its own file, as every page is built again.

Files live in ``OPEN_DATA_DIR`` (the older versions of a URL are deleted when a new one is
written); several servers share it as they share ``media/``. They hold the public rows of
``workshops.opendata`` only: no personal data.
"""

import contextlib
import hashlib
import os
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files import locks
from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django_tasks import task

from config import pagecache
from workshops import opendata

DATASETS = {
    "recommendations": (opendata.recommendation_rows, opendata.RECOMMENDATION_FIELDS),
    "commitments": (opendata.commitment_rows, opendata.COMMITMENT_FIELDS),
}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _digest(text, size=16):
    return hashlib.sha256(text.encode()).hexdigest()[:size]


def _family(request, dataset, fmt):
    """The start of the names of every version of the file of this URL (query string ignored)."""
    return f"{dataset}-{fmt}-{_digest(request.build_absolute_uri(request.path))}"


def _version(request):
    """The version of the file for ``request``: its page's generations and today's date, or a
    new random value when the page cache is off."""
    if settings.CACHE_MIDDLEWARE_SECONDS <= 0:
        return secrets.token_hex(8)
    return _digest(f"{pagecache.key_prefix(request.path_info)}:{timezone.localdate().isoformat()}")


def write(path, dataset, fmt, base_url):
    """Make the file ``path`` (a ``Path``) of ``dataset`` in format ``fmt`` with page links
    under ``base_url``, in the active language, atomically (a temporary file renamed), then
    delete the older versions of the same URL. Returns ``path``."""
    rows_function, fields = DATASETS[dataset]
    rows = rows_function(base_url=base_url)
    content = opendata.as_csv(rows, fields) if fmt == "csv" else opendata.as_json(rows, fields, dataset)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
    family = path.name.rsplit("-", 1)[0]
    for older in path.parent.glob(f"{family}-*.{fmt}"):
        if older != path:
            older.unlink(missing_ok=True)
    return path


@contextlib.contextmanager
def _locked(path):
    """Hold the lock of ``path``'s URL (a file lock, Django's portable ``locks``: every worker
    of the machine, and every server on a shared folder, takes turns)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    family = path.name.rsplit("-", 1)[0]
    with open(path.parent / f".{family}.lock", "a") as lock:
        locks.lock(lock, locks.LOCK_EX)
        try:
            yield
        finally:
            locks.unlock(lock)


def _write_once(path, dataset, fmt, base_url):
    """``path``, made by this call unless another made it while this one waited for the lock."""
    with _locked(path):
        if not path.exists():
            write(path, dataset, fmt, base_url)
    return path


@task()
def build(path, dataset, fmt, language, base_url):
    """The background job making a new version of an open-data file: ``write`` in
    ``language``, unless another job or request made it first. ``path``: str."""
    with translation.override(language):
        _write_once(Path(path), dataset, fmt, base_url)


def _previous(path):
    """The newest existing version of ``path``'s URL other than ``path``, or None."""
    family = path.name.rsplit("-", 1)[0]
    versions = []
    for candidate in path.parent.glob(f"{family}-*{path.suffix}"):
        with contextlib.suppress(FileNotFoundError):
            versions.append((candidate.stat().st_mtime, candidate))
    return max(versions)[1] if versions else None


def _current_or_previous(path, dataset, fmt, base_url):
    """The file to send: ``path`` if made; else the previous version while the job makes
    ``path`` (queued by the first request to miss it); else ``path`` made here (no previous
    version, or the job did not deliver within ``OPEN_DATA_BUILD_SECONDS``)."""
    if path.exists():
        return path
    previous = _previous(path)
    if previous is None or settings.CACHE_MIDDLEWARE_SECONDS <= 0:
        return _write_once(path, dataset, fmt, base_url)
    since = f"open-data:{path.name}:missed"
    if cache.add(since, time.time(), settings.OPEN_DATA_BUILD_SECONDS * 10 + 60):
        build.enqueue(str(path), dataset, fmt, translation.get_language(), base_url)
        return path if path.exists() else previous  # a job run at once (no worker: tests)
    if time.time() - cache.get(since, 0) > settings.OPEN_DATA_BUILD_SECONDS:
        return _write_once(path, dataset, fmt, base_url)
    return previous


def response(request, dataset, fmt):
    """The ``FileResponse`` of ``dataset`` (a key of ``DATASETS``) in ``fmt`` (``"csv"`` or
    ``"json"``) for ``request``: an attachment with an ETag of its version, ``no-cache`` (a
    browser asks again and gets ``304`` while it is unchanged)."""
    folder = Path(settings.OPEN_DATA_DIR)
    path = folder / f"{_family(request, dataset, fmt)}-{_version(request)}.{fmt}"
    base_url = request.build_absolute_uri("/").rstrip("/")
    for _attempt in range(3):  # a previous version may be deleted between choosing and opening it
        chosen = _current_or_previous(path, dataset, fmt, base_url)
        with contextlib.suppress(FileNotFoundError):
            handle = open(chosen, "rb")  # noqa: SIM115 (FileResponse closes it)
            break
    else:
        handle = open(_write_once(path, dataset, fmt, base_url), "rb")  # noqa: SIM115
    answer = FileResponse(
        handle, content_type=CONTENT_TYPES[fmt], as_attachment=True, filename=f"{dataset}.{fmt}"
    )
    answer["ETag"] = f'"{Path(handle.name).stem.rsplit("-", 1)[1]}"'
    patch_cache_control(answer, public=True, no_cache=True)
    return answer
