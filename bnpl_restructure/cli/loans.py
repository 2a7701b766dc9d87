"""A serviced loan from the command line: the plan, the payments received, the servicing
terms and the day (``--on``), or a stored loan state (``--loan-json``)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from ..calendar import parse_date
from ..persistence import load
from ..plans import Plan
from ..servicing import Charge, LateFee, LoanState, ServicingTerms, loan_state
from .errors import UsageError
from .plans import (
    add_plan_arguments,
    flag_of,
    given_plan_flags,
    plan_from_args,
    read_csv_file,
    read_json_file,
)

__all__ = ["PRESETS", "add_loan_arguments", "loan_from_args", "terms_from_args"]

#: ``--terms`` presets: the ServicingTerms constructors of each product's rules.
PRESETS: Final[tuple[str, ...]] = ("default", "jd_baitiao", "ant_huabei", "afterpay",
                                   "klarna_uk", "us_card", "cn_civil_code")

# (flag, ServicingTerms field, kind of value, help)
_TERMS: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("--grace-days", "grace_days", "int", "days after a due date without penalty or fee"),
    ("--penalty-rate", "penalty_rate", "str", "penalty interest a day (0.0005 or 0.05%%)"),
    ("--penalty-base", "penalty_base", "str",
     "overdue_installment, unpaid_principal_and_fees or overdue_principal"),
    ("--penalty-start", "penalty_start", "str", "due_date or grace_end"),
    ("--penalty-minimum-per-day", "penalty_minimum_per_day", "str",
     "least penalty a day (major units)"),
    ("--count-due-date", "count_due_date", "bool", "the due date counts as a penalty day"),
    ("--count-payment-date", "count_payment_date", "bool",
     "the payment date counts as a penalty day"),
    ("--charge-dating", "charge_dating", "str", "installment_due_date or charge_date"),
    ("--late-fee", "late_fees", "fees", "a late-fee tier: days=N[,amount=A][,percent=P]"
     "[,every=N][,order_at_least=A][,order_below=A]; repeat for more tiers"),
    ("--late-fee-base", "late_fee_base", "str",
     "principal, principal_and_interest or installment"),
    ("--late-fee-cap-per-installment", "late_fee_cap_per_installment", "str",
     "late fees an installment at most (major units)"),
    ("--late-fee-cap-per-plan", "late_fee_cap_per_plan", "str",
     "late fees a plan at most (major units)"),
    ("--late-fee-cap-percent", "late_fee_cap_percent", "str",
     "late fees at most this fraction of the amount financed (0.25 or 25%%)"),
    ("--max-late-fees", "max_late_fees", "int", "at most this many late fees a plan"),
    ("--late-fee-at-most-payment-due", "late_fee_at_most_payment_due", "bool",
     "a late fee never above the installment's payment due (US card safe harbor)"),
    ("--waterfall", "waterfall", "list",
     "payment order of components, comma-separated: penalty,late_fee,charge,fee,interest,"
     "principal"),
    ("--order", "order", "str", "horizontal (oldest first) or vertical (component first)"),
    ("--overpayment", "overpayment", "str", "credit_next, prepay_shorten or prepay_reduce"),
    ("--early-payoff", "early_payoff", "str", "accrued_to_date, current_period, no_rebate, "
     "rule_of_78, actuarial or uk_2004"),
    ("--delinquency-buckets", "delinquency_buckets", "ints",
     "bucket bounds in days past due, comma-separated (default 30,60,90)"),
    ("--rebate-deferral", "rebate_deferral", "str",
     "uk_2004: one_month (default), none, or days"),
    ("--allow-rule-of-78-over-61-months", "allow_rule_of_78_over_61_months", "bool",
     "allow the rule of 78 on a term over 61 months"),
    ("--interest-method", "interest", "str", "precomputed (default) or daily"),
    ("--compounding", "compounding", "str", "daily interest: none, due_dates or daily"),
    ("--accrual-rate", "annual_rate", "str", "daily interest: the annual rate"),
    ("--accrual-day-count", "day_count", "str",
     "daily interest: act/365f, act/360, act/act or 30/360"),
)

_LATE_FEE_KEYS: Final = {"days": "days_past_due", "amount": "amount", "percent": "percent",
                         "every": "every", "order_at_least": "order_at_least",
                         "order_below": "order_below"}


def add_loan_arguments(parser: argparse.ArgumentParser) -> None:
    """Plan, payments, terms and day flags."""
    add_plan_arguments(parser)
    loan = parser.add_argument_group("the loan's history")
    loan.add_argument("--loan-json", metavar="FILE",
                      help="a stored loan state (LoanState.to_dict document) instead of a "
                      "plan, payments and terms")
    loan.add_argument("--payments", metavar="FILE",
                      help="payments received: CSV with columns date,amount or a JSON list "
                      "of {\"date\", \"amount\"} objects or [date, amount] pairs")
    loan.add_argument("--payment", action="append", default=None, metavar="DATE=AMOUNT",
                      help="one payment received, e.g. 2026-02-15=536.00 (repeatable)")
    loan.add_argument("--charges", metavar="FILE",
                      help="named charges (a returned-payment fee, an extension fee): CSV "
                      "with columns date,name,amount[,installment] or a JSON list of such "
                      "objects")
    loan.add_argument("--charge", action="append", default=None,
                      metavar="date=D,name=N,amount=A[,installment=K]",
                      help="one named charge (repeatable); without installment it is "
                      "charged to the loan")
    loan.add_argument("--on", metavar="DATE",
                      help="the day of the position, YYYY-MM-DD")
    terms = parser.add_argument_group("servicing terms")
    terms.add_argument("--terms", choices=PRESETS, default=None,
                       help="a preset of servicing rules (default: no grace, no penalty, "
                       "no late fees)")
    terms.add_argument("--terms-json", metavar="FILE",
                       help="servicing terms as a ServicingTerms.to_dict document")
    for flag, _, kind, text in _TERMS:
        if kind == "bool":
            terms.add_argument(flag, action=argparse.BooleanOptionalAction, default=None,
                               help=text)
        elif kind == "fees":
            terms.add_argument(flag, action="append", default=None, help=text)
        else:
            terms.add_argument(flag, type=int if kind == "int" else str, default=None,
                               help=text)


def _dest(flag: str) -> str:
    return flag[2:].replace("-", "_")


def terms_from_args(args: argparse.Namespace) -> ServicingTerms | None:
    """The servicing terms of ``--terms`` / ``--terms-json`` changed by the term flags;
    ``None`` when none is given (the library's default terms)."""
    if args.terms is not None and args.terms_json is not None:
        raise UsageError("--terms-json", "give --terms or --terms-json, not both")
    changes: dict[str, Any] = {}
    for flag, field, kind, _ in _TERMS:
        value = getattr(args, _dest(flag))
        if value is None:
            continue
        if kind == "fees":
            value = tuple(_late_fee(spec) for spec in value)
        elif kind in ("list", "ints"):
            items = [part.strip() for part in value.split(",") if part.strip()]
            if kind == "ints":
                if not all(item.isdigit() for item in items):
                    raise UsageError(flag, "must be whole numbers separated by commas",
                                     received=value)
                value = tuple(int(item) for item in items)
            else:
                value = tuple(items)
        elif field == "rebate_deferral" and value.isdigit():
            value = int(value)
        changes[field] = value
    base: ServicingTerms | None
    if args.terms_json is not None:
        base = ServicingTerms.from_dict(read_json_file(args.terms_json, flag="--terms-json"))
    elif args.terms is None or args.terms == "default":
        base = ServicingTerms() if changes or args.terms == "default" else None
    else:
        base = getattr(ServicingTerms, args.terms)()
    if base is None:
        return None
    return base.with_(**changes) if changes else base


def _late_fee(spec: str) -> LateFee:
    values: dict[str, Any] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in _LATE_FEE_KEYS:
            raise UsageError("--late-fee", "must be days=N with any of amount=, percent=, "
                             "every=, order_at_least=, order_below= separated by commas",
                             received=spec)
        value = value.strip()
        if key in ("days", "every"):
            if not value.isdigit():
                raise UsageError("--late-fee", f"{key} must be a whole number of days",
                                 received=spec)
            values[_LATE_FEE_KEYS[key]] = int(value)
        else:
            values[_LATE_FEE_KEYS[key]] = value
    if "days_past_due" not in values:
        raise UsageError("--late-fee", "needs days=N (days past due when it is charged)",
                         received=spec)
    return LateFee(**values)


def _payment_pair(item: Any, where: str) -> tuple[str, str]:
    if isinstance(item, Mapping) and {"date", "amount"} <= set(item):
        return item["date"], item["amount"]
    if isinstance(item, list) and len(item) == 2:
        return item[0], item[1]
    raise UsageError("--payments", f"{where} must be {{\"date\": ..., \"amount\": ...}} or "
                     "[date, amount]", received=item)


def read_payments_file(name: str) -> list[tuple[Any, Any]]:
    """The payments of a CSV file (columns ``date`` and ``amount``) or a JSON list."""
    if name.lower().endswith(".json"):
        items = read_json_file(name, flag="--payments")
        if not isinstance(items, list):
            raise UsageError("--payments", "a JSON payments file must hold a list")
        return [_payment_pair(item, f"item {k}") for k, item in enumerate(items)]
    rows = _csv_rows(name, "--payments")
    if rows and not {"date", "amount"} <= set(rows[0]):
        raise UsageError("--payments", f"{name!r} needs a header with the columns date and "
                         "amount", received=sorted(rows[0]))
    return [(row["date"], row["amount"]) for row in rows]


def _charge(values: Mapping[str, Any], flag: str, where: str) -> Charge:
    unknown = set(values) - {"date", "name", "amount", "installment"}
    if unknown or not {"date", "name", "amount"} <= set(values):
        raise UsageError(flag, f"{where} needs date, name and amount (and optionally "
                         "installment)", received=dict(values))
    installment = values.get("installment")
    if isinstance(installment, str):
        if not installment.strip().isdigit():
            raise UsageError(flag, f"{where}: installment must be a whole number",
                             received=installment)
        installment = int(installment)
    return Charge(date=values["date"], name=values["name"], amount=values["amount"],
                  installment=installment)


def _charges(args: argparse.Namespace) -> list[Charge]:
    out: list[Charge] = []
    if args.charges is not None:
        if args.charges.lower().endswith(".json"):
            items = read_json_file(args.charges, flag="--charges")
            if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
                raise UsageError("--charges", "a JSON charges file must hold a list of "
                                 "objects with date, name, amount (and installment)")
        else:
            items = _csv_rows(args.charges, "--charges")
        out += [_charge({k: v for k, v in item.items() if v not in (None, "")},
                        "--charges", f"item {k}") for k, item in enumerate(items)]
    for spec in args.charge or ():
        pairs = [part.partition("=") for part in spec.split(",")]
        if not all(sep for _, sep, _ in pairs):
            raise UsageError("--charge", "must be date=D,name=N,amount=A[,installment=K]",
                             received=spec)
        out.append(_charge({k.strip(): v.strip() for k, _, v in pairs}, "--charge", spec))
    return sorted(out, key=lambda c: c.date)


def _csv_rows(name: str, flag: str) -> list[dict[str, str]]:
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            for row in read_csv_file(name, flag=flag)]


def _payments(args: argparse.Namespace) -> list[tuple[Any, Any]]:
    out: list[tuple[Any, Any]] = []
    if args.payments is not None:
        out += read_payments_file(args.payments)
    for spec in args.payment or ():
        day, sep, amount = spec.partition("=")
        if not sep:
            raise UsageError("--payment", "must be DATE=AMOUNT, e.g. 2026-02-15=536.00",
                             received=spec)
        out.append((day.strip(), amount.strip()))
    return sorted(out, key=lambda p: parse_date(p[0], argument="payments.date"))


def _as_of(args: argparse.Namespace) -> date | None:
    return None if args.on is None else parse_date(args.on, argument="--on")


def loan_from_args(args: argparse.Namespace) -> LoanState:
    """The loan's state on ``--on`` (or, for ``--loan-json``, on its own day unless
    ``--on`` moves it later), after the payments."""
    payments = _payments(args)
    if args.loan_json is not None:
        given = [n for n in ("plan_json", "kind", "start", "terms", "terms_json")
                 if getattr(args, n) is not None] + [flag_of(d) for d in given_plan_flags(args)]
        if given:
            raise UsageError("--loan-json", f"cannot be combined with "
                             f"{_flag_name(given[0])} (the document holds the loan)")
        state = load(read_json_file(args.loan_json, flag="--loan-json"))
        if not isinstance(state, LoanState):
            raise UsageError("--loan-json", "must hold a loan_state document",
                             received=type(state).__name__)
        if terms_from_args(args) is not None:
            raise UsageError("--loan-json", "carries its servicing terms; the term flags "
                             "cannot change them")
        charges = _charges(args)
        for payment in payments:
            due = [c for c in charges if c.date <= parse_date(payment[0], argument="payment")]
            charges = charges[len(due):]
            state = state.apply(payment, charges=due)
        day = _as_of(args)
        if day is None and not charges:
            return state
        return state.on(state.as_of if day is None else day, charges=charges)
    day = _as_of(args)
    if day is None:
        raise UsageError("--on", "is required (the day of the position, YYYY-MM-DD)")
    built = plan_from_args(args)
    schedule = built.schedule() if isinstance(built, Plan) else built
    return loan_state(schedule, payments, as_of=day, terms=terms_from_args(args),
                      charges=_charges(args))


def _flag_name(dest: str) -> str:
    if dest.startswith("--"):
        return dest
    return "a plan kind" if dest == "kind" else "--" + dest.replace("_", "-")
