"""Which public pages a change of progress changes: a follow-up on a recommendation or a
commitment (the quick update form), which may move its status.

Taken before the change and applied after it::

    change = ProgressChange(commitment)
    follow_up.record(user)
    change.forget()

The pages forgotten (``reports.forget_progress``): the workshop's page, the pages of progress
(tracker, lists and pages of recommendations and commitments, committees, feeds, open data),
the pages of the regions the subject is aimed at (a region page lists the recommendations and
commitments whose target regions include it), the pages of the communes a commitment concerns
(a commune page, feed and open data list the commitments concerning it, and no recommendation;
its workshops show no progress), and the home page and
the regions list only when what they show of progress moved: the recommendations counted by
status (home), or the open commitments per region (the map of both) when a commitment was
opened or closed. Counts of people, workshops and organisations do not move with progress:
those pages and figures stay cached.
"""

from workshops import reports
from workshops.models import Commitment, RecommendationStatus


class ProgressChange:
    """A change of progress of ``subject`` (a ``Recommendation`` or a ``Commitment``), taken
    before it is made: ``forget()`` after it forgets the public pages it changed."""

    def __init__(self, subject):
        self.subject = subject
        self.before = self._overview_state()

    def _overview_state(self):
        """What the home page and the regions list show of the subject: a recommendation's
        status (counted by status), whether a commitment is open (counted per region). One
        query, from the database (the subject in memory may be changed already)."""
        rows = type(self.subject).objects.filter(pk=self.subject.pk)
        status = rows.values_list("status", flat=True).first()
        if isinstance(self.subject, Commitment):
            return status not in RecommendationStatus.closed()
        return status

    def region_slugs(self):
        """Slugs of the regions whose page shows the subject: its target regions. One query."""
        return list(self.subject.target_regions.order_by().values_list("slug", flat=True))

    def commune_slugs(self):
        """Slugs of the communes whose page shows the subject: a commitment's communes
        concerned (none for a recommendation). One query for a commitment."""
        if not isinstance(self.subject, Commitment):
            return []
        return list(self.subject.target_communes.order_by().values_list("slug", flat=True))

    def forget(self):
        """Forget the pages and figures the change made stale (``reports.forget_progress``).
        Five queries at most."""
        commitment = isinstance(self.subject, Commitment)
        workshop = self.subject.recommendation.workshop if commitment else self.subject.workshop
        moved = self._overview_state() != self.before
        reports.forget_progress(
            workshop,
            self.region_slugs(),
            self.commune_slugs(),
            overview=moved and commitment,
            home=moved and not commitment,
        )
