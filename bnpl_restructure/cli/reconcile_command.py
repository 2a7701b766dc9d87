"""The ``reconcile`` command: another system's schedule (CSV or JSON) against a plan, cell
by cell, with the conventions that explain a difference; exit 1 when they differ."""

from __future__ import annotations

import argparse
import io
from typing import Any, Final

from .._context import in_library_context
from ..plans import Plan
from ..testing.reconcile import Difference, reconcile
from .errors import DomainError, UsageError
from .output import Output, add_format_argument
from .plans import add_plan_arguments, plan_from_args, read_json_file, read_text_file

__all__ = ["add_commands", "reconcile_command"]

_CSV: Final = ("row", "column", "theirs", "ours", "minor_units")


def add_commands(sub: Any) -> None:
    """The ``reconcile`` sub-command."""
    rec = sub.add_parser(
        "reconcile", help="another system's schedule against a plan (exit 1 when they differ)",
        description="Compare their schedule (--theirs: CSV with any of the columns number, "
        "due date, payment, principal, interest, fee, balance under their usual names, or "
        "a JSON list of such objects) with the plan's, cell by cell; when they differ, "
        "search the conventions (rounding, residual, day count, ...) that reproduce theirs. "
        "Exit 0 when they agree, 1 when they differ. CSV output is the differing cells.")
    add_plan_arguments(rec)
    rec.add_argument("--theirs", required=True, metavar="FILE",
                     help="their schedule: a CSV file, or a .json list of row objects")
    rec.add_argument("--column", action="append", default=None, metavar="FIELD=NAME",
                     help="their name of a column the usual names do not find, e.g. "
                     "'interest=Int. charged' (repeatable)")
    rec.add_argument("--no-search", action="store_true",
                     help="compare only; do not search the conventions")
    add_format_argument(rec)
    rec.set_defaults(run=reconcile_command)


def _cell(value: Any) -> Any:
    return "" if value is None else str(value)


def _difference(d: Difference) -> dict[str, Any]:
    return {"row": d.row, "column": d.column, "theirs": _cell(d.theirs), "ours": _cell(d.ours),
            "minor_units": d.minor_units}


def _columns(specs: list[str] | None) -> dict[str, str] | None:
    if specs is None:
        return None
    out = {}
    for spec in specs:
        field, sep, name = spec.partition("=")
        if not sep or not field.strip() or not name.strip():
            raise UsageError("--column", "must be FIELD=NAME, e.g. 'interest=Int. charged'",
                             received=spec)
        out[field.strip()] = name.strip()
    return out


@in_library_context
def reconcile_command(args: argparse.Namespace) -> Output:
    """``reconcile``: the report; :class:`DomainError` (exit 1) when they differ."""
    plan = plan_from_args(args)
    if args.no_search and not isinstance(plan, Plan):
        raise UsageError("--no-search", "a schedule document is compared only (the search "
                         "needs a plan's terms)")
    theirs: Any = read_json_file(args.theirs, flag="--theirs") \
        if args.theirs.lower().endswith(".json") else \
        io.StringIO(read_text_file(args.theirs, flag="--theirs"), newline="")
    result = reconcile(theirs, plan, columns=_columns(args.column), search=not args.no_search)
    document = {"matches": result.matches, "rows_compared": result.rows_compared,
                "columns": list(result.columns), "explanation": result.explanation,
                "differences": [_difference(d) for d in result.differences],
                "conventions": list(result.conventions),
                "matched_as_cells": result.matched_as_cells,
                "matched_plan": None if result.matched is None else result.matched.to_dict(),
                "closest": list(result.closest),
                "closest_differences": [_difference(d) for d in result.closest_differences]}
    output = Output(text=result.to_text(), document=document, header=_CSV,
                    rows=tuple(tuple(_difference(d).values()) for d in result.differences))
    if not result.matches:
        raise DomainError(f"{len(result.differences)} cells differ", output=output)
    return output
