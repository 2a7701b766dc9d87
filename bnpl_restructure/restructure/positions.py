"""The restructuring position (where the loan stands, what is owed) and the draft that
a list of changes rewrites."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any

from ..calendar import Frequency, parse_date
from ..core import PaymentRule, Period, UnpaidInterest
from ..errors import (
    InvalidArgumentError,
    RestructureNotAllowedError,
)
from ..money import Currency, format_money
from ..plans import MAX_INSTALLMENTS
from ..schedule import Schedule
from ..servicing import LoanState, ServicingTerms, loan_state

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
             history: Iterable[Any] = (), matured: bool = False) -> Position:
    """The restructuring position: from a :class:`~bnpl_restructure.servicing.LoanState`,
    or from a schedule, its payments and a date (replayed with ``terms``).

    Raises
    ------
    RestructureNotAllowedError
        The loan is paid off, or no installment is due after the date (restructuring
        after the final due date needs a new plan, not a rewrite of the remaining one),
        unless ``matured`` (a change that builds a new schedule, such as
        :class:`~bnpl_restructure.restructure.reage.FineractReAge`, comes first): then the
        position has no installment to come and everything owed is in arrears.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1200", fee_rate="0.005", installments=12,
    ...                   start="2026-01-10").schedule()
    >>> position(s, as_of="2026-04-20")
    <Position 2026-04-20 CNY: principal 1,200.00 outstanding, arrears 318.00, 9 ...>
    """
    if isinstance(history, (str, bytes, date)) or not isinstance(history, Iterable):
        raise InvalidArgumentError("history", "must be a list of the dates of earlier "
                                   "restructurings (a Restructuring's history)",
                                   received=history)
    past = tuple(parse_date(d, argument=f"history[{k}]") for k, d in enumerate(history))
    if isinstance(loan, Position):
        return replace(loan, history=loan.history + past) if past else loan
    if isinstance(loan, LoanState):
        state = loan
    elif isinstance(loan, Schedule):
        if as_of is None:
            raise InvalidArgumentError("as_of", "is required with a schedule")
        state = loan_state(loan, payments, as_of=as_of, terms=terms)
    else:
        raise InvalidArgumentError("loan", "must be a LoanState, a Schedule (with as_of "
                                   "and its payments) or a Position", received=loan)
    if state.is_settled:
        raise RestructureNotAllowedError("the loan is paid off: nothing to restructure")
    remaining = state.remaining
    plan = state.schedule
    if matured and remaining is None and plan is not None and plan.program is not None \
            and plan.due_dates[-1] <= state.as_of:  # every installment past due
        remaining = plan.after(state.as_of)
    if remaining is None or remaining.program is None:
        raise RestructureNotAllowedError(
            f"no installment falls due after {state.as_of.isoformat()}: restructuring "
            "after the final due date needs a new plan (Plan.from_rows), not a rewrite "
            "of the remaining one")
    cur = state.currency
    arrears = {
        # everything charged and unpaid, an installment due today included
        "principal": cur.to_minor(state.outstanding_principal) - remaining.principal,
        "interest": cur.to_minor(state.unpaid_interest),
        "fee": cur.to_minor(state.unpaid_fees),
        "penalty": cur.to_minor(state.unpaid_penalty),
        "late_fee": cur.to_minor(state.unpaid_late_fees),
    }
    original = state.schedule if state.schedule is not None else remaining
    return Position(as_of=state.as_of, opened=state.opened, original=original,
                    remaining=remaining,
                    principal=remaining.principal, arrears=arrears, history=past,
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
    spread_interest: int = 0         # moved interest split equally, booked as interest
    spread_fee: int = 0              # moved fees and charges split equally
    frequency: Frequency | None = None  # a new schedule's own frequency (a re-age)
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


def _more_dues(pos: Position, after: date, count: int | None = None, *,
               until: date | None = None, limit: int = MAX_INSTALLMENTS) -> tuple[date, ...]:
    """``count`` due dates after ``after`` (or those up to ``until``), on the plan's own
    calendar (anchored on its start or its first due date, never on a clipped date); more
    than ``limit`` of them is refused, naming ``periods`` or ``maturity``."""
    freq = pos.remaining.frequency or Frequency.MONTHLY
    dues = list(pos.original.due_dates)
    if all(freq.advance(pos.opened, k + 1) == d for k, d in enumerate(dues)):
        anchor, offset = pos.opened, 1
    else:
        anchor, offset = dues[0], 0
    argument = "periods" if until is None else "maturity"
    wanted = count if count is not None else limit + 1
    if wanted > limit and until is None:
        raise InvalidArgumentError(argument, f"would add {wanted} installments; a plan "
                                   f"has at most {MAX_INSTALLMENTS} (this one may add "
                                   f"{limit} more)", received=count)
    out: list[date] = []
    k = len(dues) + offset
    while len(out) < wanted:
        try:
            day = freq.advance(anchor, k)
        except (OverflowError, ValueError):
            raise InvalidArgumentError(argument, "runs past the last representable date "
                                       "(9999-12-31)", received=count if until is None
                                       else until.isoformat()) from None
        if until is not None and day > until:
            return tuple(out)
        if day > after:
            out.append(day)
        k += 1
    if until is not None:
        raise InvalidArgumentError(argument, f"would need more than {limit} more "
                                   f"installments; a plan has at most {MAX_INSTALLMENTS}",
                                   received=until.isoformat())
    return tuple(out)
