"""The restructuring command: ``options`` puts hardship options side by side for a borrower
(with "no change" first), and searches for the least concession, or the best one, that
brings the installment down to what the borrower can pay."""

from __future__ import annotations

import argparse
import re
from decimal import ROUND_DOWN, Decimal
from typing import Any, Final

from .._context import in_library_context
from ..apr import format_rate
from ..persistence import write_decimal
from ..plans import Plan, PlanKind
from ..restructure import (
    AFFORDABILITY,
    CapitalizeArrears,
    Change,
    ChangeRate,
    Comparison,
    DeferPrincipal,
    ExtendTerm,
    ForgivePrincipal,
    PaymentHoliday,
    ReducePayment,
    ReduceRate,
    Restructuring,
    ShiftDueDates,
    WaiveFees,
    best_option,
    compare,
    find_option,
)
from ..servicing import LoanState
from .errors import DomainError, UsageError
from .loans import add_loan_arguments, loan_from_args
from .output import Output, add_format_argument

__all__ = ["CHANGES", "DEFAULT_OPTIONS", "add_commands", "options_command", "parse_option"]

#: ``--option`` names of the changes, each the restructure function's name.
CHANGES: Final[dict[str, type[Change]]] = {
    "capitalize_arrears": CapitalizeArrears, "extend_term": ExtendTerm,
    "payment_holiday": PaymentHoliday, "reduce_payment": ReducePayment,
    "reduce_rate": ReduceRate, "change_rate": ChangeRate, "waive_fees": WaiveFees,
    "forgive_principal": ForgivePrincipal, "defer_principal": DeferPrincipal,
    "shift_due_dates": ShiftDueDates,
}

#: The options compared when no ``--option`` is given (the demo's).
DEFAULT_OPTIONS: Final[tuple[str, ...]] = (
    "capitalize_arrears + extend_term(periods=6)",
    "capitalize_arrears + extend_term(periods=12)",
    "capitalize_arrears + payment_holiday(periods=2)",
    "capitalize_arrears + reduce_payment(fraction=0.5, periods=3, shortfall=defer)",
    "capitalize_arrears + waive_fees + extend_term(periods=6)",
)

_CSV: Final = ("option", "first_payment", "max_payment", "average_payment", "payment_relief",
               "installments", "maturity", "months_added", "due_now", "total_to_pay",
               "extra_cost", "annual_rate", "reg_z_apr", "eu_aprc", "lender_npv",
               "npv_change", "payment_to_income", "affordable", "over_caps", "best")
_ITEM = re.compile(r"\s*([a-z_]+)\s*(?:\((.*)\))?\s*", re.DOTALL)
_SEARCH_ONLY: Final = {"first": ("max_deferral",), "best": ("objective",)}


def add_commands(sub: Any) -> None:
    """The ``options`` sub-command."""
    opt = sub.add_parser(
        "options", help="restructuring options compared for a borrower",
        description="Hardship options side by side with 'no change' (the loan on --on, "
        "after its payments): payments, cost, true annual rate, the lender's NPV and "
        "payment-to-income. With a target payment (or an income), the least concession "
        "that meets it is searched (HAMP waterfall; --search best ranks every candidate).")
    add_loan_arguments(opt)
    opt.add_argument("--option", action="append", default=None, metavar="CHANGES",
                     help="an option: changes joined by '+', each a name with optional "
                     "arguments, e.g. 'capitalize_arrears + extend_term(periods=6)' "
                     f"(names: {', '.join(CHANGES)}); repeatable; default: five usual "
                     "options")
    opt.add_argument("--income", default=None,
                     help="the borrower's monthly income (major units)")
    opt.add_argument("--affordability", default=None,
                     help="the payment-to-income limit (default 0.31, HAMP; the "
                     "Chinese limits are 0.50 and 0.55)")
    opt.add_argument("--target-payment", default=None,
                     help="the installment the borrower can pay (default: income × "
                     "affordability, when --income is given)")
    opt.add_argument("--search", choices=("first", "best", "none"), default=None,
                     help="with a target: the least concession (first, default), the best "
                     "of every candidate (best), or no search (none)")
    opt.add_argument("--objective", default=None,
                     help="--search best: borrower_cost (default) or lender_npv")
    opt.add_argument("--discount-rate", default="0.05",
                     help="annual rate of the lender's NPV (default 0.05)")
    opt.add_argument("--lpr", default=None, help="the loan prime rate: adds a 4 × LPR cap")
    opt.add_argument("--cap", action="append", default=None, metavar="NAME=RATE",
                     help="an annual rate cap to check options against (repeatable; "
                     "default: the library's RATE_CAPS)")
    for name, text in (("--default-probability", "probability that 'no change' defaults "
                        "(lender's NPV)"),
                       ("--redefault-probability", "probability that an option defaults"),
                       ("--recovery-rate", "share of the principal a default recovers"),
                       ("--rate-step", "search: rate cut step (default 0.00125)"),
                       ("--rate-floor", "search: lowest annual rate (default 0.02)"),
                       ("--fee-rate-step", "search, flat-fee plans: fee rate step "
                        "(default 0.0005)"),
                       ("--fee-rate-floor", "search, flat-fee plans: lowest fee rate "
                        "(default 0)"),
                       ("--max-extension", "search: most periods added (default 24)"),
                       ("--max-deferral", "--search first: most principal deferred, a "
                        "fraction (default 0.3)")):
        opt.add_argument(name, default=None, help=text)
    add_format_argument(opt)
    opt.set_defaults(run=options_command)


def _value(text: str) -> Any:
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.isdigit():
        return int(text)
    if "|" in text:
        return tuple(part.strip() for part in text.split("|"))
    return text


def parse_option(spec: str) -> list[Change]:
    """The changes of one ``--option``: ``name`` or ``name(key=value, ...)`` joined by
    ``+``; whole numbers become ints, ``true``/``false`` bools, ``a|b`` tuples.

    >>> parse_option("capitalize_arrears + extend_term(periods=6)")
    [CapitalizeArrears(components=('principal', 'interest', 'fee')), \
ExtendTerm(periods=6, maturity=None, annual_rate=None, periodic_rate=None, fee_rate=None)]
    """
    changes: list[Change] = []
    for item in spec.split("+"):
        match = _ITEM.fullmatch(item)
        if match is None or match.group(1) not in CHANGES:
            raise UsageError("--option", f"each change must be one of {', '.join(CHANGES)}, "
                             "optionally with (key=value, ...)", received=item.strip())
        kwargs: dict[str, Any] = {}
        for pair in filter(None, (p.strip() for p in (match.group(2) or "").split(","))):
            key, sep, value = pair.partition("=")
            if not sep:
                raise UsageError("--option", f"arguments of {match.group(1)} must be "
                                 "key=value", received=pair)
            kwargs[key.strip()] = _value(value)
        try:
            changes.append(CHANGES[match.group(1)](**kwargs))
        except TypeError as exc:
            raise UsageError("--option", f"{match.group(1)} has no such argument ({exc})",
                             received=item.strip()) from None
    return changes


def _caps(specs: list[str] | None) -> dict[str, str] | None:
    if specs is None:
        return None
    caps = {}
    for spec in specs:
        name, sep, rate = spec.rpartition("=")
        if not sep or not name.strip():
            raise UsageError("--cap", "must be NAME=RATE, e.g. 'court 24%=0.24'",
                             received=spec)
        caps[name.strip()] = rate.strip()
    return caps


def _target(args: argparse.Namespace, currency_places: Decimal) -> str | None:
    if args.target_payment is not None:
        return str(args.target_payment)
    if args.income is None:
        return None
    from ..rates import parse_rate

    limit = parse_rate(args.affordability or AFFORDABILITY["hamp"], argument="--affordability")
    from ..money import to_decimal

    income = to_decimal(args.income, argument="--income")
    exact = income * Decimal(limit.numerator) / Decimal(limit.denominator)
    return str(exact.quantize(currency_places, rounding=ROUND_DOWN))


def _search_options(args: argparse.Namespace, mode: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for name in ("rate_step", "rate_floor", "fee_rate_step", "fee_rate_floor",
                 "max_extension", "max_deferral", "objective"):
        value = getattr(args, name)
        if value is None:
            continue
        for other, only in _SEARCH_ONLY.items():
            if name in only and mode != other:
                raise UsageError("--" + name.replace("_", "-"), f"applies to --search "
                                 f"{other} only", received=value)
        if name == "max_extension":
            if not str(value).isdigit():
                raise UsageError("--max-extension", "must be a whole number of periods",
                                 received=value)
            value = int(value)
        options[name] = value
    return options


def _check_rate_flags(state: LoanState, options: dict[str, Any]) -> None:
    """The search lowers a flat-fee plan's fee rate and any other plan's annual rate: the
    other pair of flags does not apply."""
    plan = state.schedule.source if state.schedule is not None else None
    if not isinstance(plan, Plan):
        return
    flat = plan.kind is PlanKind.FLAT_FEE
    for name in ("rate_step", "rate_floor") if flat else ("fee_rate_step", "fee_rate_floor"):
        if name in options:
            other = "--fee-rate-step and --fee-rate-floor" if flat else \
                "--rate-step and --rate-floor"
            raise UsageError("--" + name.replace("_", "-"), f"does not apply to "
                             f"{plan.kind.value} plans (the search lowers their "
                             f"{'fee rate' if flat else 'annual rate'}: {other})",
                             received=options[name])


def _rows(table: Comparison) -> list[tuple[Any, ...]]:
    def text(value: Any) -> str:
        return "" if value is None else write_decimal(value) if isinstance(
            value, Decimal) else str(value)

    return [(r.name, str(r.first_payment), str(r.max_payment), str(r.average_payment),
             str(r.payment_relief), r.installments, r.maturity.isoformat(), r.months_added,
             str(r.due_now), str(r.total_to_pay), str(r.extra_cost), text(r.annual_rate),
             text(r.reg_z_apr), text(r.eu_aprc), str(r.lender_npv), str(r.npv_change),
             text(r.payment_to_income), text(r.affordable), ";".join(r.over_caps),
             k == table.best) for k, r in enumerate(table.rows)]


@in_library_context
def options_command(args: argparse.Namespace) -> Output:
    """``options``: the comparison, with the search's option when a target is given."""
    state = loan_from_args(args)
    specs = list(args.option) if args.option is not None else list(DEFAULT_OPTIONS)
    options: list[Restructuring | list[Change]] = [parse_option(s) for s in specs]
    if args.affordability is not None and args.income is None:
        raise UsageError("--affordability", "needs --income (payment-to-income)",
                         received=args.affordability)
    target = _target(args, state.currency.quantum)
    mode = args.search or ("first" if target is not None else "none")
    if mode != "none" and target is None:
        raise UsageError("--search", "needs --target-payment or --income", received=mode)
    if mode == "none" and args.target_payment is not None:
        raise UsageError("--target-payment", "is the search's target; --search none does "
                         "not search", received=args.target_payment)
    search_options = _search_options(args, mode)
    if mode == "none" and search_options:
        flag = "--" + next(iter(search_options)).replace("_", "-")
        raise UsageError(flag, "applies to a search (give --target-payment or --income)")
    _check_rate_flags(state, search_options)
    found: Restructuring | None = None
    search: dict[str, Any] = {"mode": mode, "target_payment": target, "found": None}
    caps = _caps(args.cap)
    if mode == "first":
        result = find_option(state, target_payment=target, **search_options)
        if isinstance(result, Restructuring):
            found = result
        else:
            search["reason"], search["binding"] = result.reason, result.binding
    elif mode == "best":
        ranked = best_option(state, target_payment=target, discount_rate=args.discount_rate,
                             caps=caps, lpr=args.lpr, **search_options)
        found = ranked.best
        if found is None:
            search["reason"] = "no candidate meets the target within the rate caps"
        search["eligible"], search["rejected"] = len(ranked.ranking), len(ranked.rejected)
    if found is not None:
        options.append(found)
        search["found"] = found.name
    npv = {name: getattr(args, name) for name in ("default_probability",
                                                   "redefault_probability", "recovery_rate")
           if getattr(args, name) is not None}
    income_options: dict[str, Any] = {}
    if args.income is not None:
        income_options["monthly_income"] = args.income
        if args.affordability is not None:
            income_options["affordability"] = args.affordability
    table = compare(state, options, discount_rate=args.discount_rate, caps=caps,
                    lpr=args.lpr, **income_options, **npv)
    lines = [repr(state), table.to_text()]
    if mode != "none":
        lines.append(f"Target payment {target}: " + (
            f"met by '{found.name}' ({found.first_payment:,} first)" if found is not None
            else f"no option meets it ({search['reason']})"))
    if table.best is not None:
        best = table.rows[table.best]
        note = "" if best.payment_to_income is None else (
            f", payment-to-income {format_rate(best.payment_to_income, 1)}")
        lines.append(f"Best (*): {best.name}{note}")
    document = {"comparison": table.to_dict(), "search": search}
    output = Output(text="\n\n".join(lines), document=document, header=_CSV,
                    rows=tuple(_rows(table)))
    if mode != "none" and found is None:
        raise DomainError(f"no option meets the target payment {target}: "
                            f"{search['reason']}", output=output)
    return output
