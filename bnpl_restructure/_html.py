"""Small HTML pieces for the notebook views (``_repr_html_``): a header line with the key
figures and a compact table, every cell escaped. A leaf module (no library imports), so
any layer may use it.

Examples
--------
>>> print(card("<Plan>", [("rate", "5%")], ["a", "b"], [["1", "<2>"]]))
<div><p style="margin:0 0 .3em 0"><b>&lt;Plan&gt;</b></p><p style="margin:0 0 .3em 0">\
rate <b>5%</b></p><table><thead><tr><th style="text-align:left">a</th><th \
style="text-align:right">b</th></tr></thead><tbody><tr><td style="text-align:left">1</td><td \
style="text-align:right">&lt;2&gt;</td></tr></tbody></table></div>
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["card", "facts", "table"]

_P = '<p style="margin:0 0 .3em 0">'


def _cells(cells: Sequence[str], tag: str, left: int) -> str:
    return "<tr>" + "".join(
        f'<{tag} style="text-align:{"left" if i < left else "right"}">{escape(c)}</{tag}>'
        for i, c in enumerate(cells)) + "</tr>"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *,
          footer: Sequence[str] | None = None, left: int = 1) -> str:
    """A table: the first ``left`` columns left-aligned (labels), the others right-aligned
    (figures)."""
    foot = "" if footer is None else f"<tfoot>{_cells(footer, 'th', left)}</tfoot>"
    body = "".join(_cells(row, "td", left) for row in rows)
    return (f"<table><thead>{_cells(header, 'th', left)}</thead><tbody>{body}</tbody>"
            f"{foot}</table>")


def facts(pairs: Sequence[tuple[str, str]]) -> str:
    """A line of key figures: ``label <b>value</b> · label <b>value</b>``."""
    return _P + " · ".join(f"{escape(k)} <b>{escape(v)}</b>" for k, v in pairs) + "</p>"


def card(title: str, pairs: Sequence[tuple[str, str]], header: Sequence[str],
         rows: Sequence[Sequence[str]], *, footer: Sequence[str] | None = None,
         left: int = 1, extra: str = "") -> str:
    """A view: a bold title line, a line of key figures, a table (none without rows),
    then ``extra`` (HTML already escaped, e.g. a second table)."""
    line = facts(pairs) if pairs else ""
    grid = table(header, rows, footer=footer, left=left) if rows else ""
    return f"<div>{_P}<b>{escape(title)}</b></p>{line}{grid}{extra}</div>"
