"""Hardship restructuring: rewrites of the remaining plan, run through the same core.

A borrower who can no longer pay asks for help; each option here rewrites the *remaining*
plan from the restructuring date. Whenever the interest-bearing principal or its terms
change, the remaining period program is rebuilt and run through the core kernel
(:func:`bnpl_restructure.core.run_batch`); no option has an amortization loop of its own.
Paid history before the restructuring date is never changed.

Options (each returns a :class:`Restructuring`; :func:`restructure` applies a list of
changes in order, e.g. arrears capitalized plus a rate cut, or a holiday then an
extension):

- :func:`extend_term` (展期): more periods or a later maturity; same or new rate; the
  installment recomputed in the plan's own method (level payment, equal principal, or
  a flat fee on the outstanding principal for the new term).
- :func:`reduce_payment`: a lower payment for some periods (or for good, the number of
  periods solved); the shortfall capitalized, deferred (non-interest-bearing) or waived.
- :func:`payment_holiday` (宽限期): periods with nothing due or interest only; the
  holiday's interest capitalized, accrued and collected later, or waived; the plan then
  shifted or re-amortized within the original maturity.
- :func:`reduce_rate`, :func:`waive_fees`, :func:`forgive_principal`,
  :func:`capitalize_arrears`, :func:`defer_principal`: relief.

:func:`compare` puts options side by side with "no change".

Examples
--------
>>> from bnpl_restructure import Plan
>>> from bnpl_restructure.servicing import loan_state
>>> schedule = Plan.flat_fee("6000.00", fee_rate="0.006", installments=12,
...                          start="2026-01-15").schedule()
>>> state = loan_state(schedule, [("2026-02-15", "536.00")], as_of="2026-04-20")
>>> state.days_past_due
36

Installments 2 and 3 are overdue (1,000.00 principal and 72.00 fees); nine remain
(4,500.00). Capitalizing the arrears gives 5,572.00 of principal; six more periods make 15
installments of 5,572.00 / 15 = 371.46 principal (the last 371.56) plus a flat fee of
5,572.00 × 0.6% = 33.43:

>>> option = restructure(state, [CapitalizeArrears(), ExtendTerm(periods=6)])
>>> option.schedule[0].payment, len(option.schedule)
(Decimal('404.89'), 15)
"""

from __future__ import annotations

import enum
import html
import inspect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from ._context import in_library_context, make_context
from .apr import cn_annualized_rate, format_rate
from .calendar import Frequency, parse_date
from .core import PaymentRule, Period, Program, UnpaidInterest, level_payment, run_batch
from .errors import (
    BnplError,
    InvalidArgumentError,
    InvalidDocumentError,
    RestructureNotAllowedError,
    parse_enum,
)
from .money import Currency, format_money, parse_money
from .persistence import (
    build,
    check_keys,
    envelope,
    open_envelope,
    path,
    read_bool,
    read_currency,
    read_date,
    read_decimal,
    read_fraction,
    read_int,
    read_list,
    read_mapping,
    read_money,
    read_optional,
    read_str,
    read_value,
    write_currency,
    write_fraction,
    write_money,
)
from .rates import parse_rate
from .rounding import RoundingMode, RoundingPolicy, round_ratio
from .schedule import Schedule
from .servicing import LoanState, ServicingTerms, loan_state

__all__ = [
    "CapitalizeArrears",
    "Change",
    "Comparison",
    "ComparisonRow",
    "DeferPrincipal",
    "ExtendTerm",
    "ForgivePrincipal",
    "HolidayInterest",
    "NoFeasibleOption",
    "PaymentHoliday",
    "Position",
    "ReAge",
    "ReAgeInterest",
    "ReAgePolicy",
    "ReducePayment",
    "ReduceRate",
    "Restructuring",
    "Shortfall",
    "WaiveFees",
    "capitalize_arrears",
    "compare",
    "defer_principal",
    "extend_term",
    "find_option",
    "forgive_principal",
    "payment_holiday",
    "position",
    "re_age",
    "reduce_payment",
    "reduce_rate",
    "restructure",
    "waive_fees",
]

ARREARS = ("principal", "interest", "fee", "penalty", "late_fee")


# ------------------------------------------------------------------------ position


@dataclass(frozen=True, slots=True, kw_only=True)
class Position:
    """Where the loan stands on the restructuring date (money in minor units).

    ``principal``: principal of installments not yet due (it bears the plan's interest);
    ``arrears``: overdue unpaid amounts by component; ``remaining``: the rows still to
    come; ``original``: the schedule the loan was serviced on; ``opened``: the loan's
    start; ``history``: dates of earlier restructurings.
    """

    as_of: date
    opened: date
    original: Schedule
    remaining: Schedule
    principal: int
    arrears: dict[str, int]
    history: tuple[date, ...] = ()
    state: LoanState | None = field(default=None, compare=False)

    @property
    def currency(self) -> Currency:
        """The loan's currency."""
        return self.remaining.currency

    @property
    def overdue(self) -> int:
        """All arrears, minor units."""
        return sum(self.arrears.values())

    @property
    def outstanding(self) -> int:
        """Principal still owed (overdue and not yet due), minor units."""
        return self.principal + self.arrears["principal"]

    def __repr__(self) -> str:
        cur = self.currency
        return (f"<Position {self.as_of.isoformat()} {cur.code}: principal "
                f"{format_money(self.outstanding, cur)} outstanding, arrears "
                f"{format_money(self.overdue, cur)}, {len(self.remaining)} installments "
                "to come>")


def position(loan: Schedule | LoanState | Position, payments: Iterable[Any] = (), *,
             as_of: Any = None, terms: ServicingTerms | None = None,
             history: Iterable[Any] = ()) -> Position:
    """The restructuring position: from a :class:`~bnpl_restructure.servicing.LoanState`,
    or from a schedule, its payments and a date (replayed with ``terms``).

    Raises
    ------
    RestructureNotAllowedError
        The loan is paid off, or no installment is due after the date (restructuring
        after the final due date needs a new plan, not a rewrite of the remaining one).

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1200", fee_rate="0.005", installments=12,
    ...                   start="2026-01-10").schedule()
    >>> position(s, as_of="2026-04-20")
    <Position 2026-04-20 CNY: principal 1,200.00 outstanding, arrears 318.00, 9 ...>
    """
    past = tuple(parse_date(d, argument="history") for d in history)
    if isinstance(loan, Position):
        return replace(loan, history=loan.history + past) if past else loan
    if isinstance(loan, LoanState):
        state = loan
    elif isinstance(loan, Schedule):
        if as_of is None:
            raise InvalidArgumentError("as_of", "is required with a schedule")
        state = loan_state(loan, payments, as_of=as_of, terms=terms)
    else:
        raise InvalidArgumentError("position", "must be a LoanState, a Schedule or a "
                                   "Position", received=loan)
    if state.is_settled:
        raise RestructureNotAllowedError("the loan is paid off: nothing to restructure")
    if state.remaining is None or state.remaining.program is None:
        raise RestructureNotAllowedError(
            f"no installment falls due after {state.as_of.isoformat()}: restructuring "
            "after the final due date needs a new plan (Plan.from_rows), not a rewrite "
            "of the remaining one")
    cur = state.currency
    arrears = {
        # everything charged and unpaid, an installment due today included
        "principal": cur.to_minor(state.outstanding_principal) - state.remaining.principal,
        "interest": cur.to_minor(state.unpaid_interest),
        "fee": cur.to_minor(state.unpaid_fees),
        "penalty": cur.to_minor(state.unpaid_penalty),
        "late_fee": cur.to_minor(state.unpaid_late_fees),
    }
    original = state.schedule if state.schedule is not None else state.remaining
    return Position(as_of=state.as_of, opened=state.opened, original=original,
                    remaining=state.remaining,
                    principal=state.remaining.principal, arrears=arrears, history=past,
                    state=state)


# ------------------------------------------------------------------------ the draft


@dataclass(frozen=True, slots=True, kw_only=True)
class _Special:
    """A period with its own rule (holiday, reduced payment)."""

    rule: PaymentRule
    amount: int
    unpaid: UnpaidInterest
    total: int | None = None  # a reduced payment: the whole payment, fee included


@dataclass(frozen=True, slots=True, kw_only=True)
class _Draft:
    """The remaining plan under construction (minor units)."""

    as_of: date
    method: str                      # "level", "split" or "flat"
    principal: int                   # interest-bearing
    dues: tuple[date, ...]
    factors: tuple[Fraction, ...]
    fees: tuple[int, ...]
    special: tuple[_Special | None, ...]
    reamortize: bool = False         # terms changed: rebuild and run through the core
    shortfall: tuple[tuple[int, int], ...] = ()  # (period, reduced payment) defer/waive
    shortfall_mode: str = ""         # "defer" or "waive"
    shortfall_spread: bool = False
    deferred: int = 0                # non-interest-bearing balance moved at as_of
    first_interest: int = 0          # overdue interest placed on the first installment
    first_fee: int = 0               # overdue fees and charges placed on it
    fee_rate: Fraction | None = None  # a flat plan's fee rate, once re-priced
    arrears: dict[str, int] = field(default_factory=dict)
    capitalized: dict[str, int] = field(default_factory=dict)
    waived: dict[str, int] = field(default_factory=dict)
    forgiven: int = 0


def _plus(book: dict[str, int], component: str, amount: int) -> dict[str, int]:
    out = dict(book)
    out[component] = out.get(component, 0) + amount
    return {k: v for k, v in out.items() if v}


def _periods(pos: Position) -> tuple[Period, ...]:
    remaining = pos.remaining
    assert remaining.program is not None
    index = {p.due: p for p in remaining.program.periods}
    return tuple(index[d] for d in remaining.due_dates)


def _method(pos: Position) -> str:
    periods = _periods(pos)
    rules = {p.rule for p in periods[:-1]}
    if rules and rules <= {PaymentRule.INTEREST_ONLY}:
        return "interest_only"
    if rules <= {PaymentRule.AMOUNT}:
        return "level"
    if all(p.factor == 0 for p in periods) and len(set(pos.remaining.fee)) == 1 and \
            pos.remaining.fee[0] > 0:
        return "flat"
    return "split"


def _start(pos: Position) -> _Draft:
    periods = _periods(pos)
    return _Draft(as_of=pos.as_of, method=_method(pos), principal=pos.principal,
                  dues=pos.remaining.due_dates, factors=tuple(p.factor for p in periods),
                  fees=pos.remaining.fee, special=(None,) * len(periods),
                  arrears={k: v for k, v in pos.arrears.items() if v})


def _original_fee_rate(pos: Position) -> Fraction:
    """A flat-fee plan's fee rate a period: its fee over the amount it financed."""
    return Fraction(pos.original.fee[0], pos.original.principal)


def _more_dues(pos: Position, after: date, count: int) -> tuple[date, ...]:
    """``count`` due dates after ``after``, on the plan's own calendar (anchored on its
    start or its first due date, never on a clipped date)."""
    freq = pos.remaining.frequency or Frequency.MONTHLY
    dues = list(pos.original.due_dates)
    if all(freq.advance(pos.opened, k + 1) == d for k, d in enumerate(dues)):
        anchor, offset = pos.opened, 1
    else:
        anchor, offset = dues[0], 0
    out: list[date] = []
    k = len(dues) + offset
    while len(out) < count:
        day = freq.advance(anchor, k)
        if day > after:
            out.append(day)
        k += 1
    return tuple(out)


# ------------------------------------------------------------------------- changes


class Shortfall(enum.Enum):
    """The part of the normal payment a reduced payment does not pay: ``CAPITALIZE``
    (stays principal, earns interest), ``DEFER`` (moved to a non-interest-bearing
    balance, repaid at the end or spread), ``WAIVE`` (forgiven)."""

    CAPITALIZE = "capitalize"
    DEFER = "defer"
    WAIVE = "waive"


class HolidayInterest(enum.Enum):
    """Interest during a payment holiday: ``CAPITALIZE`` (added to principal), ``ACCRUE``
    (kept without interest and collected first by later payments), ``WAIVE``."""

    CAPITALIZE = "capitalize"
    ACCRUE = "accrue"
    WAIVE = "waive"


_UNPAID = {HolidayInterest.CAPITALIZE: UnpaidInterest.CAPITALIZE,
           HolidayInterest.ACCRUE: UnpaidInterest.CARRY,
           HolidayInterest.WAIVE: UnpaidInterest.WAIVE}


class Change:
    """Base of the typed changes; ``apply`` rewrites a draft."""

    kind = "change"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:  # pragma: no cover
        raise NotImplementedError

    def describe(self) -> str:
        """A short description for tables."""
        return self.kind.replace("_", " ")


def _count(value: Any, argument: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidArgumentError(argument, f"must be an integer >= {minimum}",
                                   received=value)
    return value


def _new_rate(pos: Position, annual_rate: Any, periodic_rate: Any) -> Fraction | None:
    if annual_rate is not None and periodic_rate is not None:
        raise InvalidArgumentError("periodic_rate", "give annual_rate or periodic_rate, "
                                   "not both", received=periodic_rate)
    if periodic_rate is not None:
        return parse_rate(periodic_rate, argument="periodic_rate", plain_limit=Fraction(1, 10))
    if annual_rate is not None:
        freq = pos.remaining.frequency or Frequency.MONTHLY
        return parse_rate(annual_rate, argument="annual_rate") / freq.periods_per_year
    return None


def _scaled(factors: Sequence[Fraction], new: Fraction, regular: Fraction) -> list[Fraction]:
    """Factors at a new periodic rate: scaled by new/old (day counts and odd periods
    keep their shape), or the new rate itself where the old was zero."""
    if regular == 0:
        return [new] * len(factors)
    return [f * new / regular for f in factors]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtendTerm(Change):
    """Term extension (展期): ``periods`` more installments, or a new ``maturity``; the
    rate unchanged or new; the installment recomputed in the plan's own method (a flat
    fee on the outstanding principal at ``fee_rate`` a period, by default the plan's)."""

    periods: int | None = None
    maturity: date | str | None = None
    annual_rate: Any = None
    periodic_rate: Any = None
    fee_rate: Any = None
    kind = "extend_term"

    def describe(self) -> str:
        """E.g. ``extend +6``."""
        what = f"+{self.periods}" if self.periods is not None else f"to {self.maturity}"
        if self.fee_rate is not None:
            fee = parse_rate(self.fee_rate, argument="fee_rate")
            return f"extend {what} at fee {format_rate(fee, 3)}"
        rate = self.annual_rate if self.annual_rate is not None else self.periodic_rate
        if rate is None:
            return f"extend {what}"
        return f"extend {what} at {format_rate(parse_rate(rate, argument='annual_rate'), 3)}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        if (self.periods is None) == (self.maturity is None):
            raise InvalidArgumentError("periods", "give either periods (more installments) "
                                       "or maturity (a new last due date)",
                                       received=(self.periods, self.maturity))
        if self.periods is not None:
            extra = _more_dues(pos, draft.dues[-1], _count(self.periods, "periods"))
        else:
            assert self.maturity is not None
            until = parse_date(self.maturity, argument="maturity")
            if until <= draft.dues[-1]:
                raise InvalidArgumentError("maturity", "must be after the current maturity "
                                           f"({draft.dues[-1].isoformat()})",
                                           received=until.isoformat())
            extra = tuple(d for d in _more_dues(pos, draft.dues[-1], 600) if d <= until)
            if not extra:
                raise InvalidArgumentError("maturity", "adds no due date",
                                           received=until.isoformat())
        factors = list(draft.factors) + [draft.factors[-1]] * len(extra)
        if draft.method == "flat" and (self.annual_rate or self.periodic_rate) is not None:
            raise InvalidArgumentError("annual_rate", "a flat-fee plan's cost is its fee: "
                                       "give fee_rate", received=self.annual_rate)
        rate = _new_rate(pos, self.annual_rate, self.periodic_rate)
        if rate is not None:
            regular = max(draft.factors, key=draft.factors.count)
            factors = _scaled(factors, rate, regular)
        fees = list(draft.fees) + [draft.fees[-1] if draft.method != "flat" else 0] * len(extra)
        if (draft.method == "flat" and any(draft.fees)) or self.fee_rate is not None:
            # a flat fee on the outstanding principal for the new term (fees waived
            # before stay waived)
            fee_rate = (draft.fee_rate or _original_fee_rate(pos)) if self.fee_rate is None \
                else parse_rate(self.fee_rate, argument="fee_rate")
            each = draft.principal * fee_rate
            fee = round_ratio(each.numerator, each.denominator, RoundingMode.HALF_UP)
            # re-price the regular installments (and the new ones); holidays and rows
            # whose fee was cut keep theirs
            usual = max((f for f in draft.fees if f), key=draft.fees.count, default=0)
            fees = [fee if f == usual else f for f in draft.fees] + [fee] * len(extra)
            draft = replace(draft, fee_rate=fee_rate)
        return replace(draft, dues=draft.dues + extra, factors=tuple(factors),
                       fees=tuple(fees), special=draft.special + (None,) * len(extra),
                       reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReducePayment(Change):
    """A lower payment (``amount`` in major units, or ``fraction`` of the current one)
    for ``periods`` installments, then back to the normal payment (re-amortized when the
    shortfall was capitalized); ``periods=None`` makes it permanent, with the number of
    installments solved. ``shortfall``: capitalize, defer (repaid at the end, or spread
    over the installments after the reduced ones with ``spread=True``) or waive."""

    amount: Any = None
    fraction: Any = None
    periods: int | None = None
    shortfall: Shortfall | str = Shortfall.CAPITALIZE
    spread: bool = False
    kind = "reduce_payment"

    def describe(self) -> str:
        """E.g. ``pay 50% ×3 (defer)``."""
        if self.amount is not None:
            how = str(self.amount)
        else:  # any form parse_rate reads: 0.5, "50%", Fraction(1, 2)
            percent = parse_rate(self.fraction, argument="fraction") * 100
            how = f"{percent.numerator // percent.denominator}%" if (
                percent.denominator == 1) else f"{float(percent):.4g}%"
        span = "for good" if self.periods is None else f"×{self.periods}"
        mode = parse_enum(Shortfall, self.shortfall, argument="shortfall").value
        return f"pay {how} {span} ({mode})"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        mode = parse_enum(Shortfall, self.shortfall, argument="shortfall")
        current, _ = _compile(pos, replace(draft, arrears={}))
        regular = [k for k, spec in enumerate(draft.special) if spec is None
                   and all(k != j for j, _ in draft.shortfall)]
        normal = current.payment[regular[0] if regular else 0]  # the plan as changed so far
        if (self.amount is None) == (self.fraction is None):
            raise InvalidArgumentError("amount", "give either amount or fraction",
                                       received=(self.amount, self.fraction))
        if self.amount is not None:
            reduced = parse_money(self.amount, pos.currency, argument="amount")
        else:
            share = parse_rate(self.fraction, argument="fraction")
            cut = share * normal
            reduced = round_ratio(cut.numerator, cut.denominator, RoundingMode.HALF_UP)
        if reduced >= normal:
            raise InvalidArgumentError("amount", "must be less than the current payment "
                                       f"({format_money(normal, pos.currency)})",
                                       received=format_money(reduced, pos.currency))
        n = len(draft.dues)
        if self.periods is None:
            return _permanent(pos, draft, reduced, mode)
        count = _count(self.periods, "periods")
        if count >= n:
            raise RestructureNotAllowedError(
                f"a reduced payment for {count} periods leaves no regular installment of "
                f"the {n} remaining: make it permanent (periods=None) or extend the term")
        if mode is Shortfall.CAPITALIZE:
            special = list(draft.special)
            for k in range(count):
                fee = draft.fees[k]
                if reduced < fee:
                    raise RestructureNotAllowedError(
                        f"the reduced payment {format_money(reduced, pos.currency)} does "
                        f"not cover the fee due ({format_money(fee, pos.currency)})")
                special[k] = _Special(rule=PaymentRule.AMOUNT, amount=reduced - fee,
                                      unpaid=UnpaidInterest.CAPITALIZE, total=reduced)
            return replace(draft, special=tuple(special), reamortize=True)
        return replace(draft, shortfall=tuple((k, reduced) for k in range(count)),
                       shortfall_mode=mode.value, shortfall_spread=self.spread)


def _permanent(pos: Position, draft: _Draft, reduced: int, mode: Shortfall) -> _Draft:
    """A permanent lower payment: the number of installments solved through the core."""
    if mode is not Shortfall.CAPITALIZE:
        raise InvalidArgumentError("shortfall", "a permanent reduced payment keeps all the "
                                   "principal interest-bearing: use 'capitalize'",
                                   received=mode.value)
    fee = draft.fees[-1]  # the regular fee (the first rows may be holidays or cuts)
    net = reduced - fee
    interest = draft.principal * draft.factors[0]
    if net <= 0 or net <= interest:
        raise RestructureNotAllowedError(
            f"the reduced payment {format_money(reduced, pos.currency)} does not cover the "
            f"interest and fee due each period: the balance would never be repaid")
    more = _more_dues(pos, draft.dues[-1], 1200)
    dues = draft.dues + more
    factors = list(draft.factors) + [draft.factors[-1]] * len(more)
    fees = [fee] * len(dues)
    trial = Program(principal=draft.principal, periods=tuple(
        Period(due=d, factor=f, rule=PaymentRule.AMOUNT, amount=net, fee=fee)
        for d, f in zip(dues, factors, strict=True)))
    cols = run_batch([trial]).loan(0)
    paid_off = next((k for k, b in enumerate(cols.balance) if b == 0), None)
    if paid_off is None:
        raise RestructureNotAllowedError("the reduced payment does not repay the loan within "
                                         "100 years")
    n = paid_off + 1
    special = [_Special(rule=PaymentRule.AMOUNT, amount=net,
                        unpaid=UnpaidInterest.CAPITALIZE)] * (n - 1) + [None]
    return replace(draft, dues=dues[:n], factors=tuple(factors[:n]), fees=tuple(fees[:n]),
                   special=tuple(special), reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentHoliday(Change):
    """A payment holiday (宽限期): ``periods`` installments with nothing due
    (``interest_only=False``) or interest only; the holiday's interest capitalized,
    accrued (collected first by later payments, without interest) or waived; then the
    plan ``shift``-ed by the holiday (maturity moves) or re-amortized within the
    original maturity (``shift=False``). At most ``max_periods`` (default 6)."""

    periods: int = 1
    interest_only: bool = False
    interest: HolidayInterest | str = HolidayInterest.CAPITALIZE
    shift: bool = True
    max_periods: int = 6
    kind = "payment_holiday"

    def describe(self) -> str:
        """E.g. ``holiday 2 (capitalize, shift)``."""
        how = parse_enum(HolidayInterest, self.interest, argument="interest").value
        kind = "interest-only" if self.interest_only else "holiday"
        return f"{kind} {self.periods} ({how}, {'shift' if self.shift else 'reamortize'})"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        count = _count(self.periods, "periods")
        if count > self.max_periods:
            raise RestructureNotAllowedError(
                f"periods: a payment holiday of {count} periods is longer than the "
                f"{self.max_periods} allowed (the lender's max_periods)")
        how = parse_enum(HolidayInterest, self.interest, argument="interest")
        rule = PaymentRule.INTEREST_ONLY if self.interest_only else PaymentRule.NOTHING
        holiday = _Special(rule=rule, amount=0, unpaid=_UNPAID[how])
        n = len(draft.dues)
        if any(k < count for k, _ in draft.shortfall) and not self.shift:
            raise RestructureNotAllowedError("a holiday cannot fall on periods whose payment "
                                             "was reduced: put the holiday first")
        if self.shift:
            draft = replace(draft, shortfall=tuple((k + count, r) for k, r in draft.shortfall),
                            first_interest=draft.first_interest,
                            first_fee=draft.first_fee)
            extra = _more_dues(pos, draft.dues[-1], count)
            dues = draft.dues + extra
            factors = draft.factors + (draft.factors[-1],) * count
            fees = (0,) * count + draft.fees  # fees move with their installments
            special = (holiday,) * count + draft.special
        else:
            if count >= n:
                raise RestructureNotAllowedError(
                    f"a {count}-period holiday leaves no installment of the {n} remaining "
                    "to repay within the original maturity: shift the plan instead")
            dues, factors = draft.dues, draft.factors
            waived = sum(draft.fees[:count])
            fees = (0,) * count + draft.fees[count:]
            special = (holiday,) * count + draft.special[count:]
            draft = replace(draft, waived=_plus(draft.waived, "fee", waived))
        return replace(draft, dues=dues, factors=factors, fees=fees, special=special,
                       reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReduceRate(Change):
    """A lower rate (``annual_rate`` nominal, or ``periodic_rate``) for ``periods``
    installments or for good (``None``); for a flat-fee plan, a lower ``fee_rate`` (a
    period, on the outstanding principal)."""

    annual_rate: Any = None
    periodic_rate: Any = None
    fee_rate: Any = None
    periods: int | None = None
    kind = "reduce_rate"

    def describe(self) -> str:
        """E.g. ``rate 8%/yr`` or ``fee 0.3%/period``."""
        span = "" if self.periods is None else f" ×{self.periods}"
        def percent(value: Any, argument: str, places: int) -> str:
            text = format_rate(parse_rate(value, argument=argument), places).rstrip("%")
            return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"

        if self.fee_rate is not None:
            return f"fee {percent(self.fee_rate, 'fee_rate', 3)}/period{span}"
        if self.annual_rate is not None:
            return f"rate {percent(self.annual_rate, 'annual_rate', 3)}/yr{span}"
        return f"rate {percent(self.periodic_rate, 'periodic_rate', 4)}/period{span}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        n = len(draft.dues)
        count = n if self.periods is None else min(_count(self.periods, "periods"), n)
        if draft.method == "flat":
            if self.fee_rate is None:
                raise InvalidArgumentError("fee_rate", "a flat-fee plan's cost is its fee: "
                                           "give the new fee_rate", received=None)
            fee_rate = parse_rate(self.fee_rate, argument="fee_rate")
            each = draft.principal * fee_rate
            fee = round_ratio(each.numerator, each.denominator, RoundingMode.HALF_UP)
            if any(fee > f for f in draft.fees[:count] if f):
                raise InvalidArgumentError("fee_rate", "must not raise the fee (now "
                                           f"{format_money(max(draft.fees), pos.currency)} a "
                                           "period)", received=str(self.fee_rate))
            fees = tuple(fee if k < count and f else f for k, f in enumerate(draft.fees))
            return replace(draft, fees=fees, fee_rate=fee_rate if count == n else
                           draft.fee_rate, reamortize=True)
        rate = _new_rate(pos, self.annual_rate, self.periodic_rate)
        if rate is None:
            raise InvalidArgumentError("annual_rate", "give the new annual_rate or "
                                       "periodic_rate", received=None)
        regular = max(draft.factors, key=draft.factors.count)
        if rate > regular:
            raise InvalidArgumentError("annual_rate", "must not be above the current rate",
                                       received=str(self.annual_rate or self.periodic_rate))
        scaled = _scaled(draft.factors, rate, regular)
        factors = tuple(scaled[k] if k < count else f for k, f in enumerate(draft.factors))
        return replace(draft, factors=factors, reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class WaiveFees(Change):
    """Waive fees: the remaining plan's ``future`` fees, and overdue ``fees``,
    ``penalties`` and ``late_fees`` (each True by default)."""

    future: bool = True
    fees: bool = True
    penalties: bool = True
    late_fees: bool = True
    kind = "waive_fees"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        waived, arrears = dict(draft.waived), dict(draft.arrears)
        for flag, component in ((self.fees, "fee"), (self.penalties, "penalty"),
                                (self.late_fees, "late_fee")):
            if flag and arrears.get(component):
                waived = _plus(waived, component, arrears.pop(component))
        fees = draft.fees
        if self.future:
            waived = _plus(waived, "fee", sum(fees))
            fees = (0,) * len(fees)
        return replace(draft, fees=fees, waived=waived, arrears=arrears)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgivePrincipal(Change):
    """Forgive part of the principal not yet due: ``amount`` (major units) or
    ``fraction``; the rest is re-amortized over the same installments."""

    amount: Any = None
    fraction: Any = None
    kind = "forgive_principal"

    def describe(self) -> str:
        """E.g. ``forgive 500``."""
        return f"forgive {self.amount if self.amount is not None else self.fraction}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        if (self.amount is None) == (self.fraction is None):
            raise InvalidArgumentError("amount", "give amount or fraction (not both)",
                                       received=(self.amount, self.fraction))
        if self.amount is not None:
            cut = parse_money(self.amount, pos.currency, argument="amount")
        else:
            share = parse_rate(self.fraction, argument="fraction") * draft.principal
            cut = round_ratio(share.numerator, share.denominator, RoundingMode.DOWN)
        if cut > draft.principal:
            raise InvalidArgumentError("amount", "must not exceed the principal not yet due "
                                       f"({format_money(draft.principal, pos.currency)})",
                                       received=format_money(cut, pos.currency))
        return replace(draft, principal=draft.principal - cut, forgiven=draft.forgiven + cut,
                       reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class CapitalizeArrears(Change):
    """Bring the account current by moving overdue amounts into the new plan's principal
    (re-amortized). ``components`` default to principal, interest and fees; penalty and
    late fees stay due (HAMP does not allow capitalizing late fees) unless listed."""

    components: tuple[str, ...] = ("principal", "interest", "fee")
    kind = "capitalize_arrears"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        unknown = set(self.components) - set(ARREARS)
        if unknown:
            raise InvalidArgumentError("components", f"must be among {ARREARS}",
                                       received=sorted(unknown))
        arrears, capitalized, principal = dict(draft.arrears), dict(draft.capitalized), \
            draft.principal
        for component in self.components:
            amount = arrears.pop(component, 0)
            if amount:
                capitalized = _plus(capitalized, component, amount)
                principal += amount
        return replace(draft, principal=principal, arrears=arrears, capitalized=capitalized,
                       reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferPrincipal(Change):
    """Principal forbearance: move ``amount`` (major units) of the interest-bearing
    principal to a non-interest-bearing balance repaid with the last installment."""

    amount: Any
    kind = "defer_principal"

    def describe(self) -> str:
        """E.g. ``defer 1000``."""
        return f"defer {self.amount}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        cut = parse_money(self.amount, pos.currency, argument="amount")
        if cut >= draft.principal:
            raise InvalidArgumentError("amount", "must be less than the interest-bearing "
                                       f"principal ({format_money(draft.principal, pos.currency)})",
                                       received=format_money(cut, pos.currency))
        return replace(draft, principal=draft.principal - cut, deferred=draft.deferred + cut,
                       reamortize=True)


# ---------------------------------------------------------------- compile and run


def _compile(pos: Position, draft: _Draft) -> tuple[Schedule, int]:
    """The new schedule of a draft (the interest-bearing program through the core, then
    the non-interest-bearing amounts and the arrears still due), and the shortfall
    deferred."""
    n = len(draft.dues)
    if draft.reamortize:
        rows = _run(pos, draft)
    else:  # the plan's own rows (reproduced exactly), fees as edited
        r = pos.remaining
        rows = {"payment": [p - f + g for p, f, g in zip(r.payment, r.fee, draft.fees,
                                                          strict=True)],
                "principal": list(r.principal_paid), "interest": list(r.interest),
                "fee": list(draft.fees), "balance": list(r.balance),
                "capitalized": [0] * n, "waived": [0] * n, "forgiven": [0] * n}
    if draft.reamortize:  # interest paid early on the first row is not charged twice
        rest = pos.remaining
        scheduled = dict(zip(pos.original.due_dates, pos.original.interest, strict=True))
        early = scheduled.get(rest.due_dates[0], 0) - rest.interest[0]
        if early > 0:
            credit = min(early, rows["interest"][0])
            rows["interest"][0] -= credit
            rows["payment"][0] -= credit
    if draft.first_interest or draft.first_fee:  # a re-age: overdue interest and charges
        rows["interest"][0] += draft.first_interest  # on the first installment
        rows["fee"][0] += draft.first_fee
        rows["payment"][0] += draft.first_interest + draft.first_fee
    # reduced payments whose shortfall is deferred or waived: the interest-bearing part
    # follows the normal path, the borrower pays less
    shortfall = 0
    deferred_by_row = [0] * n
    last_reduced = max((k for k, _ in draft.shortfall), default=-1)
    for k, reduced in draft.shortfall:
        floor = rows["interest"][k] + rows["fee"][k]
        if reduced < floor:
            raise RestructureNotAllowedError(
                f"amount: the reduced payment {format_money(reduced, pos.currency)} does not "
                f"cover the interest and fee due ({format_money(floor, pos.currency)}); pay at "
                "least that, or capitalize the shortfall (shortfall='capitalize')")
        cut = max(rows["payment"][k] - reduced, 0)
        rows["payment"][k] -= cut
        rows["principal"][k] -= cut
        shortfall += cut
        if draft.shortfall_mode == "waive":
            rows["forgiven"][k] += cut
        else:
            deferred_by_row[k] += cut
    # non-interest-bearing balances: principal deferred at as_of and deferred shortfall
    to_repay = draft.deferred + (shortfall if draft.shortfall_mode == "defer" else 0)
    if to_repay:
        after = [k for k in range(n) if k > last_reduced]
        if draft.shortfall_spread and after:
            repay = dict(zip(after, RoundingPolicy().split(to_repay, len(after)),
                             strict=True))
        else:
            repay = {n - 1: to_repay}
        owed = draft.deferred
        for k in range(n):
            owed += deferred_by_row[k] - repay.get(k, 0)
            rows["payment"][k] += repay.get(k, 0)
            rows["principal"][k] += repay.get(k, 0)
            rows["balance"][k] += owed
    opening = draft.principal + draft.deferred
    dues = list(draft.dues)
    arrears = draft.arrears
    if any(arrears.values()):  # arrears not folded into the plan stay due now
        if dues[0] == draft.as_of:
            raise RestructureNotAllowedError(
                "an installment falls due on the restructuring date: restructure the day "
                "after it")
        charges = arrears.get("fee", 0) + arrears.get("penalty", 0) + arrears.get(
            "late_fee", 0)
        first = (arrears.get("principal", 0), arrears.get("interest", 0), charges)
        opening += first[0]
        dues.insert(0, draft.as_of)
        rows["payment"].insert(0, sum(first))
        rows["principal"].insert(0, first[0])
        rows["interest"].insert(0, first[1])
        rows["fee"].insert(0, first[2])
        rows["balance"].insert(0, opening - first[0])
        for name in ("capitalized", "waived", "forgiven"):
            rows[name].insert(0, 0)
    deferred_shortfall = shortfall if draft.shortfall_mode == "defer" else 0
    due_now_row = len(dues) > n
    first_number = pos.remaining.first_number - (1 if due_now_row else 0)
    return Schedule(currency=pos.currency, start=draft.as_of, principal=opening,
                    due_dates=tuple(dues), payment=tuple(rows["payment"]),
                    principal_paid=tuple(rows["principal"]), interest=tuple(rows["interest"]),
                    fee=tuple(rows["fee"]), balance=tuple(rows["balance"]),
                    capitalized=tuple(rows["capitalized"]), waived=tuple(rows["waived"]),
                    forgiven=tuple(rows["forgiven"]), first_number=max(first_number, 1),
                    source=_program_for(pos, draft, dues, rows, opening),
                    frequency=pos.remaining.frequency), deferred_shortfall


def _program_for(pos: Position, draft: _Draft, dues: list[date],
                 rows: dict[str, list[int]], opening: int) -> Program:
    """A period program for the new schedule, so that servicing (prepayments) and a later
    restructuring can read it: the draft's factors and the rows' amounts, in the plan's
    method (a row due on the restructuring date carries no interest)."""
    assert pos.remaining.program is not None
    offset = len(dues) - len(draft.dues)
    periods = []
    for k, due in enumerate(dues):
        j = k - offset
        factor = draft.factors[j] if j >= 0 else Fraction(0)
        if k == len(dues) - 1:
            rule, amount = PaymentRule.PAYOFF, 0
        elif j >= 0 and draft.method == "level":
            rule, amount = PaymentRule.AMOUNT, rows["payment"][k] - rows["fee"][k]
        elif j >= 0 and draft.method == "interest_only" and not rows["principal"][k]:
            rule, amount = PaymentRule.INTEREST_ONLY, 0
        else:
            rule, amount = PaymentRule.PRINCIPAL, rows["principal"][k]
        periods.append(Period(due=due, factor=factor, rule=rule, amount=max(amount, 0),
                              fee=rows["fee"][k]))
    return Program(principal=opening, periods=tuple(periods),
                   interest_rounding=pos.remaining.program.interest_rounding)


def _run(pos: Position, draft: _Draft) -> dict[str, list[int]]:
    """Rebuild the interest-bearing program (special periods first, then the rest
    re-amortized in the plan's method) and run it through the core."""
    program = pos.remaining.program
    assert program is not None
    mode = program.interest_rounding
    n = len(draft.dues)
    specials = [k for k in range(n) if draft.special[k] is not None]
    if specials != list(range(len(specials))):
        raise RestructureNotAllowedError("special periods (holidays, reduced payments) must "
                                         "come first in the new plan")
    first_normal = len(specials)
    if first_normal >= n:
        raise RestructureNotAllowedError("the new plan has no regular installment left to "
                                         "repay the principal")
    periods: list[Period] = []
    for k in range(first_normal):
        spec = draft.special[k]
        assert spec is not None
        amount = spec.amount if spec.total is None else spec.total - draft.fees[k]
        if amount < 0:
            raise RestructureNotAllowedError(
                f"the reduced payment {format_money(spec.total or 0, pos.currency)} does "
                f"not cover the fee due ({format_money(draft.fees[k], pos.currency)})")
        periods.append(Period(due=draft.dues[k], factor=draft.factors[k], rule=spec.rule,
                              amount=amount, fee=draft.fees[k], unpaid=spec.unpaid))
    opening, carried = draft.principal, 0
    if periods:  # the balance the regular installments start from, through the core
        cols = run_batch([Program(principal=draft.principal, periods=tuple(periods),
                                  interest_rounding=mode)]).loan(0)
        opening, carried = cols.balance[-1], cols.arrears[-1]
    factors = list(draft.factors[first_normal:])
    if draft.method == "level":
        pay = level_payment(opening + carried, factors, mode=RoundingMode.HALF_UP)
        rules = [(PaymentRule.AMOUNT, pay)] * len(factors)
    elif draft.method == "interest_only":
        rules = [(PaymentRule.INTEREST_ONLY, 0)] * len(factors)
    else:
        rules = [(PaymentRule.PRINCIPAL, s)
                 for s in RoundingPolicy().split(opening, len(factors))]
    rules[-1] = (PaymentRule.PAYOFF, 0)
    for j, (rule, amount) in enumerate(rules):
        k = first_normal + j
        periods.append(Period(due=draft.dues[k], factor=draft.factors[k], rule=rule,
                              amount=amount, fee=draft.fees[k]))
    cols = run_batch([Program(principal=draft.principal, periods=tuple(periods),
                              interest_rounding=mode)]).loan(0)
    return {"payment": list(cols.payment), "principal": list(cols.principal),
            "interest": list(cols.interest), "fee": list(cols.fee),
            "balance": list(cols.balance), "capitalized": list(cols.capitalized),
            "waived": list(cols.waived), "forgiven": [0] * n}


# --------------------------------------------------------------------- the result


@dataclass(frozen=True, slots=True, kw_only=True)
class Restructuring:
    """A restructuring option: the position before, the changes, the new schedule (a
    normal :class:`~bnpl_restructure.Schedule`: disclosure and servicing work on it), and
    what was capitalized, deferred, waived and forgiven (major units).

    ``schedule`` starts on the restructuring date; a first row due that day carries
    the arrears that were not folded into the plan.
    """

    position: Position
    changes: tuple[Change, ...]
    schedule: Schedule
    capitalized: dict[str, Decimal]
    deferred: Decimal
    waived: dict[str, Decimal]
    forgiven: Decimal

    @property
    def plan(self) -> Schedule:
        """The new installment plan without the arrears due on the restructuring date
        (what to disclose: those arrears are owed now, not credit extended)."""
        return self.schedule.after(self.position.as_of)

    @property
    def history(self) -> tuple[date, ...]:
        """Restructuring dates of the loan's record, this one included (keep it with the
        loan: :class:`ReAgePolicy` checks it)."""
        return (*self.position.history, self.position.as_of)

    @in_library_context  # str() of a Decimal follows the context's ``capitals``
    def to_dict(self) -> dict[str, Any]:
        """The restructuring as a JSON-safe document (kind ``"restructuring"``).

        The summary a report shows (Decimal strings, ISO dates: ``as_of``, ``changes``
        as text, ``first_payment``, ``max_payment``, ``due_now``, ``installments``,
        ``maturity``, ``total_to_pay``, ``capitalized``, ``deferred``, ``waived``,
        ``forgiven``, ``history``) and, for :meth:`from_dict`, everything to restore it:
        the ``position`` (its schedules, arrears and history), the ``change_terms`` (each
        change with its arguments as given) and the new ``schedule``. See
        :mod:`bnpl_restructure.persistence`.

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> s = Plan.annuity("1200", annual_rate="0.12", installments=12,
        ...                  start="2026-01-15").schedule()
        >>> option = restructure(s, [PaymentHoliday(periods=2)], as_of="2026-01-20")
        >>> doc = option.to_dict()
        >>> doc["changes"], doc["first_payment"], doc["change_terms"][0]["change"]
        (['holiday 2 (capitalize, shift)'], '0.00', 'payment_holiday')
        >>> Restructuring.from_dict(doc) == option
        True
        """
        s = self.schedule
        major = s.currency.to_major
        return envelope("restructuring", {
            "as_of": self.position.as_of.isoformat(), "currency": s.currency.code,
            "changes": [c.describe() for c in self.changes],
            "first_payment": str(self.first_payment), "max_payment": str(self.max_payment),
            "due_now": str(self.due_now), "installments": len(self.installments),
            "maturity": s.due_dates[-1].isoformat(),
            "total_to_pay": str(major(sum(s.payment))),
            "capitalized": {k: str(v) for k, v in self.capitalized.items()},
            "deferred": str(self.deferred),
            "waived": {k: str(v) for k, v in self.waived.items()},
            "forgiven": str(self.forgiven),
            "history": [d.isoformat() for d in self.history],
            "position": _position_body(self.position),
            "change_terms": [_change_body(c, k) for k, c in enumerate(self.changes)],
            "schedule": s._body(),
        })

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Restructuring:
        """The restructuring a :meth:`to_dict` document holds: equal to the original,
        rendering the same text, its schedule servicing and restructuring again as the
        original's does.

        Raises
        ------
        InvalidDocumentError
            A malformed document, one of another kind or a newer version, or figures
            that do not agree: the changes applied to the stored position do not give the
            stored schedule, or a summary field (``first_payment``, ``total_to_pay``,
            ...) is not what the stored restructuring shows. The message names the
            field's path (``"restructuring.schedule.payment[2]"``).

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> s = Plan.flat_fee("1200", fee_rate="0.005", installments=12,
        ...                   start="2026-01-10").schedule()
        >>> doc = extend_term(s, periods=3, as_of="2026-01-20").to_dict()
        >>> Restructuring.from_dict(doc | {"total_to_pay": "1.00"})
        Traceback (most recent call last):
        ...
        bnpl_restructure.errors.InvalidDocumentError: restructuring.total_to_pay: must be \
what the stored restructuring shows ('1290.00') (got '1.00')
        """
        return _restructuring_from_body(open_envelope(document, "restructuring"),
                                        "restructuring")

    def _repr_html_(self) -> str:
        return (f"<div><p>{html.escape(repr(self))}</p>"
                f"{self.schedule._repr_html_()}</div>")

    @property
    def name(self) -> str:
        """The changes, as text."""
        return " + ".join(c.describe() for c in self.changes) or "no change"

    @property
    def installments(self) -> tuple[int, ...]:
        """Indexes of the regular installments (after any row due on the date itself)."""
        start = 1 if self.schedule.due_dates[0] == self.position.as_of else 0
        return tuple(range(start, len(self.schedule)))

    def _regular(self) -> list[int]:
        return [self.schedule.payment[k] for k in self.installments] or [0]

    @property
    def first_payment(self) -> Decimal:
        """The first regular installment after the restructuring date."""
        return self.schedule.currency.to_major(self._regular()[0])

    @property
    def max_payment(self) -> Decimal:
        """The largest regular installment."""
        return self.schedule.currency.to_major(max(self._regular()))

    @property
    def due_now(self) -> Decimal:
        """Arrears still due on the restructuring date."""
        if self.schedule.due_dates[0] == self.position.as_of:
            return self.schedule.currency.to_major(self.schedule.payment[0])
        return self.schedule.currency.to_major(0)

    def __repr__(self) -> str:
        s = self.schedule
        now = f"{self.due_now:,} due now, " if self.due_now else ""
        return (f"<Restructuring {self.name}: {now}{len(self.installments)} installments from "
                f"{format_money(self._regular()[0], s.currency)}, total "
                f"{format_money(sum(s.payment), s.currency)} to "
                f"{s.due_dates[-1].isoformat()}>")


@in_library_context
def restructure(loan: Schedule | LoanState | Position, changes: Sequence[Change] = (), *,
                as_of: Any = None, payments: Iterable[Any] = (),
                terms: ServicingTerms | None = None,
                history: Iterable[Any] = ()) -> Restructuring:
    """Apply ``changes`` in order to the remaining plan and run it through the core.

    Examples
    --------
    No change reproduces the remaining plan exactly:

    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("1200", annual_rate="0.12", installments=12,
    ...                  start="2026-01-15").schedule()
    >>> same = restructure(s, [], as_of="2026-01-20")
    >>> same.schedule.payment == s.payment
    True
    """
    if isinstance(changes, Change) or not isinstance(changes, Sequence):
        raise InvalidArgumentError("changes", "must be a list of changes, e.g. "
                                   "[CapitalizeArrears(), ExtendTerm(periods=6)]",
                                   received=changes)
    pos = position(loan, payments, as_of=as_of, terms=terms, history=history)
    draft = _start(pos)
    for k, change in enumerate(changes):
        if not isinstance(change, Change):
            raise InvalidArgumentError(f"changes[{k}]", "must be a Change (ExtendTerm(...), "
                                       "PaymentHoliday(...), ...)", received=change)
        draft = change.apply(pos, draft)
    schedule, deferred_shortfall = _compile(pos, draft)
    cur = pos.currency
    waived = dict(draft.waived)
    if sum(schedule.waived):
        waived = _plus(waived, "interest", sum(schedule.waived))
    if sum(schedule.forgiven):
        waived = _plus(waived, "principal", sum(schedule.forgiven))
    capitalized = dict(draft.capitalized)
    if sum(schedule.capitalized):
        capitalized = _plus(capitalized, "interest", sum(schedule.capitalized))
    deferred = draft.deferred + deferred_shortfall
    return Restructuring(
        position=pos, changes=tuple(changes), schedule=schedule,
        capitalized={k: cur.to_major(v) for k, v in capitalized.items()},
        deferred=cur.to_major(deferred),
        waived={k: cur.to_major(v) for k, v in waived.items()},
        forgiven=cur.to_major(draft.forgiven))


def _one(change_type: type[Change]) -> Any:
    """The function form of one change: ``extend_term(state, periods=6)``."""
    fields = [f for f in change_type.__dataclass_fields__.values()  # type: ignore[attr-defined]
              if f.init]
    names = {f.name for f in fields}

    def option(loan: Schedule | LoanState | Position, *, as_of: Any = None,
               payments: Iterable[Any] = (), terms: ServicingTerms | None = None,
               history: Iterable[Any] = (), **kwargs: Any) -> Restructuring:
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise InvalidArgumentError(unknown[0], f"is not an option of {option.__name__}; "
                                       f"it takes {', '.join(sorted(names))}",
                                       received=kwargs[unknown[0]])
        return restructure(loan, [change_type(**kwargs)], as_of=as_of, payments=payments,
                           terms=terms, history=history)

    option.__name__ = option.__qualname__ = change_type.kind
    option.__doc__ = (f"Apply one :class:`{change_type.__name__}` to the loan (a LoanState, "
                      "a Position, or a schedule with ``as_of`` and ``payments``) and "
                      "return the :class:`Restructuring`.\n\n"
                      + (change_type.__doc__ or ""))
    loan = inspect.Parameter("loan", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    keyword = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY,
                                 default=f.default if f.default is not MISSING else
                                 (f.default_factory() if f.default_factory is not MISSING
                                  else inspect.Parameter.empty))
               for f in fields]
    common = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
              for name, default in (("as_of", None), ("payments", ()), ("terms", None),
                                    ("history", ()))]
    option.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [loan, *keyword, *common])
    return option


extend_term = _one(ExtendTerm)
reduce_payment = _one(ReducePayment)
payment_holiday = _one(PaymentHoliday)
reduce_rate = _one(ReduceRate)
waive_fees = _one(WaiveFees)
forgive_principal = _one(ForgivePrincipal)
capitalize_arrears = _one(CapitalizeArrears)
defer_principal = _one(DeferPrincipal)


# ---------------------------------------------------------------------- comparison


@dataclass(frozen=True, slots=True, kw_only=True)
class ComparisonRow:
    """One option in a :class:`Comparison` (money in major units, rates as fractions)."""

    name: str
    first_payment: Decimal
    max_payment: Decimal
    average_payment: Decimal
    payment_relief: Decimal
    installments: int
    maturity: date
    due_now: Decimal
    total_to_pay: Decimal
    extra_cost: Decimal
    annual_rate: Decimal | None
    lender_npv: Decimal
    npv_change: Decimal
    payment_to_income: Decimal | None
    affordable: bool | None
    over_caps: tuple[str, ...]
    option: Restructuring | None = field(default=None, compare=False, repr=False)

    def __repr__(self) -> str:
        return (f"<ComparisonRow {self.name}: first {self.first_payment:,}, max "
                f"{self.max_payment:,}, total {self.total_to_pay:,}>")


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """Options side by side (first row: no change); ``best`` is the cheapest option for
    the borrower that is affordable (when income is given) and within the rate caps."""

    rows: tuple[ComparisonRow, ...]
    currency: Currency
    best: int | None  # index of the best row

    def __repr__(self) -> str:
        best = "none" if self.best is None else repr(self.rows[self.best].name)
        return f"<Comparison of {len(self.rows)} options (no change first); best: {best}>"

    def to_dict(self) -> dict[str, Any]:
        """The comparison as a JSON-safe document (kind ``"comparison"``): each row's
        figures (money and rates as Decimal strings, never floats) with the option it
        measures (a restructuring document's fields), the currency and the best row.

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> s = Plan.annuity("1200", annual_rate="0.12", installments=12,
        ...                  start="2026-01-15").schedule()
        >>> table = compare(s, [[ExtendTerm(periods=6)]], discount_rate="0.05",
        ...                 as_of="2026-01-20")
        >>> doc = table.to_dict()
        >>> [row["name"] for row in doc["rows"]], doc["rows"][1]["first_payment"]
        (['no change', 'extend +6'], '73.18')
        >>> Comparison.from_dict(doc).to_text() == table.to_text()
        True
        """
        return envelope("comparison", _comparison_body(self))

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Comparison:
        """The comparison a :meth:`to_dict` document holds (equal, the same table).

        Raises
        ------
        InvalidDocumentError
            A malformed document, one of another kind or a newer version, a ``best``
            that is not the cheapest eligible row, or a row whose figures are not its
            option's; the message names the field's path (``"comparison.rows[1].name"``).
        """
        return _comparison_from_body(open_envelope(document, "comparison"), "comparison")

    _HEADER = ("option", "first", "max", "relief", "n", "maturity", "due now", "total",
               "extra cost", "rate", "lender NPV", "ΔNPV", "PTI", "caps")

    def _fmt(self, value: Decimal) -> str:
        return format_money(self.currency.to_minor(value), self.currency)

    def _cells(self) -> list[tuple[str, ...]]:
        fmt = self._fmt
        out: list[tuple[str, ...]] = []
        for k, r in enumerate(self.rows):
            mark = " *" if k == self.best else ""
            out.append((r.name + mark, fmt(r.first_payment), fmt(r.max_payment),
                        fmt(r.payment_relief), str(r.installments), r.maturity.isoformat(),
                        fmt(r.due_now), fmt(r.total_to_pay), fmt(r.extra_cost),
                        "—" if r.annual_rate is None else format_rate(r.annual_rate),
                        fmt(r.lender_npv), fmt(r.npv_change),
                        "—" if r.payment_to_income is None else format_rate(
                            r.payment_to_income, 1) + (" ok" if r.affordable else " over"),
                        ", ".join(r.over_caps) or "ok"))
        return out

    def to_text(self, columns: Sequence[str] | None = None) -> str:
        """A plain-text table; ``*`` marks the best option. ``columns`` picks some of the
        headers (the option's name always comes first), e.g. for a narrow terminal.

        Examples
        --------
        >>> from bnpl_restructure.examples import seed_plan
        >>> from bnpl_restructure.servicing import loan_state
        >>> state = loan_state(seed_plan().schedule(), [("2026-02-15", "536.00")],
        ...                    as_of="2026-04-20")
        >>> table = compare(state, [[CapitalizeArrears(), ExtendTerm(periods=6)]],
        ...                 discount_rate="0.05")
        >>> print(table.to_text(columns=("first", "n", "total")))
        option                           first   n     total
        no change *                     536.00   9  5,896.00
        capitalize arrears + extend +6  404.89  15  6,073.45
        """
        keep = list(range(len(self._HEADER)))
        if columns is not None:
            unknown = [c for c in columns if c not in self._HEADER]
            if unknown:
                raise InvalidArgumentError("columns", f"must be among {self._HEADER}",
                                           received=unknown)
            keep = [0] + [self._HEADER.index(c) for c in columns if c != "option"]
        rows = [tuple(row[i] for i in keep) for row in (self._HEADER, *self._cells())]
        widths = [max(len(row[i]) for row in rows) for i in range(len(keep))]
        lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                           for i, (c, w) in enumerate(zip(row, widths, strict=True)))
                 for row in rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in self._HEADER)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
                       for row in self._cells())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def to_pandas(self) -> Any:
        """A data frame of the rows (needs pandas)."""
        import pandas as pd

        fields = [f for f in ComparisonRow.__dataclass_fields__ if f != "option"]
        return pd.DataFrame([{f: getattr(r, f) for f in fields} for r in self.rows])


#: Rate caps (annual rates, fractions) checked by :func:`compare` by default.
RATE_CAPS = {"CN 24%": Fraction(24, 100), "CN 36%": Fraction(36, 100),
             "US MLA 36%": Fraction(36, 100)}

#: Payment-to-income thresholds: HAMP's 31% target; China's 50% (CBRC 2004 Art. 36).
AFFORDABILITY = {"hamp": Fraction(31, 100), "cn_50": Fraction(50, 100),
                 "cn_55": Fraction(55, 100)}


@in_library_context
def compare(loan: Schedule | LoanState | Position,
            options: Sequence[Restructuring | Sequence[Change]], *, discount_rate: Any,
            monthly_income: Any = None, affordability: Any = AFFORDABILITY["hamp"],
            caps: dict[str, Any] | None = None, lpr: Any = None,
            default_probability: Any = 0, redefault_probability: Any = 0,
            recovery_rate: Any = 0, as_of: Any = None, payments: Iterable[Any] = (),
            terms: ServicingTerms | None = None) -> Comparison:
    """Options side by side with "no change".

    Parameters
    ----------
    loan
        The position (a LoanState, a Position, or a schedule with ``as_of``).
    options
        :class:`Restructuring` results, or lists of changes to apply.
    discount_rate
        Annual rate for the lender's net present value of the remaining cash flows
        (HAMP NPV test: the change in NPV against "no change").
    monthly_income
        Borrower's monthly income (major units): payment-to-income is the maximum regular
        installment a month over it, checked against ``affordability`` (31% HAMP target
        by default; :data:`AFFORDABILITY` has the Chinese 50% / 55% limits).
    caps
        ``{name: annual rate}`` caps to check the new plan's annualized rate against
        (default :data:`RATE_CAPS`); with ``lpr``, "4 × LPR" is added.
    default_probability, redefault_probability, recovery_rate
        The lender's NPV as the HAMP NPV test weighs it: "no change" defaults with
        ``default_probability`` and an option with ``redefault_probability``, a default
        recovering ``recovery_rate`` of the principal owed today; so
        ``NPV = (1 - p) × PV(payments) + p × recovery × principal`` (all 0 by default:
        the plain present value of the payments).

    References
    ----------
    U.S. Treasury, Making Home Affordable Program Handbook, the NPV test: compare the
    investor's NPV with and without the modification; a positive change favours it.
    """
    if isinstance(options, (Change, Restructuring)) or not isinstance(options, Sequence):
        raise InvalidArgumentError("options", "must be a list of options, each a "
                                   "Restructuring or a list of changes", received=options)
    pos = position(loan, payments, as_of=as_of, terms=terms)
    base = restructure(pos, [])
    built = [base]
    for k, o in enumerate(options):
        if isinstance(o, Restructuring):
            if o.position.as_of != pos.as_of:
                raise InvalidArgumentError(f"options[{k}]", "was built on another date "
                                           f"({o.position.as_of.isoformat()}) than the "
                                           f"position ({pos.as_of.isoformat()})")
            built.append(o)
        elif isinstance(o, Sequence) and all(isinstance(c, Change) for c in o):
            built.append(restructure(pos, list(o)))
        else:
            raise InvalidArgumentError(f"options[{k}]", "must be a Restructuring or a list "
                                       "of changes, e.g. [CapitalizeArrears(), "
                                       "ExtendTerm(periods=6)]", received=o)
    cur = pos.currency
    d = parse_rate(discount_rate, argument="discount_rate")
    income = None if monthly_income is None else parse_money(
        monthly_income, cur, argument="monthly_income")
    threshold = parse_rate(affordability, argument="affordability")
    limits = {k: parse_rate(v, argument="caps") for k, v in (caps or RATE_CAPS).items()}
    if lpr is not None:
        limits["4 × LPR"] = 4 * parse_rate(lpr, argument="lpr")
    freq = pos.remaining.frequency or Frequency.MONTHLY
    per_month = freq.periods_per_year / 12
    p_default = parse_rate(default_probability, argument="default_probability")
    p_redefault = parse_rate(redefault_probability, argument="redefault_probability")
    recovery = parse_rate(recovery_rate, argument="recovery_rate")

    def lender_npv(option: Restructuring, p: Fraction) -> int:
        value = (1 - p) * _npv(option.schedule, d) + p * recovery * pos.outstanding
        return round_ratio(value.numerator, value.denominator, RoundingMode.HALF_UP)

    base_npv = lender_npv(base, p_default)
    base_first = base._regular()[0]
    base_total = sum(base.schedule.payment)
    rows = []
    for option in built:
        s = option.schedule
        regular = option._regular()
        total = sum(s.payment)
        npv = lender_npv(option, p_default if option is base else p_redefault)
        try:  # the installment plan's own rate (amounts due today are not credit)
            rate: Decimal | None = cn_annualized_rate(s.after(pos.as_of)).nominal
        except (BnplError, ArithmeticError):  # no meaningful rate for these flows
            rate = None
        pti = None if income is None else Fraction(max(regular)) * per_month / income
        rows.append(ComparisonRow(
            name="no change" if option is base else option.name,
            first_payment=cur.to_major(regular[0]), max_payment=cur.to_major(max(regular)),
            average_payment=cur.to_major(round_ratio(sum(regular), len(regular),
                                                     RoundingMode.HALF_UP)),
            payment_relief=cur.to_major(base_first - regular[0]),
            installments=len(option.installments), maturity=s.due_dates[-1],
            due_now=option.due_now, total_to_pay=cur.to_major(total),
            extra_cost=cur.to_major(total - base_total), annual_rate=rate,
            lender_npv=cur.to_major(npv), npv_change=cur.to_major(npv - base_npv),
            payment_to_income=None if pti is None else Decimal(pti.numerator) / Decimal(
                pti.denominator),
            affordable=None if pti is None else pti <= threshold,
            over_caps=tuple(name for name, cap in limits.items()
                            if rate is not None and Fraction(rate) > cap),
            option=option))
    eligible = [k for k, r in enumerate(rows) if r.affordable is not False and not r.over_caps]
    best = min(eligible, key=lambda k: (rows[k].total_to_pay, rows[k].max_payment)) \
        if eligible else None
    return Comparison(rows=tuple(rows), currency=cur, best=best)


_NPV_CONTEXT = make_context(34)


def _npv(schedule: Schedule, annual_rate: Fraction) -> int:
    """The lender's present value on the schedule's start of its payments, discounted
    at ``annual_rate`` (effective, time in days / 365), rounded half-up to a minor unit.

    Evaluated in 34-digit decimal arithmetic (the discount factors are irrational)."""
    ctx = _NPV_CONTEXT
    growth = ctx.add(Decimal(1), ctx.divide(Decimal(annual_rate.numerator),
                                            Decimal(annual_rate.denominator)))
    total = Decimal(0)
    for due, pay in zip(schedule.due_dates, schedule.payment, strict=True):
        years = ctx.divide(Decimal((due - schedule.start).days), Decimal(365))
        total = ctx.add(total, ctx.divide(Decimal(pay), ctx.power(growth, years)))
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP, context=ctx))


# -------------------------------------------------------------------------- re-aging


def _months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (day of month respected)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and Frequency.MONTHLY.advance(start, months) > end:
        months -= 1
    return max(months, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReAgePolicy:
    """When an account may be re-aged. Defaults: the FFIEC Uniform Retail Credit
    Classification and Account Management Policy (65 FR 36903, June 12, 2000): the
    account has existed at least 9 months; the borrower made at least 3 consecutive
    minimum payments (or the same amount in total over those periods); at most once in
    12 months and twice in 5 years."""

    min_account_age_months: int = 9
    consecutive_payments: int = 3
    max_per_12_months: int = 1
    max_per_5_years: int = 2
    minimum_payment: Any = None  # default: the plan's regular installment

    def check(self, pos: Position) -> None:
        """Raise :class:`~bnpl_restructure.errors.RestructureNotAllowedError` naming the
        first rule the position fails."""
        age = _months_between(pos.opened, pos.as_of)
        if age < self.min_account_age_months:
            raise RestructureNotAllowedError(
                f"re-age not allowed: the account is {age} months old, the policy needs at "
                f"least {self.min_account_age_months} (FFIEC account management policy)")
        recent = [d for d in pos.history if (pos.as_of - d).days < 365]
        if len(recent) >= self.max_per_12_months:
            raise RestructureNotAllowedError(
                f"re-age not allowed: already re-aged on {recent[-1].isoformat()}; at most "
                f"{self.max_per_12_months} in 12 months")
        five = [d for d in pos.history if (pos.as_of - d).days < 5 * 365 + 1]
        if len(five) >= self.max_per_5_years:
            raise RestructureNotAllowedError(
                f"re-age not allowed: re-aged {len(five)} times in 5 years; at most "
                f"{self.max_per_5_years}")
        cur = pos.currency
        minimum = pos.original.payment[0] if self.minimum_payment is None else parse_money(
            self.minimum_payment, cur, argument="minimum_payment")
        freq = pos.remaining.frequency or Frequency.MONTHLY
        payments = [] if pos.state is None else [
            (e.date, cur.to_minor(e.amount)) for e in pos.state.ledger if e.kind == "payment"]
        windows = []
        for k in range(self.consecutive_payments):
            end = freq.advance(pos.as_of, -k)
            begin = freq.advance(pos.as_of, -k - 1)
            windows.append(sum(a for d, a in payments if begin < d <= end))
        each = all(w >= minimum for w in windows)
        total = sum(windows) >= minimum * self.consecutive_payments
        if not (each or total):
            raise RestructureNotAllowedError(
                f"re-age not allowed: the policy needs {self.consecutive_payments} "
                f"consecutive payments of at least {format_money(minimum, cur)} (or as much "
                f"in total); the last {self.consecutive_payments} periods had "
                + ", ".join(format_money(w, cur) for w in reversed(windows)))


class ReAgeInterest(enum.Enum):
    """How a re-age treats interest: ``FIRST_INSTALLMENT`` puts the overdue interest and
    charges on the first new installment while interest keeps accruing on the principal;
    ``SPREAD_FROZEN`` spreads principal and overdue interest equally over the remaining
    installments with interest frozen."""

    FIRST_INSTALLMENT = "first_installment"
    SPREAD_FROZEN = "spread_frozen"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReAge(Change):
    """Re-age: fold the overdue amounts into the remaining installments and bring the
    account current, if the :class:`ReAgePolicy` allows it."""

    interest: ReAgeInterest | str = ReAgeInterest.FIRST_INSTALLMENT
    policy: ReAgePolicy = field(default_factory=ReAgePolicy)
    kind = "re_age"

    def describe(self) -> str:
        """E.g. ``re-age (first installment)``."""
        how = parse_enum(ReAgeInterest, self.interest, argument="interest").value
        return f"re-age ({how.replace('_', ' ')})"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        self.policy.check(pos)
        if not any(draft.arrears.values()):
            raise RestructureNotAllowedError("re-age not needed: nothing is overdue")
        how = parse_enum(ReAgeInterest, self.interest, argument="interest")
        arrears = dict(draft.arrears)
        overdue_principal = arrears.pop("principal", 0)
        principal = draft.principal + overdue_principal
        capitalized = _plus(draft.capitalized, "principal", overdue_principal)
        charges = {k: arrears.pop(k, 0) for k in ("interest", "fee", "penalty", "late_fee")}
        if how is ReAgeInterest.SPREAD_FROZEN:
            for k, v in charges.items():
                if v:
                    capitalized = _plus(capitalized, k, v)
            principal += sum(charges.values())
            frozen = sum(pos.remaining.interest)  # the interest the plan no longer charges
            return replace(draft, principal=principal, arrears=arrears,
                           capitalized=capitalized, method="split",
                           waived=_plus(draft.waived, "interest", frozen),
                           factors=(Fraction(0),) * len(draft.factors), reamortize=True)
        return replace(draft, principal=principal, arrears=arrears, capitalized=capitalized,
                       first_interest=draft.first_interest + charges["interest"],
                       first_fee=draft.first_fee + charges["fee"] + charges["penalty"]
                       + charges["late_fee"], reamortize=True)


def re_age(loan: Schedule | LoanState | Position, *, interest: ReAgeInterest | str =
           ReAgeInterest.FIRST_INSTALLMENT, policy: ReAgePolicy | None = None,
           as_of: Any = None, payments: Iterable[Any] = (),
           terms: ServicingTerms | None = None, history: Iterable[Any] = ()
           ) -> Restructuring:
    """Re-age the account (see :class:`ReAge`); ``history`` holds the dates of earlier
    restructurings (a :class:`Restructuring`'s ``history``). Raises
    :class:`~bnpl_restructure.errors.RestructureNotAllowedError` naming the failed rule."""
    return restructure(loan, [ReAge(interest=interest, policy=policy or ReAgePolicy())],
                       as_of=as_of, payments=payments, terms=terms, history=history)


# ------------------------------------------------------------------- find an option


@dataclass(frozen=True, slots=True, kw_only=True)
class NoFeasibleOption:
    """:func:`find_option` found nothing that meets the target: ``binding`` names the
    limit that stops the search; ``closest`` is the last option tried."""

    target: Decimal
    binding: str
    reason: str
    closest: Restructuring | None

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"<NoFeasibleOption: {self.reason}>"


@in_library_context
def find_option(loan: Schedule | LoanState | Position, *, target_payment: Any,
                rate_step: Any = "0.00125", rate_floor: Any = "0.02",
                fee_rate_step: Any = "0.0005", fee_rate_floor: Any = "0",
                max_extension: int = 24, max_deferral: Any = "0.3",
                as_of: Any = None, payments: Iterable[Any] = (),
                terms: ServicingTerms | None = None) -> Restructuring | NoFeasibleOption:
    """HAMP-style search for the least concession whose first regular installment meets
    ``target_payment``: (1) capitalize the arrears; (2) lower the annual rate in
    ``rate_step`` steps down to ``rate_floor`` (for a flat-fee plan, the fee rate in
    ``fee_rate_step`` steps down to ``fee_rate_floor``); (3) at the floor, extend the term
    one period at a time up to ``max_extension``; (4) then defer principal into a
    non-interest-bearing balloon, at most ``max_deferral`` of the principal. The first
    option that meets the target is returned; else a :class:`NoFeasibleOption` that says
    which limit binds.

    References
    ----------
    U.S. Treasury, Making Home Affordable Program Handbook: the HAMP Tier 1 standard
    modification waterfall (capitalize, reduce the rate in 0.125% steps to a 2% floor,
    extend the term, forbear principal).
    """
    pos = position(loan, payments, as_of=as_of, terms=terms)
    cur = pos.currency
    target = parse_money(target_payment, cur, argument="target_payment")
    changes: list[Change] = [CapitalizeArrears()]

    def meets(option: Restructuring) -> bool:
        return cur.to_minor(option.first_payment) <= target

    option = restructure(pos, changes)
    if meets(option):
        return option
    method = _method(pos)
    freq = pos.remaining.frequency or Frequency.MONTHLY
    if method == "flat":
        current = _original_fee_rate(pos)
        step = parse_rate(fee_rate_step, argument="fee_rate_step")
        floor = parse_rate(fee_rate_floor, argument="fee_rate_floor")

        def make(r: Fraction) -> ReduceRate:
            return ReduceRate(fee_rate=r)
    else:
        regular = max(_start(pos).factors, key=_start(pos).factors.count)
        current = regular * freq.periods_per_year
        step = parse_rate(rate_step, argument="rate_step")
        floor = parse_rate(rate_floor, argument="rate_floor")

        def make(r: Fraction) -> ReduceRate:
            exact = Decimal(r.numerator) / Decimal(r.denominator)
            if Fraction(exact) == r:  # a decimal annual rate: shown as such
                return ReduceRate(annual_rate=exact)
            return ReduceRate(periodic_rate=r / freq.periods_per_year)
    if step <= 0:
        raise InvalidArgumentError("rate_step", "must be positive", received=rate_step)
    rate, cut = current, None
    while rate > floor:  # down in steps, the floor itself included
        rate = max(rate - step, floor)
        cut = make(rate)
        option = restructure(pos, [*changes, cut])
        if meets(option):
            return option
    if cut is not None:
        changes.append(cut)
    for extra in range(1, _count(max_extension, "max_extension", minimum=0) + 1):
        option = restructure(pos, [*changes, ExtendTerm(periods=extra)])
        if meets(option):
            return option
    if max_extension:
        changes.append(ExtendTerm(periods=max_extension))
    share = parse_rate(max_deferral, argument="max_deferral")
    draft = _start(pos)
    principal = draft.principal + draft.arrears.get("principal", 0) + draft.arrears.get(
        "interest", 0) + draft.arrears.get("fee", 0)
    limit = share * principal
    most = round_ratio(limit.numerator, limit.denominator, RoundingMode.DOWN)
    if most > 0:
        option = restructure(pos, [*changes, DeferPrincipal(amount=cur.to_major(most))])
        if meets(option):
            low, high = 0, most  # the least deferral that meets the target
            while high - low > 1:
                mid = (low + high) // 2
                trial = restructure(pos, [*changes, DeferPrincipal(amount=cur.to_major(mid))])
                if meets(trial):
                    high, option = mid, trial
                else:
                    low = mid
            return restructure(pos, [*changes, DeferPrincipal(amount=cur.to_major(high))])
    binding = "principal deferral limit" if most > 0 else "term extension limit"
    return NoFeasibleOption(
        target=cur.to_major(target), binding=binding, closest=option,
        reason=(f"no option meets {format_money(target, cur)}: with the arrears "
                f"capitalized, the rate at its floor, the term extended by {max_extension} "
                f"periods and {format_money(most, cur)} of principal deferred, the "
                f"installment is still {option.first_payment}"))


# ---------------------------------------------------------------------- persistence

_CHANGES: dict[str, type[Change]] = {c.kind: c for c in (
    ExtendTerm, ReducePayment, PaymentHoliday, ReduceRate, WaiveFees, ForgivePrincipal,
    CapitalizeArrears, DeferPrincipal, ReAge)}
_TERM_ENUMS: dict[str, type[enum.Enum]] = {e.__name__: e for e in (
    Shortfall, HolidayInterest, ReAgeInterest)}
_SUMMARY = ("as_of", "currency", "changes", "first_payment", "max_payment", "due_now",
            "installments", "maturity", "total_to_pay", "capitalized", "deferred", "waived",
            "forgiven", "history")
_ENVELOPE = ("format", "version", "kind")
_FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _write_term(value: Any, where: str) -> Any:
    """A change's argument as given (``"0.08"``, ``Decimal``, ``Fraction``, a float, an
    enum member, a tuple, a :class:`ReAgePolicy`), JSON-safe and typed so that it reads
    back as the same type: JSON null, booleans, ints and strings as they are, others as
    ``{"decimal": "0.08"}``, ``{"fraction": "1/3"}``, ``{"float": "0.5"}``,
    ``{"date": ...}``, ``{"tuple": [...]}``, ``{"list": [...]}``,
    ``{"enum": "Shortfall", "value": "defer"}``, ``{"re_age_policy": {...}}``."""
    if value is None or type(value) in (bool, int, str):
        return value
    if isinstance(value, enum.Enum) and _TERM_ENUMS.get(type(value).__name__) is type(value):
        return {"enum": type(value).__name__, "value": value.value}
    if type(value) is Decimal and value.is_finite():
        return {"decimal": str(value)}
    if type(value) is Fraction:
        return {"fraction": write_fraction(value)}
    if type(value) is float and value == value and abs(value) != float("inf"):
        return {"float": float.__repr__(value)}
    if type(value) is date:
        return {"date": value.isoformat()}
    if type(value) in (tuple, list):
        items = [_write_term(v, path(where, k)) for k, v in enumerate(value)]
        return {type(value).__name__: items}
    if type(value) is ReAgePolicy:
        return {"re_age_policy": {name: _write_term(getattr(value, name), f"{where}.{name}")
                                  for name in ReAgePolicy.__dataclass_fields__}}
    raise InvalidArgumentError(where, "cannot be stored in a document: use a str, int, "
                               "Decimal, Fraction, finite float, date or the option's enum",
                               received=value)


def _read_term(doc: Any, key: str | int, where: str) -> Any:
    """The argument :func:`_write_term` wrote."""
    at = path(where, key)
    value = read_value(doc, key, where)
    if value is None or type(value) in (bool, int, str):
        return value
    if not isinstance(value, Mapping):
        raise InvalidDocumentError(at, "must be null, true/false, an integer, a string or "
                                   "a tagged value such as {'decimal': '0.08'}",
                                   received=value)
    if len(value) != 1 and set(value) != {"enum", "value"}:
        raise InvalidDocumentError(at, "must be a tagged value with one tag",
                                   received=sorted(value))
    if "enum" in value:
        enum_type = _TERM_ENUMS.get(read_str(value, "enum", at))
        if enum_type is None:
            raise InvalidDocumentError(f"{at}.enum", "must be one of "
                                       + ", ".join(map(repr, _TERM_ENUMS)),
                                       received=value["enum"])
        text = read_str(value, "value", at)
        for member in enum_type:
            if member.value == text:
                return member
        raise InvalidDocumentError(f"{at}.value", f"must be a {enum_type.__name__} value",
                                   received=text)
    tag = next(iter(value))
    if tag == "decimal":
        return read_decimal(value, tag, at)
    if tag == "fraction":
        return read_fraction(value, tag, at)
    if tag == "float":
        text = read_str(value, tag, at)
        if _FLOAT_TEXT.fullmatch(text) is None:
            raise InvalidDocumentError(f"{at}.float", "must be a finite number",
                                       received=text)
        return float(text)
    if tag == "date":
        return read_date(value, tag, at)
    if tag in ("tuple", "list"):
        items = read_list(value, tag, at)
        read = [_read_term(items, k, f"{at}.{tag}") for k in range(len(items))]
        return tuple(read) if tag == "tuple" else read
    if tag == "re_age_policy":
        fields = read_mapping(value, tag, at)
        check_keys(fields, ReAgePolicy.__dataclass_fields__, f"{at}.{tag}")
        return build(f"{at}.{tag}", ReAgePolicy, **{
            name: _read_term(fields, name, f"{at}.{tag}") for name in fields})
    raise InvalidDocumentError(at, "must be tagged 'decimal', 'fraction', 'float', 'date', "
                               "'tuple', 'list', 'enum' or 're_age_policy'", received=tag)


def _change_body(change: Change, k: int) -> dict[str, Any]:
    """A change as ``{"change": kind, argument: value, ...}``."""
    if type(change) not in _CHANGES.values():
        raise InvalidArgumentError(f"changes[{k}]", "must be one of the library's changes to "
                                   "be stored", received=type(change).__name__)
    names = [f.name for f in change.__dataclass_fields__.values()  # type: ignore[attr-defined]
             if f.init]
    return {"change": change.kind, **{
        name: _write_term(getattr(change, name), f"changes[{k}].{name}") for name in names}}


def _change_from_body(doc: Mapping[str, Any], where: str) -> Change:
    kind = read_str(doc, "change", where)
    cls = _CHANGES.get(kind)
    if cls is None:
        raise InvalidDocumentError(f"{where}.change", "must be one of "
                                   + ", ".join(map(repr, _CHANGES)), received=kind)
    names = [f.name for f in cls.__dataclass_fields__.values()  # type: ignore[attr-defined]
             if f.init]
    check_keys(doc, ["change", *names], where)
    return build(where, cls, **{name: _read_term(doc, name, where)
                                for name in names if name in doc})


def _position_body(pos: Position) -> dict[str, Any]:
    cur = pos.currency
    state: dict[str, Any] | None = None
    if pos.state is not None:
        try:
            state = pos.state.to_dict()
        except (ImportError, NotImplementedError):  # servicing cannot store a state yet
            state = None
    return {"as_of": pos.as_of.isoformat(), "opened": pos.opened.isoformat(),
            "principal": write_money(pos.principal, cur),
            "arrears": {k: write_money(v, cur) for k, v in pos.arrears.items()},
            "history": [d.isoformat() for d in pos.history],
            "original": pos.original._body(), "remaining": pos.remaining._body(),
            "state": state}


def _position_from_body(body: Mapping[str, Any], where: str) -> Position:
    check_keys(body, ("as_of", "opened", "principal", "arrears", "history", "original",
                      "remaining", "state"), where)
    original = Schedule._from_body(read_mapping(body, "original", where), f"{where}.original")
    remaining = Schedule._from_body(read_mapping(body, "remaining", where),
                                    f"{where}.remaining")
    cur = remaining.currency
    arrears_doc = read_mapping(body, "arrears", where)
    arrears = {k: cur.to_minor(read_money(arrears_doc, k, cur, f"{where}.arrears"))
               for k in arrears_doc}
    if set(arrears) != set(ARREARS):
        raise InvalidDocumentError(f"{where}.arrears", f"must have the components {ARREARS}",
                                   received=sorted(arrears))
    history = read_list(body, "history", where)
    state_doc = read_optional(read_mapping, body, "state", where)
    state = None if state_doc is None else LoanState.from_dict(state_doc)
    return Position(as_of=read_date(body, "as_of", where),
                    opened=read_date(body, "opened", where), original=original,
                    remaining=remaining,
                    principal=cur.to_minor(read_money(body, "principal", cur, where)),
                    arrears=arrears, history=tuple(
                        read_date(history, k, f"{where}.history") for k in range(len(history))),
                    state=state)


def _restructuring_from_body(body: Mapping[str, Any], where: str) -> Restructuring:
    check_keys(body, (*_SUMMARY, "position", "change_terms", "schedule"), where)
    pos = _position_from_body(read_mapping(body, "position", where), f"{where}.position")
    terms = read_list(body, "change_terms", where)
    changes = tuple(_change_from_body(read_mapping(terms, k, f"{where}.change_terms"),
                                      f"{where}.change_terms[{k}]") for k in range(len(terms)))
    schedule = Schedule._from_body(read_mapping(body, "schedule", where), f"{where}.schedule")
    cur = pos.currency

    def amounts(key: str) -> dict[str, Decimal]:
        book = read_mapping(body, key, where)
        return {k: read_money(book, k, cur, f"{where}.{key}") for k in book}

    stored = Restructuring(position=pos, changes=changes, schedule=schedule,
                           capitalized=amounts("capitalized"),
                           deferred=read_money(body, "deferred", cur, where),
                           waived=amounts("waived"),
                           forgiven=read_money(body, "forgiven", cur, where))
    _check_restructuring(stored, where)
    summary = stored.to_dict()
    for key in _SUMMARY:
        if body[key] != summary[key]:
            raise InvalidDocumentError(f"{where}.{key}", "must be what the stored "
                                       f"restructuring shows ({summary[key]!r})",
                                       received=body[key])
    return stored


def _check_restructuring(stored: Restructuring, where: str) -> None:
    """The stored changes applied to the stored position give the stored result."""
    try:
        again = restructure(stored.position, list(stored.changes))
    except RestructureNotAllowedError as exc:
        if stored.position.state is None and any(isinstance(c, ReAge)
                                                 for c in stored.changes):
            return  # a re-age's policy reads the servicing ledger, not stored here
        raise InvalidDocumentError(f"{where}.change_terms", "must apply to the stored "
                                   f"position ({exc})") from None
    except InvalidArgumentError as exc:
        raise InvalidDocumentError(f"{where}.change_terms", "must apply to the stored "
                                   f"position ({exc})") from None
    if again == stored:
        return
    if again.schedule != stored.schedule:
        for name in ("due_dates", "payment", "principal_paid", "interest", "fee", "balance",
                     "capitalized", "waived", "arrears", "forgiven"):
            got, want = getattr(stored.schedule, name), getattr(again.schedule, name)
            if got != want:
                k = next((j for j, (a, b) in enumerate(zip(got, want, strict=False))
                          if a != b), min(len(got), len(want)))
                raise InvalidDocumentError(
                    path(f"{where}.schedule.{name}", k), "must be what the stored changes "
                    f"give on the stored position ({_shown(stored, want, k)})",
                    received=_shown(stored, got, k))
        raise InvalidDocumentError(f"{where}.schedule", "must be what the stored changes "
                                   "give on the stored position")
    for name in ("capitalized", "deferred", "waived", "forgiven"):
        if getattr(stored, name) != getattr(again, name):
            raise InvalidDocumentError(f"{where}.{name}", "must be what the stored changes "
                                       f"give ({getattr(again, name)})",
                                       received=getattr(stored, name))


def _shown(option: Restructuring, column: tuple[Any, ...], k: int) -> str:
    """Row ``k`` of a schedule column as a document shows it (``"no row"`` past its end)."""
    if k >= len(column):
        return "no row"
    value = column[k]
    return value.isoformat() if isinstance(value, date) else format(
        option.schedule.currency.to_major(value), "f")


_ROW_MONEY = ("first_payment", "max_payment", "average_payment", "payment_relief",
              "due_now", "total_to_pay", "extra_cost", "lender_npv", "npv_change")


def _comparison_body(table: Comparison) -> dict[str, Any]:
    rows = []
    for row in table.rows:
        out: dict[str, Any] = {"name": row.name}
        out.update({name: str(getattr(row, name)) for name in _ROW_MONEY})
        out.update(installments=row.installments, maturity=row.maturity.isoformat(),
                   annual_rate=None if row.annual_rate is None else str(row.annual_rate),
                   payment_to_income=None if row.payment_to_income is None
                   else str(row.payment_to_income),
                   affordable=row.affordable, over_caps=list(row.over_caps))
        option = None if row.option is None else row.option.to_dict()
        out["option"] = None if option is None else {
            k: v for k, v in option.items() if k not in _ENVELOPE}
        rows.append(out)
    return {"currency": write_currency(table.currency), "best": table.best, "rows": rows}


def _comparison_from_body(body: Mapping[str, Any], where: str) -> Comparison:
    check_keys(body, ("currency", "best", "rows"), where)
    cur = read_currency(body, "currency", where)
    docs = read_list(body, "rows", where)
    rows = []
    for k in range(len(docs)):
        at = f"{where}.rows[{k}]"
        doc = read_mapping(docs, k, f"{where}.rows")
        check_keys(doc, ("name", *_ROW_MONEY, "installments", "maturity", "annual_rate",
                         "payment_to_income", "affordable", "over_caps", "option"), at)
        caps = read_list(doc, "over_caps", at)
        option_doc = read_optional(read_mapping, doc, "option", at)
        option = None if option_doc is None else _restructuring_from_body(
            option_doc, f"{at}.option")
        row = build(at, ComparisonRow, name=read_str(doc, "name", at),
                    installments=read_int(doc, "installments", at, minimum=0),
                    maturity=read_date(doc, "maturity", at),
                    annual_rate=read_optional(read_decimal, doc, "annual_rate", at),
                    payment_to_income=read_optional(read_decimal, doc, "payment_to_income",
                                                    at),
                    affordable=read_optional(read_bool, doc, "affordable", at),
                    over_caps=tuple(read_str(caps, j, f"{at}.over_caps")
                                    for j in range(len(caps))),
                    option=option, **{name: read_money(doc, name, cur, at)
                                      for name in _ROW_MONEY})
        if option is not None:
            shown = {"name": "no change" if k == 0 else option.name,
                     "first_payment": option.first_payment,
                     "max_payment": option.max_payment,
                     "installments": len(option.installments),
                     "maturity": option.schedule.due_dates[-1], "due_now": option.due_now,
                     "total_to_pay": cur.to_major(sum(option.schedule.payment))}
            for name, value in shown.items():
                if getattr(row, name) != value:
                    raise InvalidDocumentError(f"{at}.{name}", "must be what the row's "
                                               f"option shows ({value})",
                                               received=doc[name])
        rows.append(row)
    best = read_optional(read_int, body, "best", where)
    eligible = [k for k, r in enumerate(rows) if r.affordable is not False and not r.over_caps]
    expected = min(eligible, key=lambda k: (rows[k].total_to_pay, rows[k].max_payment)) \
        if eligible else None
    if best != expected:
        raise InvalidDocumentError(f"{where}.best", "must be the index of the cheapest "
                                   f"affordable row within the caps ({expected})",
                                   received=best)
    return Comparison(rows=tuple(rows), currency=cur, best=best)
