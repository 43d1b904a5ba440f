"""The completion rule: how many of a workshop's sessions make a participation "completed".

One rule for the donors' completion table (``workshops.disaggregation``) and the certificates of
participation (``attendance.certificates``): with M sessions, at least N = ceil(M x percent /
100) of them, never fewer than one (2 of 3 with the default 66 %, 1 of 1, 4 of 5).
"""

import math

DEFAULT_COMPLETION_PERCENT = 66


def sessions_required(sessions, percent=DEFAULT_COMPLETION_PERCENT):
    """The sessions (int, at least 1) a participation must attend out of ``sessions`` (int, 0 or
    more) to complete the workshop; ``percent`` is an int from 1 to 100."""
    # The small subtraction keeps 3 x 66.666… / 100 from rounding up to 3 through float error.
    return max(1, math.ceil(sessions * percent / 100 - 1e-9))
