"""Text cells that a spreadsheet would run as a formula are written as text (OWASP "CSV injection").

A staff name like ``=HYPERLINK("http://evil.invalid";"klik")`` must stay a name in every file a team leader
opens in Excel.  In .xlsx the cell is written as a string (xlsxwriter never turns it into a formula); in CSV
and HTML tables, which have no cell types, a leading apostrophe makes Excel show the text as it is.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (OWASP's list)."""

XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
"""xlsxwriter workbook options: every text is written as a text cell."""


def as_text(value: Any) -> Any:
    """The value, with an apostrophe in front if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def inert(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and header) made safe to open in a spreadsheet."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_datetime64_any_dtype(out[column])):
            out[column] = out[column].map(as_text)
    out.columns = [as_text(c) for c in out.columns]
    return out
