"""Output of the command line: one :class:`Output` per command, written as a text table,
JSON or CSV (``--format``).

Every command builds the same three things from one computation: ``text`` (what a person
reads), ``document`` (JSON-ready: money, rates and dates as strings, never a float) and
``table`` (a header and rows for CSV). The JSON is printed with its keys in the order
built, non-ASCII text as it is (Chinese labels stay readable), and a final newline.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["FORMATS", "Output", "add_format_argument", "text_table", "width"]

FORMATS: Final[tuple[str, ...]] = ("table", "json", "csv")


@dataclass(frozen=True, slots=True, kw_only=True)
class Output:
    """What a command prints: ``text``, ``document`` (JSON) and ``header`` / ``rows``
    (CSV); all cells are strings or ints."""

    text: str
    document: Any
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...] = field(default=())

    def render(self, fmt: str) -> str:
        """The output in format ``fmt`` (one of :data:`FORMATS`), ending in a newline."""
        if fmt == "json":
            return json.dumps(self.document, ensure_ascii=False, indent=2) + "\n"
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(self.header)
            writer.writerows(self.rows)
            return buffer.getvalue()
        return self.text.rstrip("\n") + "\n"


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    """``--format table|json|csv`` (default table)."""
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="output format: a text table (default), JSON, or CSV")


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide characters count twice.

    >>> width("年化利率"), width("APR")
    (8, 3)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, columns: int, *, left: bool) -> str:
    gap = " " * (columns - width(text))
    return text + gap if left else gap + text


def text_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned.

    >>> print(text_table(("item", "amount"), [("fee", "7.00"), ("principal", "333.33")]))
    item       amount
    fee          7.00
    principal  333.33
    """
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(width(row[k]) for row in cells) for k in range(len(header))]
    lines = []
    for row in cells:
        parts = [_pad(row[0], widths[0], left=True)] + [
            _pad(c, w, left=False) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)
