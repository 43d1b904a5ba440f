"""Fixtures of the attendance-import tests, shared with the erasure tests that re-import sheets."""

from tests.attendance.conftest import three_day_workshop  # noqa: F401
