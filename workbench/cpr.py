"""The one CPR detector: anything that could be a Danish CPR number is refused wherever text enters or is kept.

A CPR number is ddmmyy followed by four digits.  People write it with a space, a dash, an en dash, a slash or
dots between the parts (``010190-1234``, ``010190 1234``, ``01.01.90-1234``), and Excel drops the leading
zero when the cell is a number (``101901234``).  Requiring a real day and month keeps phone numbers
(``+4512345678``), account numbers and ``091500-1530`` (no 15th month) from being refused by mistake.
"""

from __future__ import annotations

import calendar
import re

_SEP = r"[ .\-\u2013\u2014/]?"
CPR_PATTERN = re.compile(rf"(?<![\d+])(?<!\d[.,])(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{4}})(?![.,]?\d)")
"""Six digits of a date and four more, each part optionally separated by space, dash, en/em dash, dot or slash;
not part of a longer number, a phone number (+45...) or a decimal fraction (3.0101901234)."""

_DROPPED_ZERO = re.compile(r"\s*(\d{9})(?:\.0+)?\s*")


def _real_day(day: str, month: str) -> bool:
    d, m = int(day), int(month)
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(2000, m)[1]  # 2000: a leap year, so 29 February counts


def looks_like_cpr(text: str) -> bool:
    """True if ``text`` holds something shaped like a CPR number with a real day and month."""
    return any(_real_day(found.group(1), found.group(2)) for found in CPR_PATTERN.finditer(text))


def number_looks_like_cpr(text: str) -> bool:
    """True if a numeric spreadsheet cell is a CPR number whose leading zero Excel dropped (``101901234``)."""
    found = _DROPPED_ZERO.fullmatch(text)
    return bool(found) and looks_like_cpr("0" + found.group(1))


CPR_REFUSED_DA = "ligner et CPR-nummer; CPR-numre må ikke bruges i Tværs – brug familiens eller personens pseudonym-id"
"""The refusal, in the team leader's words (the place it was found is put in front)."""
