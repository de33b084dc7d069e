"""How a value of a table looks on the page (jinja filters). Pure: value in, string out."""
from __future__ import annotations

import datetime as dt
import math

MONEY_SUFFIX = "_yuan"  # columns in yuan: amount_yuan, cap_yuan
RATE_COLUMNS = frozenset({"rate"})  # shares of a base, stored as 0.05 for 5%
LIST_SEPARATOR = "、"  # how a list of units is written in the documents themselves
TRUE_MARK = "✓"


def cell(value: object, column: str = "") -> str:
    """`value` as shown in a table cell; "" for null (the template shows a dash)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return TRUE_MARK if value else ""
    if isinstance(value, float):
        if column.endswith(MONEY_SUFFIX):
            return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
        if column in RATE_COLUMNS:
            return f"{value * 100:g}%"
        return plain_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(cell(item) for item in value)
    return str(value)


def raw(value: object) -> str:
    """`value` as data a script or a test can compare: numbers unformatted, null as ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return plain_number(value)
    return cell(value)


def plain_number(value: float) -> str:
    """20.0 -> "20", 0.05 -> "0.05": the number as written, without a float's noise."""
    return str(int(value)) if value.is_integer() else repr(value)


def page_range(start: int | None, end: int | None) -> str:
    """PDF pages of a document: "4", "4–7", or "" for HTML and text."""
    if start is None:
        return ""
    return str(start) if end in (None, start) else f"{start}–{end}"
