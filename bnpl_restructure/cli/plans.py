"""A plan from the command line: a kind, a principal and flags, or a JSON document.

Each flag applies to some plan kinds only (:data:`APPLIES`); a flag given for a kind it
does not apply to is a usage error naming the flag, never silently ignored.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from ..persistence import load
from ..plans import Plan
from ..rounding import RoundingPolicy
from ..schedule import Schedule
from .errors import UsageError

__all__ = ["APPLIES", "KINDS", "add_plan_arguments", "flag_of", "given_plan_flags",
           "plan_from_args", "read_csv_file", "read_json_file", "read_text_file"]

KINDS: Final[tuple[str, ...]] = ("annuity", "equal_principal", "flat_fee", "pay_in_4",
                                 "interest_only", "rows")

_ROUNDING: Final = ("rounding_payment", "rounding_interest", "balance", "residual",
                    "increment")
_COMMON: Final = ("installments", "frequency", "first_due", "currency", *_ROUNDING)
_RATE: Final = ("annual_rate", "periodic_rate", "rate_convention", "compounding_per_year",
                "day_count", "odd_days")
_RATED: Final = (*_COMMON, *_RATE, "fee")
# a level payment's residual always goes to the last installment; an interest-only or
# explicit plan has no level payment to round and no equal installments to round up
_NO_SPLIT: Final = frozenset(("residual",))
_NO_LEVEL: Final = frozenset(("residual", "rounding_payment", "increment"))

#: The plan flags (their ``dest``) each kind accepts; ``--start`` is needed by every kind.
APPLIES: Final[dict[str, frozenset[str]]] = {
    "annuity": frozenset((*_RATED, "balloon", "payment_basis", "last_installment"))
    - _NO_SPLIT,
    "equal_principal": frozenset(_RATED),
    "interest_only": frozenset(_RATED) - _NO_LEVEL,
    "flat_fee": frozenset((*_COMMON, "fee_rate", "total_fee_rate")),
    # no interest and no fees: nothing for the interest rounding or the balance rule to do
    "pay_in_4": frozenset(_COMMON) - {"first_due", "rounding_interest", "balance"},
    "rows": frozenset(("rows_file", "frequency", "currency", *_ROUNDING, *_RATE)) - _NO_LEVEL,
}

#: Kinds of equal installments: their installments are rounded by ``--rounding-payment``
#: only to a multiple of ``--increment``.
_SPLIT_KINDS: Final = ("equal_principal", "flat_fee", "pay_in_4")

# (flag, help); every one defaults to None so that "given" is "not None"
_FLAGS: Final[tuple[tuple[str, str], ...]] = (
    ("--installments", "number of installments (default 12; 4 for pay_in_4)"),
    ("--frequency", "weekly, biweekly, semi_monthly, semi_monthly_15_days, monthly "
     "(default; biweekly for pay_in_4), quarterly, or every_N_days / every_N_months"),
    ("--first-due", "first due date YYYY-MM-DD (default one period after --start); a "
     "first period longer or shorter than the others is charged by --odd-days"),
    ("--currency", "ISO 4217 code (default CNY)"),
    ("--annual-rate", "annual rate: 0.08 or 8%% (annuity, equal_principal, interest_only, "
     "rows; 0 for interest-free)"),
    ("--periodic-rate", "the rate of one period instead of --annual-rate (0.005 or 0.5%%)"),
    ("--rate-convention", "how --annual-rate is read: nominal (default) or effective"),
    ("--compounding-per-year", "compounding of a nominal rate when it differs from the "
     "payments (2 for Canadian mortgages)"),
    ("--day-count", "per_period (default), 30/360, act/365f, act/360, act/act, act/365.25"),
    ("--odd-days", "odd first period: charge (default), regular, free"),
    ("--fee", "a fixed fee due with every installment (major units)"),
    ("--balloon", "annuity: principal left to the last installment (major units)"),
    ("--payment-basis", "annuity: level payment from the periods' factors (periods, "
     "default) or the nominal rate (nominal, as PMT)"),
    ("--last-installment", "annuity: payoff (default) or level (residual left as the "
     "closing balance)"),
    ("--fee-rate", "flat_fee: fee per period on the original principal: 0.006 or 0.6%%"),
    ("--total-fee-rate", "flat_fee: fee rate for the whole term, split over the "
     "installments (2.5%% for 3 installments)"),
    ("--rows", "rows: a CSV or JSON file of rows with due and optionally principal, "
     "payment, fee"),
    ("--rounding-payment", "rounding of the level payment: half_up (default), half_even, "
     "half_down, up, down"),
    ("--rounding-interest", "rounding of each period's interest and of rate-based fees "
     "(same modes)"),
    ("--balance", "balance precision: rounded (default), exact (spreadsheet), carried"),
    ("--residual", "which installment takes the leftover minor units of a split: last "
     "(default) or first"),
    ("--increment", "installments in multiples of this amount (major units, e.g. 1)"),
)


def _dest(flag: str) -> str:
    return "rows_file" if flag == "--rows" else flag[2:].replace("-", "_")


def flag_of(dest: str) -> str:
    return "--rows" if dest == "rows_file" else "--" + dest.replace("_", "-")


def add_plan_arguments(parser: argparse.ArgumentParser) -> None:
    """The plan's kind and principal (positional, optional with ``--plan-json``), the
    advance date and every plan flag."""
    parser.add_argument("kind", nargs="?", choices=KINDS, help="the plan kind")
    parser.add_argument("principal", nargs="?",
                        help="amount financed in major units, e.g. 6000.00")
    parser.add_argument("--start", help="advance (purchase) date, YYYY-MM-DD")
    parser.add_argument("--plan-json", metavar="FILE",
                        help="the plan (or schedule) as a to_dict JSON document instead of "
                        "a kind and flags ('-' reads standard input)")
    group = parser.add_argument_group("plan terms (each applies to some kinds only)")
    for flag, text in _FLAGS:
        group.add_argument(flag, dest=_dest(flag), default=None, help=text,
                           metavar="FILE" if flag == "--rows" else None)


def read_json_file(name: str, *, flag: str) -> Any:
    """The JSON value of file ``name`` (``-``: standard input); a usage error naming
    ``flag`` when it is missing or not JSON."""
    text = sys.stdin.read() if name == "-" else read_text_file(name, flag=flag)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(flag, f"{name!r} is not JSON ({exc})") from None


def read_text_file(name: str, *, flag: str) -> str:
    """The text of file ``name`` (UTF-8, a byte-order mark dropped); a usage error naming
    ``flag`` when it cannot be read or is not text."""
    try:
        return Path(name).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(flag, f"cannot read {name!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(flag, f"{name!r} is not UTF-8 text") from None


def read_csv_file(name: str, *, flag: str) -> list[dict[str, str]]:
    """The rows of CSV file ``name`` as mappings by its header's names."""
    try:
        return list(csv.DictReader(io.StringIO(read_text_file(name, flag=flag), newline="")))
    except csv.Error as exc:
        raise UsageError(flag, f"{name!r} is not CSV ({exc})") from None


def given_plan_flags(args: argparse.Namespace) -> list[str]:
    return [_dest(flag) for flag, _ in _FLAGS if getattr(args, _dest(flag)) is not None]


def plan_from_args(args: argparse.Namespace) -> Plan | Schedule:
    """The plan the arguments describe, or the plan or schedule of ``--plan-json``."""
    given = given_plan_flags(args)
    if args.plan_json is not None:
        for name, value in (("kind", args.kind), ("principal", args.principal),
                            ("--start", args.start)):
            if value is not None:
                raise UsageError(name, "cannot be combined with --plan-json (the document "
                                 "holds the plan's terms)", received=value)
        if given:
            raise UsageError(flag_of(given[0]), "cannot be combined with --plan-json (the "
                             "document holds the plan's terms)")
        document = load(read_json_file(args.plan_json, flag="--plan-json"))
        if not isinstance(document, (Plan, Schedule)):
            raise UsageError("--plan-json", "must hold a plan or a schedule document",
                             received=type(document).__name__)
        return document
    if args.kind is None or args.principal is None:
        raise UsageError("kind", "give a plan kind and a principal (e.g. flat_fee 6000 "
                         "--fee-rate 0.6% --start 2026-01-15) or --plan-json FILE")
    if args.start is None:
        raise UsageError("--start", f"is required for a {args.kind} plan (YYYY-MM-DD)")
    kind: str = args.kind
    for dest in given:
        if dest not in APPLIES[kind]:
            takers = [k for k in KINDS if dest in APPLIES[k]]
            raise UsageError(flag_of(dest), f"does not apply to {kind} plans (it applies to "
                             f"{', '.join(takers)})", received=getattr(args, dest))
    if kind in _SPLIT_KINDS and "rounding_payment" in given and "increment" not in given:
        raise UsageError("--rounding-payment", f"applies to {kind} plans only with "
                         "--increment (it rounds equal installments to that multiple)",
                         received=args.rounding_payment)
    values = {dest: getattr(args, dest) for dest in given}
    rounding = None
    if any(d in values for d in _ROUNDING):
        rounding = RoundingPolicy(
            payment=values.pop("rounding_payment", "half_up"),
            interest=values.pop("rounding_interest", "half_up"),
            balance=values.pop("balance", "rounded"),
            residual=values.pop("residual", "last"),
            increment=values.pop("increment", None))
    if "compounding_per_year" in values:
        values["compounding_per_year"] = _count(values["compounding_per_year"],
                                                "--compounding-per-year")
    if kind in ("annuity", "equal_principal", "interest_only") and \
            "annual_rate" not in values and "periodic_rate" not in values:
        raise UsageError("--annual-rate", f"is required for {kind} (or --periodic-rate; "
                         "0 for an interest-free plan)")
    if kind == "flat_fee" and "fee_rate" not in values and "total_fee_rate" not in values:
        raise UsageError("--fee-rate", "is required for flat_fee (or --total-fee-rate)")
    if kind == "rows":
        if "rows_file" not in values:
            raise UsageError("--rows", "is required for a rows plan (a CSV or JSON file)")
        values["rows"] = _read_rows(values.pop("rows_file"))
    elif kind == "pay_in_4":
        values.setdefault("installments", "4")
        values.setdefault("frequency", "biweekly")
    else:
        values.setdefault("installments", "12")
    constructors: dict[str, Callable[..., Plan]] = {
        "annuity": Plan.annuity, "equal_principal": Plan.equal_principal,
        "interest_only": Plan.interest_only, "flat_fee": Plan.flat_fee,
        "pay_in_4": Plan.pay_in_4, "rows": Plan.from_rows}
    constructor = constructors[kind]
    plan: Plan = constructor(args.principal, start=args.start, rounding=rounding, **values)
    return plan


def _count(text: str, flag: str) -> int:
    if not text.strip().isdigit():
        raise UsageError(flag, "must be a whole number", received=text)
    return int(text)


def _read_rows(name: str) -> list[dict[str, str]]:
    """Rows of an explicit plan: a JSON list of objects, or a CSV file with a header of
    ``due`` and any of ``principal``, ``payment``, ``fee`` (empty cells: not given)."""
    if name.lower().endswith(".json"):
        rows = read_json_file(name, flag="--rows")
        if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
            raise UsageError("--rows", "a JSON rows file must hold a list of objects with "
                             "'due' and optionally 'principal', 'payment', 'fee'")
        return [dict(r) for r in rows]
    return [{k.strip(): v.strip() for k, v in row.items() if k and v and v.strip()}
            for row in read_csv_file(name, flag="--rows")]
