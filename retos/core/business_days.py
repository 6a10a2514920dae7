"""Mexican business days (días hábiles): no weekends, no official holidays."""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _mexican_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Mexico(years=year).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _mexican_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date ``days`` business days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def business_days_between(start: date, end: date) -> int:
    """Business days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_business_day(current):
            count += 1
    return count
