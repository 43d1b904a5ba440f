"""How far a running job got, written to its row as it goes so that its page can show it."""

import time

from django.utils import timezone

from jobs.models import Job


class Progress:
    """Rows done and in all of ``job``, saved at most every ``interval`` seconds (a progress
    write per row would slow the work and, on SQLite, hold the write lock)."""

    def __init__(self, job, interval=0.5):
        self.job = job
        self.interval = interval
        self._saved_at = 0.0

    def total(self, rows):
        """The job has ``rows`` rows in all (int, or None when unknown)."""
        self.job.rows_total = rows
        self._save(force=True)

    def advance(self, rows=1):
        """``rows`` more rows done."""
        self.set(self.job.rows_done + rows)

    def set(self, rows):
        """``rows`` rows done so far (kept within the total)."""
        if self.job.rows_total is not None:
            rows = min(rows, self.job.rows_total)
        self.job.rows_done = rows
        self._save()

    def _save(self, force=False):
        now = time.monotonic()
        if force or now - self._saved_at >= self.interval:
            Job.objects.filter(pk=self.job.pk).update(
                rows_done=self.job.rows_done, rows_total=self.job.rows_total, heartbeat_at=timezone.now()
            )
            self._saved_at = now
