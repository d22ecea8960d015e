"""Dates as the spec wants them: ISO 8601 with offset, or YYYY-MM-DD for date-only sources."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$"
)


def from_epoch_ms(ms: int) -> str | None:
    """An instant given in milliseconds since the epoch; None when no calendar holds it."""
    try:
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).replace(microsecond=0).isoformat()
    except (OverflowError, ValueError, OSError):
        return None


def _offset(tz: str) -> timezone:
    if tz == "Z":
        return timezone.utc
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def normalise(value: str | None) -> str | None:
    """'2020-09-17T06:56:20.000Z' -> '2020-09-17T06:56:20+00:00'; '2020-09-17' stays.

    A time without an offset stays without one ('2020-09-17T06:56:20'): only the outlet's rule knows
    its zone (see settle).
    """
    if not value:
        return None
    m = _ISO.match(value.strip())
    if not m:
        return None
    y, mo, d, hh, mm, ss, tz = m.groups()
    try:
        day = datetime(int(y), int(mo), int(d))
    except ValueError:
        return None
    if hh is None:
        return day.date().isoformat()  # (isoformat, not strftime: year 999 is "0999")
    try:
        moment = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0), tzinfo=_offset(tz) if tz else None)
    except ValueError:
        return None
    return moment.isoformat()


_NAIVE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def settle(date: str | None, offset: str | None) -> str | None:
    """A date as front matter keeps it: a time without an offset takes the outlet's (its rule's
    `timezone`, e.g. '+08:00'), or is cut to its day when the outlet's zone is unknown: an instant
    must never be invented."""
    if not date or not _NAIVE.match(date):
        return date
    if offset is None:
        return date[:10]
    return datetime.fromisoformat(date).replace(tzinfo=_offset(offset)).isoformat()


def year_month(date: str | None) -> tuple[str, str] | None:
    if date and re.match(r"^\d{4}-\d{2}", date):
        return date[:4], date[5:7]
    return None
