"""Fixtures of the attendance-import tests, shared with the erasure tests that re-import sheets."""

from tests.workshops.conftest import three_day_workshop  # noqa: F401
