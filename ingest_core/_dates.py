"""Dates as pages show them, to ``PublishedDate`` with honest precision.

The common forms ("Jan 24, 2025", "Feb 13", "2024-07-31T17:54:27Z", "May 2023", "2022")
take a regex fast path: dateparser runs at about 400 dates/s, far too slow for bulk runs.
dateparser handles everything else ("3 days ago", "24 janvier 2025", ...).

A date without a year is the latest such date not after the reference date (the page's own
date, or ``as_of``), and is marked ``year_inferred``.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

from ingest_core.errors import UnparseableDate
from ingest_core.schemas import Precision, PublishedDate

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MON = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_MDY = re.compile(
    rf"^{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?$", re.I
)
_DMY = re.compile(
    rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON},?(?:\s+(?P<year>\d{{4}}))?$", re.I
)
_MY = re.compile(rf"^{_MON},?\s+(?P<year>\d{{4}})$", re.I)
_ISO = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_YEAR = re.compile(r"^(?P<year>(?:1[5-9]|20|21)\d{2})$")
_WITH_YEAR_COUNT = re.compile(r"^(?P<date>.*\b\d{4})\s+(?P<count>\d[\d,]*)$")
_MON_DAY_COUNT = re.compile(
    rf"^(?P<date>{_MON}\s+\d{{1,2}})\s+(?P<count>(?!(?:1[5-9]|20|21)\d{{2}}$)\d[\d,]*)$", re.I
)
_ANY_COUNT = re.compile(r"^(?P<date>.*[^\d\s,])\s+(?P<count>\d[\d,]*)$")

_local = threading.local()


def split_trailing_count(text: str) -> tuple[str, int | None]:
    """Split an upvote count glued after a date: ``"Jan 29, 2025 2"`` -> ``("Jan 29, 2025", 2)``.

    The day of "Jan 5" and the year of "Jan 29, 2025" are never taken for a count; a
    four-digit number right after "Mon D" with no comma is read as the year.
    """
    text = " ".join(text.split())
    m = _WITH_YEAR_COUNT.match(text) or _MON_DAY_COUNT.match(text)
    if m:
        return m.group("date"), int(m.group("count").replace(",", ""))
    m = _ANY_COUNT.match(text)
    if m and not _MDY.match(text) and not _DMY.match(text) and not _MY.match(text):
        return m.group("date"), int(m.group("count").replace(",", ""))
    return text, None


def _infer_year(month: int, day: int, reference: dt.date) -> dt.date:
    for year in range(reference.year, reference.year - 9, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue  # Feb 29 in a common year
        if candidate <= reference:
            return candidate
    raise ValueError("no such day")


def _fast(text: str, reference: dt.date) -> PublishedDate | None:
    m = _MDY.match(text) or _DMY.match(text)
    if m:
        month = _MONTHS[m.group("mon").lower()[:3]]
        day = int(m.group("day"))
        if m.group("year"):
            return PublishedDate(date=dt.date(int(m.group("year")), month, day), precision="day")
        return PublishedDate(
            date=_infer_year(month, day, reference), precision="day", year_inferred=True
        )
    m = _ISO.match(text)
    if m:
        day_s = m.group("day")
        precision: Precision = "day" if day_s else "month"
        date = dt.date(int(m.group("year")), int(m.group("month")), int(day_s or 1))
        return PublishedDate(date=date, precision=precision)
    m = _MY.match(text)
    if m:
        month = _MONTHS[m.group("mon").lower()[:3]]
        return PublishedDate(date=dt.date(int(m.group("year")), month, 1), precision="month")
    m = _YEAR.match(text)
    if m:
        return PublishedDate(date=dt.date(int(m.group("year")), 1, 1), precision="year")
    return None


def _date_data_parser() -> Any:
    parser = getattr(_local, "parser", None)
    if parser is None:
        from dateparser.date import DateDataParser

        parser = DateDataParser(
            settings={"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": False}
        )
        _local.parser = parser
    return parser


def _slow(text: str, reference: dt.date) -> PublishedDate | None:
    base = dt.datetime(reference.year, reference.month, reference.day, 23, 59, 59)
    parser = _date_data_parser()
    parser._settings.RELATIVE_BASE = base  # dateparser reads settings per call
    try:
        data = parser.get_date_data(text)
    except (ValueError, OverflowError, TypeError):
        return None
    if data is None or data.date_obj is None:
        return None
    period = data.period if data.period in ("day", "month", "year") else "day"
    date = data.date_obj.date()
    if period == "month":
        date = date.replace(day=1)
    elif period == "year":
        date = date.replace(month=1, day=1)
    inferred = (
        period == "day"
        and not re.search(r"\d{4}", text)
        and not re.search(r"ago|yesterday|today|hour|minute|week", text, re.I)
    )
    if inferred and date > reference:
        date = _infer_year(date.month, date.day, reference)
    return PublishedDate(date=date, precision=period, year_inferred=inferred)


def parse_date(text: str, *, reference: dt.date, name: str | None = None) -> PublishedDate:
    """Parse a date as shown on a page.

    Args:
        text: the date text, e.g. "Jan 24, 2025" or "Feb 13".
        reference: the page's own date (or as_of): year-less dates fall on or before it.
        name: the input, for the error message.

    Raises:
        UnparseableDate: neither the fast path nor dateparser understood ``text``.
    """
    cleaned = " ".join(text.split()).strip(" ·•|")
    try:
        result = _fast(cleaned, reference)
    except ValueError as exc:  # e.g. "Feb 31, 2024"
        raise UnparseableDate(f"{text!r} is not a real date ({exc})", input=name) from exc
    if result is None and cleaned:
        result = _slow(cleaned, reference)
    if result is None:
        raise UnparseableDate(f"{text!r} is not a date", input=name)
    return result


def coerce_as_of(value: dt.date | dt.datetime | str | None) -> dt.date:
    """``as_of`` as a date: None is today (UTC); strings are ISO dates or datetimes.

    Raises:
        UnparseableDate: a string that is not an ISO date.
    """
    if value is None:
        return dt.datetime.now(dt.UTC).date()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise UnparseableDate(f"as_of {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def utc_date_of(timestamp: str) -> dt.date | None:
    """The UTC calendar date of an ISO-8601 timestamp such as ``2024-07-31T17:54:27.000Z``."""
    try:
        stamp = dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC)
    return stamp.date()


def date_from_parts(
    year: object, month: object = None, day: object = None
) -> PublishedDate | None:
    """A date as precise as its parts, as APIs give them (Crossref ``date-parts``, ORCID
    ``publication-date``): year only, year and month, or a full date; None when the year is
    missing or a part is out of range. Strings of digits are accepted.
    """
    def number(part: object) -> int | None:
        if isinstance(part, bool):
            return None
        if isinstance(part, int):
            return part
        if isinstance(part, str) and part.strip().isdigit():
            return int(part)
        if isinstance(part, dict):  # ORCID: {"value": "2012"}
            return number(part.get("value"))
        return None

    y, m, d = number(year), number(month), number(day)
    if m == 0:  # "00" for an unknown month (Europe PMC): the year is still known
        m = d = None
    if d == 0:
        d = None
    if y is None or not 1000 <= y <= 2999:
        return None
    try:
        if m is None:
            return PublishedDate(date=dt.date(y, 1, 1), precision="year")
        if d is None:
            return PublishedDate(date=dt.date(y, m, 1), precision="month")
        return PublishedDate(date=dt.date(y, m, d), precision="day")
    except ValueError:
        return None


_ISO_PREFIX = re.compile(
    r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][\d:.]+(?:Z|[+-][\d:]+)?)?\s*$"
)


def iso_date(text: object) -> PublishedDate | None:
    """``2001``, ``2001-02``, ``2001-02-01`` or an ISO timestamp (its UTC date) as a
    PublishedDate of that precision; None for anything else. The fast path for APIs."""
    if not isinstance(text, str):
        return None
    if "T" in text and (text.endswith("Z") or "+" in text[10:] or "-" in text[10:]):
        day = utc_date_of(text.strip())
        if day is not None:
            return PublishedDate(date=day, precision="day")
    m = _ISO_PREFIX.match(text)
    if m is None:
        return None
    return date_from_parts(m.group(1), m.group(2), m.group(3))
