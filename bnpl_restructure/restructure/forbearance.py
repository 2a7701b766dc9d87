"""Deferment and forbearance, interest pauses and partial claims, as servicers run them:
each a rewrite of the draft of the remaining plan, run through the same core.

- :class:`Forbearance`: nothing (or a reduced amount) due on the installments of a date
  range; the interest of those periods capitalized once at the end (simple interest),
  capitalized quarterly, paid as it falls due, or not charged; then the plan resumes,
  shifted by the forborne installments or re-amortized within the original maturity.
- :class:`InterestPause`: 0% between two dates, the plan otherwise unchanged (the
  interest of the periods that overlap the pause pro-rated by days).
- :class:`PartialClaim` and :func:`partial_claim`: a non-interest-bearing subordinate
  balance, due with the last installment, that first cures the arrearage and then defers
  principal; :func:`partial_claim` sizes it to a target payment by exact bisection on
  minor units, within a share of the unpaid principal (30% for FHA partial claims).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from typing import Any

from .._context import in_library_context
from ..calendar import Frequency, parse_date
from ..core import PaymentRule, UnpaidInterest
from ..daycount import DayCount
from ..errors import InvalidArgumentError, RestructureNotAllowedError, parse_enum
from ..money import format_money, parse_money
from ..plans import Plan
from ..rates import parse_rate
from ..rounding import RoundingMode, round_ratio
from ..schedule import Schedule
from ..servicing import LoanState, ServicingTerms
from .changes import (
    Change,
    PaymentHoliday,
    _check_amount,
    _check_components,
    _check_count,
    _check_flag,
    _count,
)
from .positions import Position, _Draft, _Special, _start, position
from .result import Restructuring, restructure
from .search import NoFeasibleOption

__all__ = ["Forbearance", "ForbearanceInterest", "InterestPause", "PartialClaim",
           "partial_claim"]


class ForbearanceInterest(enum.Enum):
    """The interest of a forbearance's periods: ``CAPITALIZE`` (simple interest on the
    balance, added to principal once, at the end), ``CAPITALIZE_QUARTERLY`` (added every
    three months from the forbearance's start, and at the end), ``PAY`` (due with each
    forborne installment: interest only) or ``WAIVE`` (not charged; reported as
    waived)."""

    CAPITALIZE = "capitalize"
    CAPITALIZE_QUARTERLY = "capitalize_quarterly"
    PAY = "pay"
    WAIVE = "waive"


def _plan_day_count(pos: Position) -> DayCount:
    """The day count of the plan the loan was made on (a schedule without a plan: per
    period)."""
    source = pos.original.source
    return source.day_count if isinstance(source, Plan) else DayCount.PER_PERIOD


def _period_starts(pos: Position, draft: _Draft) -> tuple[date, ...]:
    """Where each row's interest period begins: the due date before it (for the first,
    the plan's last due date before it, or its start)."""
    before = [d for d in pos.original.due_dates if d < draft.dues[0]]
    return (before[-1] if before else pos.original.start, *draft.dues[:-1])


def _rebased(pos: Position, factor: Fraction, begin: date, end: date,
             basis: DayCount) -> Fraction:
    """A period's factor on another day basis: the nominal annual rate behind it (the
    factor over the plan's year fraction, or times the periods a year) times the period's
    year fraction on ``basis`` (or over the periods a year for ``PER_PERIOD``)."""
    per_year = (pos.remaining.frequency or Frequency.MONTHLY).periods_per_year
    plan = _plan_day_count(pos)
    annual = factor * per_year if plan is DayCount.PER_PERIOD else \
        factor / plan.year_fraction(begin, end)
    if basis is DayCount.PER_PERIOD:
        return annual / per_year
    return annual * basis.year_fraction(begin, end)


def _quarter_ends(anchor: date, dues: Sequence[date]) -> set[int]:
    """Rows that close a quarter counted from ``anchor`` (the last row due on or before
    ``anchor`` + 3, 6, ... months, anchored, never added up), and the last row."""
    def quarter(day: date) -> int:
        j = 1
        while Frequency.QUARTERLY.advance(anchor, j) < day:
            j += 1
        return j

    ends = {len(dues) - 1}
    ends.update(k for k in range(len(dues) - 1) if quarter(dues[k]) != quarter(dues[k + 1]))
    return ends


@dataclass(frozen=True, slots=True, kw_only=True)
class Forbearance(Change):
    """Deferment or forbearance: nothing due (or a reduced ``payment``, major units) on
    the installments falling due from ``start`` (default: the restructuring date) to
    ``end``, or on the next ``periods`` installments; their interest ``interest``:

    - ``"capitalize"``: simple interest on the unchanged balance over the forborne
      periods, rounded once and added to principal at the end (34 CFR 685.202(b));
    - ``"capitalize_quarterly"``: the same, added every three months from the start of
      the first forborne period and at the end (34 CFR 682.202(b));
    - ``"pay"``: interest only on each forborne installment;
    - ``"waive"``: not charged (a subsidized deferment, disaster relief).

    With a reduced ``payment``, each forborne installment's interest falls due with it and
    the payment pays it first (the rest goes to principal); interest left unpaid is
    carried without interest to the next capitalization.

    Then the plan resumes: ``shift=True`` moves the remaining installments after the
    forbearance (the maturity moves by as many installments as were forborne),
    ``shift=False`` re-amortizes them within the original maturity. The forborne
    installments carry no fee (shifted with their installments, or waived).

    ``day_count``: the day basis of the forbearance's interest; ``None`` (default) keeps
    the plan's own, ``"act/365.25"`` is the student-loan servicers' (the Department of
    Education's interest rate factor: annual rate / 365.25 a day).

    Raises
    ------
    InvalidArgumentError
        Built: both or neither of ``periods`` and ``end``; ``periods`` not a whole
        number from 1 to 2,600; ``start`` or ``end`` not a date; ``payment`` negative or
        not an amount; ``interest`` or ``day_count`` unknown; ``shift`` not True or
        False. Applied (also :func:`restructure`'s errors): ``start`` before the
        restructuring date; ``end`` covering no installment; a reduced ``payment`` with
        interest ``'pay'`` or ``'waive'``.
    RestructureNotAllowedError
        Applied: ``start`` after the next due date (restructure on the start date).

    References
    ----------
    34 CFR 685.202(b) (Direct Loans: unpaid interest capitalized when a deferment ends;
    since 1 July 2023, 87 FR 65904, no longer when a forbearance ends); 34 CFR 682.202(b)
    (FFEL: capitalization at the end of a deferment or forbearance, or quarterly); U.S.
    Department of Education, deferment and forbearance request forms (OMB No.
    1845-0011), chart "Treatment of interest accrued during deferment": $15,000 at 9%,
    12 months, interest paid / capitalized at the end / capitalized quarterly.

    Examples
    --------
    The Department of Education's chart: $15,000 at 9% for 120 months, a 12-month
    deferment whose interest is capitalized at the end: $1,350.00 capitalized,
    $16,350.00 repaid in 120 installments of $207.11:

    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("15000", annual_rate="0.09", installments=120,
    ...                  start="2026-01-15").schedule()
    >>> option = restructure(s, [Forbearance(periods=12)], as_of="2026-01-20")
    >>> option.capitalized, option.schedule[12].payment, len(option.schedule)
    ({'interest': Decimal('1350.00')}, Decimal('207.11'), 132)
    """

    start: date | str | None = None
    end: date | str | None = None
    periods: int | None = None
    payment: Any = None
    interest: ForbearanceInterest | str = ForbearanceInterest.CAPITALIZE
    shift: bool = True
    day_count: DayCount | str | None = None
    kind = "forbearance"

    def _check(self) -> None:
        if (self.periods is None) == (self.end is None):
            raise InvalidArgumentError("periods", "give either periods (installments) or "
                                       "end (the last date forborne)",
                                       received=(self.periods, self.end))
        _check_count(self.periods, "periods", optional=True)
        for name in ("start", "end"):
            if getattr(self, name) is not None:
                parse_date(getattr(self, name), argument=name)
        _check_amount(self.payment, "payment", optional=True, allow_zero=True)
        parse_enum(ForbearanceInterest, self.interest, argument="interest")
        _check_flag(self.shift, "shift")
        if self.day_count is not None:
            DayCount.parse(self.day_count)

    def describe(self) -> str:
        """E.g. ``forbear 12 (capitalize, shift)``."""
        how = parse_enum(ForbearanceInterest, self.interest, argument="interest").value
        span = str(self.periods) if self.periods is not None else f"to {self.end}"
        paying = "" if self.payment is None else f" paying {self.payment}"
        basis = "" if self.day_count is None else f", {DayCount.parse(self.day_count)}"
        return (f"forbear {span}{paying} ({how}, {'shift' if self.shift else 'reamortize'}"
                f"{basis})")

    def _count(self, pos: Position, draft: _Draft) -> int:
        first = draft.dues[0]
        if self.start is not None:
            start = parse_date(self.start, argument="start")
            if start < pos.as_of:
                raise InvalidArgumentError(
                    "start", "must not be before the restructuring date "
                    f"({pos.as_of.isoformat()}): overdue installments are arrears "
                    "(CapitalizeArrears, PartialClaim)", received=start.isoformat())
            if start > first:
                raise RestructureNotAllowedError(
                    f"start: a forbearance covers the installments from the restructuring "
                    f"date on, and the next falls due on {first.isoformat()}, before "
                    f"{start.isoformat()}: restructure on the forbearance's start date")
        if self.periods is not None:
            return _count(self.periods, "periods")
        assert self.end is not None
        end = parse_date(self.end, argument="end")
        count = sum(1 for d in draft.dues if d <= end)
        if not count:
            raise InvalidArgumentError("end", "covers no installment: the next falls due "
                                       f"on {first.isoformat()}", received=end.isoformat())
        return count

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        how = parse_enum(ForbearanceInterest, self.interest, argument="interest")
        basis = None if self.day_count is None else DayCount.parse(self.day_count)
        reduced = None if self.payment is None else parse_money(
            self.payment, pos.currency, argument="payment", allow_zero=True)
        if reduced and how in (ForbearanceInterest.PAY, ForbearanceInterest.WAIVE):
            raise InvalidArgumentError(
                "payment", f"a reduced payment needs interest that accrues "
                "('capitalize' or 'capitalize_quarterly'); with interest "
                f"'{how.value}' use ReducePayment or a rate cut", received=self.payment)
        count = self._count(pos, draft)
        # the rows: PaymentHoliday's shift or re-amortization, then the forbearance's terms
        draft = PaymentHoliday(periods=count, interest_only=how is ForbearanceInterest.PAY,
                               shift=self.shift, max_periods=count).apply(pos, draft)
        starts = _period_starts(pos, draft)
        factors = list(draft.factors)
        if basis is not None:
            for k in range(count):
                factors[k] = _rebased(pos, factors[k], starts[k], draft.dues[k], basis)
        ends = _quarter_ends(starts[0], draft.dues[:count]) if (
            how is ForbearanceInterest.CAPITALIZE_QUARTERLY) else {count - 1}
        special = list(draft.special)
        if how is ForbearanceInterest.PAY:
            pass  # interest-only rows from the holiday, at the basis' factors
        elif reduced:
            for k in range(count):
                unpaid = UnpaidInterest.CAPITALIZE if k in ends else UnpaidInterest.CARRY
                special[k] = _Special(rule=PaymentRule.AMOUNT, amount=reduced, unpaid=unpaid)
        else:  # nothing paid: each capitalization's interest accrues at once on the
            first = 0  # unchanged balance (simple interest), rounded once
            for k in sorted(ends):
                total = sum(factors[first:k + 1], Fraction(0))
                factors[first:k + 1] = [Fraction(0)] * (k - first) + [total]
                first = k + 1
            for k in range(count):
                unpaid = UnpaidInterest.WAIVE if how is ForbearanceInterest.WAIVE else (
                    UnpaidInterest.CAPITALIZE if k in ends else UnpaidInterest.CARRY)
                special[k] = _Special(rule=PaymentRule.NOTHING, amount=0, unpaid=unpaid)
        return replace(draft, factors=tuple(factors), special=tuple(special))


@dataclass(frozen=True, slots=True, kw_only=True)
class InterestPause(Change):
    """0% interest from ``start`` (the first day without interest) to ``end`` (the day
    it runs again; days counted as day counts count them, the start in, the end out),
    the plan otherwise unchanged: each remaining period that overlaps the pause keeps
    the share of its factor that its days outside the pause make (days under the plan's
    day count; actual days for a per-period plan), and the installments are re-solved
    in the plan's own method over the same due dates. A pause may begin before the
    restructuring date (relief back to the start of the current period, as under the
    Servicemembers Civil Relief Act, 50 U.S.C. 3937); paid periods are not changed.

    Raises
    ------
    InvalidArgumentError
        Built: ``start`` or ``end`` not a date, or ``end`` not after ``start``. Applied
        (also :func:`restructure`'s errors): the pause overlaps no interest period.
    RestructureNotAllowedError
        Applied: a plan whose interest is not charged by period (a flat-fee plan).

    Examples
    --------
    1,200.00 at 12% a year over 12 months from 2026-01-15; no interest for March 2026
    (28 of the 31 days from 2026-02-15 to 2026-03-15 are paused):

    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("1200", annual_rate="0.12", installments=12,
    ...                  start="2026-01-15").schedule()
    >>> option = restructure(s, [InterestPause(start="2026-02-15", end="2026-03-15")],
    ...                      as_of="2026-01-20")
    >>> option.schedule.interest[1]
    0
    """

    start: date | str
    end: date | str
    kind = "interest_pause"

    def _check(self) -> None:
        begin = parse_date(self.start, argument="start")
        stop = parse_date(self.end, argument="end")
        if stop <= begin:
            raise InvalidArgumentError("end", f"must be after start ({begin.isoformat()})",
                                       received=stop.isoformat())

    def describe(self) -> str:
        """E.g. ``0% 2026-03-01 to 2026-06-01``."""
        return f"0% {self.start} to {self.end}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        begin = parse_date(self.start, argument="start")
        stop = parse_date(self.end, argument="end")  # after start: checked when built
        basis = _plan_day_count(pos)
        factors = list(draft.factors)
        touched = False
        for k, (a, b) in enumerate(zip(_period_starts(pos, draft), draft.dues, strict=True)):
            low, high = max(a, begin), min(b, stop)
            whole = basis.days(a, b)
            if low >= high or not factors[k] or whole <= 0:
                continue
            kept = max(whole - basis.days(low, high), 0)
            factors[k] = factors[k] * kept / whole
            touched = True
        if not touched:
            if not any(draft.factors):
                raise RestructureNotAllowedError(
                    "the plan charges no interest to pause (a flat-fee plan's cost is its "
                    "fee: WaiveFees or ReduceRate(fee_rate=...))")
            raise InvalidArgumentError("end", "the pause overlaps no interest period of the "
                                       f"remaining plan (from {_period_starts(pos, draft)[0]} "
                                       f"to {draft.dues[-1].isoformat()})",
                                       received=(begin.isoformat(), stop.isoformat()))
        return replace(draft, factors=tuple(factors), reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class PartialClaim(Change):
    """A partial claim (FHA loss mitigation): ``amount`` (major units) moved to a
    non-interest-bearing balance repaid with the last installment (the subordinate note,
    due at payoff or maturity). It first cures the arrearage (the overdue
    ``components``, in order), and the rest defers interest-bearing principal, after
    which the remaining installments are re-amortized. Arrears it does not reach stay
    due on the restructuring date.

    Raises
    ------
    InvalidArgumentError
        Built: ``amount`` missing or not positive; ``components`` not a non-empty list of
        distinct arrears components. Applied (also :func:`restructure`'s errors): an amount
        above what the components owe.

    References
    ----------
    12 U.S.C. 1715u(b)(2): the claim at most 30 percent of the unpaid principal balance,
    first applied to any arrearage, then to principal reduction; HUD Handbook 4000.1
    III.A.2 (partial claims; statutory maximum, Mortgagee Letters 2023-03 and 2025-12).
    """

    amount: Any
    components: tuple[str, ...] = ("principal", "interest", "fee")
    kind = "partial_claim"

    def _check(self) -> None:
        _check_amount(self.amount, "amount")
        _check_components(self)

    def describe(self) -> str:
        """E.g. ``partial claim 1200.00``."""
        return f"partial claim {self.amount}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        claim = parse_money(self.amount, pos.currency, argument="amount")
        arrears, cured = dict(draft.arrears), 0
        for component in self.components:
            take = min(arrears.get(component, 0), claim - cured)
            cured += take
            arrears[component] = arrears.get(component, 0) - take
        rest = claim - cured
        if rest >= draft.principal:
            raise InvalidArgumentError(
                "amount", "must leave some principal interest-bearing: at most "
                f"{format_money(cured + draft.principal - 1, pos.currency)} (arrears "
                f"{format_money(cured, pos.currency)} + principal)",
                received=format_money(claim, pos.currency))
        return replace(draft, principal=draft.principal - rest, deferred=draft.deferred + claim,
                       arrears={k: v for k, v in arrears.items() if v},
                       reamortize=draft.reamortize or rest > 0)


def _target(currency: Any, target_payment: Any, monthly_income: Any,
            income_share: Any) -> int:
    """The payment to reach (minor units): given, or a share of income rounded down."""
    if (target_payment is None) == (monthly_income is None):
        raise InvalidArgumentError("target_payment", "give target_payment or "
                                   "monthly_income (with income_share), not both",
                                   received=(target_payment, monthly_income))
    if target_payment is not None:
        return parse_money(target_payment, currency, argument="target_payment")
    income = parse_money(monthly_income, currency, argument="monthly_income")
    share = parse_rate(income_share, argument="income_share")
    if not 0 < share <= 1:
        raise InvalidArgumentError("income_share", "must be above 0 and at most 1 (100%)",
                                   received=str(income_share))
    limit = income * share
    return round_ratio(limit.numerator, limit.denominator, RoundingMode.DOWN)


@in_library_context
def partial_claim(loan: Schedule | LoanState | Position, *, target_payment: Any = None,
                  monthly_income: Any = None, income_share: Any = "0.31",
                  max_share: Any = "0.30", unpaid_principal: Any = None,
                  previous_claims: Any = 0, changes: Sequence[Change] = (),
                  components: tuple[str, ...] = ("principal", "interest", "fee"),
                  as_of: Any = None, payments: Iterable[Any] = (),
                  terms: ServicingTerms | None = None) -> Restructuring | NoFeasibleOption:
    """The least partial claim that brings the first regular installment to a target.

    The ``changes`` the caller asks for (a term extension, a rate step) are applied
    first; then a :class:`PartialClaim` cures the arrearage (the overdue
    ``components``) and defers the least principal, found by exact bisection on minor
    units, whose re-amortized installment is at most ``target_payment`` (or
    ``income_share`` of ``monthly_income``, rounded down: 31% is HAMP's housing ratio,
    25% the low end of HAMP Tier 2's range). The whole claim is at most ``max_share`` of
    ``unpaid_principal`` (default: the principal outstanding on the restructuring date;
    FHA measures it as of the date of default) less ``previous_claims``.

    Returns
    -------
    Restructuring or NoFeasibleOption
        The option (with no claim at all when the ``changes`` alone meet the target and
        nothing is overdue), or a :class:`NoFeasibleOption` whose ``binding`` is
        ``"partial claim limit"`` (the arrearage alone exceeds it, or the largest claim
        allowed still misses the target; ``closest`` is that option) or
        ``"interest-bearing principal"`` (a claim of all but one minor unit of the
        principal still misses it).

    Raises
    ------
    InvalidArgumentError
        ``target_payment`` and ``monthly_income`` both or neither given, or not amounts;
        ``income_share`` or ``max_share`` not above 0 and at most 1; ``unpaid_principal``
        or ``previous_claims`` not an amount; ``changes`` not a list of changes
        (``changes[k]``); ``components`` as for :class:`PartialClaim`; and the errors of
        :func:`restructure` (``loan``, ``as_of``, ``payments``, ``terms``).
    RestructureNotAllowedError
        Nothing to claim, or the loan's position does not allow a change.

    References
    ----------
    12 U.S.C. 1715u(b)(2)(A)-(B) (at most 30 percent of the unpaid principal balance;
    applied first to the arrearage); HUD Mortgagee Letter 2016-14 (the amount available:
    30% of the unpaid principal balance as of the date of default less previous partial
    claims, or what meets the target payment, whichever is less); Mortgagee Letters
    2023-02/2023-03 (COVID-19 recovery options raised from 25% to the statutory 30%) and
    2025-06/2025-12 (HUD Handbook 4000.1 III.A.2.i.iv(C), statutory maximum for partial
    claims).

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("100000", annual_rate="0.075", installments=360,
    ...                  start="2026-01-01").schedule()
    >>> s[0].payment
    Decimal('699.21')
    >>> found = partial_claim(s, target_payment="600.00", as_of="2026-01-10")
    >>> found.first_payment, found.deferred
    (Decimal('600.00'), Decimal('14188.71'))
    """
    pos = position(loan, payments, as_of=as_of, terms=terms)
    cur = pos.currency
    target = _target(cur, target_payment, monthly_income, income_share)
    if isinstance(changes, Change) or not isinstance(changes, Sequence):
        raise InvalidArgumentError("changes", "must be a list of changes applied before the "
                                   "claim, e.g. [ExtendTerm(periods=120)]", received=changes)
    base = list(changes)
    share = parse_rate(max_share, argument="max_share")
    if not 0 < share <= 1:
        raise InvalidArgumentError("max_share", "must be above 0 and at most 1 (100%)",
                                   received=str(max_share))
    upb = pos.outstanding if unpaid_principal is None else parse_money(
        unpaid_principal, cur, argument="unpaid_principal")
    before = parse_money(previous_claims, cur, argument="previous_claims", allow_zero=True)
    most_claim = share * upb
    limit = round_ratio(most_claim.numerator, most_claim.denominator, RoundingMode.DOWN) - before
    draft = _start(pos)
    for k, change in enumerate(base):
        if not isinstance(change, Change):
            raise InvalidArgumentError(f"changes[{k}]", "must be a Change", received=change)
        draft = change.apply(pos, draft)
    arrearage = sum(draft.arrears.get(c, 0) for c in components)

    def run(deferral: int) -> Restructuring:
        claim = arrearage + deferral
        if not claim:
            return restructure(pos, base)
        return restructure(pos, [*base, PartialClaim(amount=cur.to_major(claim),
                                                     components=tuple(components))])

    def meets(option: Restructuring) -> bool:
        return cur.to_minor(option.first_payment) <= target

    if arrearage > limit:
        return NoFeasibleOption(
            target=cur.to_major(target), binding="partial claim limit",
            closest=restructure(pos, base),
            reason=(f"the arrearage {format_money(arrearage, cur)} alone exceeds the "
                    f"partial claim limit {format_money(max(limit, 0), cur)} "
                    f"({float(share):.4g} of {format_money(upb, cur)}, less "
                    f"{format_money(before, cur)} claimed before)"))
    option = run(0)
    if meets(option):
        return option
    room = draft.principal - 1
    most = min(limit - arrearage, room)
    largest = run(most)
    if not meets(largest):
        binding = "partial claim limit" if most < room else "interest-bearing principal"
        return NoFeasibleOption(
            target=cur.to_major(target), binding=binding, closest=largest,
            reason=(f"no partial claim meets {format_money(target, cur)}: with "
                    f"{format_money(arrearage + most, cur)} claimed (the {binding}), the "
                    f"installment is still {largest.first_payment}"))
    low, high = 0, most  # run(low) misses, run(high) meets
    while high - low > 1:
        middle = (low + high) // 2
        trial = run(middle)
        if meets(trial):
            high, largest = middle, trial
        else:
            low = middle
    return largest
