"""Searching for an option that meets a payment target: :func:`find_option` (the HAMP
waterfall's first option) and :func:`best_option` (the best of all the policy allows)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .._context import in_library_context
from ..calendar import Frequency, _check_int
from ..errors import InvalidArgumentError, RestructureNotAllowedError, parse_enum
from ..money import format_money, parse_money
from ..rates import parse_rate
from ..rounding import RoundingMode, round_ratio
from ..schedule import Schedule
from ..servicing import LoanState, ServicingTerms
from .changes import CapitalizeArrears, Change, DeferPrincipal, ExtendTerm, ReduceRate, _count
from .comparison import ComparisonRow, compare, rate_caps
from .positions import Position, _method, _original_fee_rate, _start, position
from .result import Restructuring, restructure

#: The most candidates a search tries (rates, or rates × extensions) unless told otherwise.
MAX_CANDIDATES = 2_000
#: The smallest rate step a search takes: 0.0001% (a step below it changes no installment
#: a disclosure shows, and would only make the search long).
MIN_RATE_STEP = Fraction(1, 1_000_000)


def _check_grid(current: Fraction, floor: Fraction, step: Fraction, max_candidates: Any,
                argument: str) -> int:
    """The number of rates from ``current`` down to ``floor`` in ``step``s, bounded."""
    limit = _count(max_candidates, "max_candidates")
    if step <= 0:
        raise InvalidArgumentError(argument, "must be positive", received=str(step))
    if step < MIN_RATE_STEP:
        raise InvalidArgumentError(argument, f"must be at least {MIN_RATE_STEP} (0.0001%): "
                                   "a smaller step changes no installment",
                                   received=str(step))
    levels = max(-((floor - current) // step), 0)  # ceil((current - floor) / step)
    if levels > limit:
        raise InvalidArgumentError(argument, f"would try {levels} rates from "
                                   f"{float(current):.6g} down to {float(floor):.6g}; at "
                                   f"most max_candidates={limit}: take a larger step",
                                   received=str(step))
    return int(levels)


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


def _check_search(rate_step: Any, rate_floor: Any, fee_rate_step: Any, fee_rate_floor: Any,
                  max_extension: Any, max_candidates: Any) -> None:
    """Every argument of a search checked before it starts (not only those the search
    gets to use: a bad step is refused even when the first option meets the target)."""
    for value, name in ((rate_step, "rate_step"), (rate_floor, "rate_floor"),
                        (fee_rate_step, "fee_rate_step"), (fee_rate_floor, "fee_rate_floor")):
        parse_rate(value, argument=name)
    _count(max_extension, "max_extension", minimum=0)
    _count(max_candidates, "max_candidates")


@in_library_context
def find_option(loan: Schedule | LoanState | Position, *, target_payment: Any,
                rate_step: Any = "0.00125", rate_floor: Any = "0.02",
                fee_rate_step: Any = "0.0005", fee_rate_floor: Any = "0",
                max_extension: int = 24, max_deferral: Any = "0.3",
                max_candidates: int = MAX_CANDIDATES, as_of: Any = None,
                payments: Iterable[Any] = (),
                terms: ServicingTerms | None = None) -> Restructuring | NoFeasibleOption:
    """HAMP-style search for the least concession whose first regular installment meets
    ``target_payment``: (1) capitalize the arrears; (2) lower the annual rate in
    ``rate_step`` steps down to ``rate_floor`` (for a flat-fee plan, the fee rate in
    ``fee_rate_step`` steps down to ``fee_rate_floor``); (3) at the floor, extend the term
    one period at a time up to ``max_extension``; (4) then defer principal into a
    non-interest-bearing balloon, at most ``max_deferral`` of the principal. The first
    option that meets the target is returned; else a :class:`NoFeasibleOption` that says
    which limit binds. The search is bounded: a rate step that would try more than
    ``max_candidates`` rates, or one below :data:`MIN_RATE_STEP`, is refused. For the
    option that is best by cost or by the lender's NPV among all those that meet the
    target, see :func:`best_option`.

    Raises
    ------
    InvalidArgumentError
        ``target_payment`` is not a positive amount; a step or floor is not a rate, or the
        steps would try too many rates; ``max_extension`` is not a whole number in range;
        ``max_deferral`` is not a share; ``max_candidates`` is not a whole number of at
        least 1; the errors of :func:`restructure` for ``loan``, ``as_of``, ``payments``,
        ``terms``.
    RestructureNotAllowedError
        The loan has nothing to restructure (paid off, or past its last due date).

    References
    ----------
    U.S. Treasury, Making Home Affordable Program Handbook: the HAMP Tier 1 standard
    modification waterfall (capitalize, reduce the rate in 0.125% steps to a 2% floor,
    extend the term, forbear principal).
    """
    pos = position(loan, payments, as_of=as_of, terms=terms)
    cur = pos.currency
    target = parse_money(target_payment, cur, argument="target_payment")
    _check_search(rate_step, rate_floor, fee_rate_step, fee_rate_floor, max_extension,
                  max_candidates)
    parse_rate(max_deferral, argument="max_deferral")
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
            return _rate_cut(r, freq)
    _check_grid(current, floor, step, max_candidates, "fee_rate_step" if method == "flat"
                else "rate_step")
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


# --------------------------------------------------------------- the best option


class Objective(enum.Enum):
    """What :func:`best_option` optimizes among the options that meet the target:
    ``BORROWER_COST`` (the least the borrower pays in all, then the higher lender NPV)
    or ``LENDER_NPV`` (the highest net present value to the lender, then the least
    cost)."""

    BORROWER_COST = "borrower_cost"
    LENDER_NPV = "lender_npv"


@dataclass(frozen=True, slots=True, kw_only=True)
class RankedOption:
    """One candidate of :func:`best_option`: its figures (a :class:`ComparisonRow`),
    its rank among the eligible (1 is best; ``None`` when rejected) and why it was
    rejected."""

    option: Restructuring
    row: ComparisonRow
    rank: int | None
    reasons: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return not self.reasons


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionSearch:
    """What :func:`best_option` found: ``best`` (``None`` when no candidate meets the
    target and the caps), the eligible candidates in ``ranking`` order and the
    ``rejected`` ones with their reasons."""

    objective: Objective
    target: Decimal
    best: Restructuring | None
    ranking: tuple[RankedOption, ...]
    rejected: tuple[RankedOption, ...]
    refused: tuple[tuple[str, str], ...] = ()  # (changes, why the library refused them)

    def __bool__(self) -> bool:
        return self.best is not None

    def __repr__(self) -> str:
        best = "none" if self.best is None else self.ranking[0].row.name
        return (f"<OptionSearch {self.objective.value}: best {best!r} of "
                f"{len(self.ranking)} eligible, {len(self.rejected)} rejected>")

    def to_text(self, limit: int = 10) -> str:
        """The ranking (first ``limit``) and a count of the rejected by reason.

        Raises
        ------
        InvalidArgumentError
            ``limit`` is not an int of at least 0.
        """
        _check_int(limit, argument="limit", minimum=0)
        lines = [f"{'rank':>4}  {'option':56} {'first':>10} {'total':>12} {'lender NPV':>12}"]
        for ranked in self.ranking[:limit]:
            row = ranked.row
            lines.append(f"{ranked.rank:>4}  {row.name[:56]:56} {row.first_payment:>10,} "
                         f"{row.total_to_pay:>12,} {row.lender_npv:>12,}")
        reasons: dict[str, int] = {}
        for ranked in self.rejected:
            for reason in ranked.reasons:
                key = reason.split(":")[0]
                reasons[key] = reasons.get(key, 0) + 1
        lines += [f"rejected: {count} {reason}" for reason, count in sorted(reasons.items())]
        if self.refused:
            lines.append(f"refused: {len(self.refused)} (e.g. {self.refused[0][0]}: "
                         f"{self.refused[0][1]})")
        return "\n".join(lines)


@in_library_context
def best_option(loan: Schedule | LoanState | Position, *, target_payment: Any,
                discount_rate: Any, objective: Objective | str = Objective.BORROWER_COST,
                rate_step: Any = "0.00125", rate_floor: Any = "0.02",
                fee_rate_step: Any = "0.0005", fee_rate_floor: Any = "0",
                max_extension: int = 24, caps: dict[str, Any] | None = None,
                lpr: Any = None, max_candidates: int = MAX_CANDIDATES, as_of: Any = None,
                payments: Iterable[Any] = (),
                terms: ServicingTerms | None = None) -> OptionSearch:
    """The best restructuring the policy allows, not the first: every combination of the
    arrears capitalized, a rate (or a flat plan's fee rate) from today's down to the
    floor in steps, and an extension of 0 to ``max_extension`` periods, is run; those
    whose first regular installment meets ``target_payment`` and whose annualized rate
    is within the caps are ranked by ``objective``.

    Parameters
    ----------
    target_payment
        The installment the borrower can afford (major units).
    discount_rate
        Annual rate of the lender's NPV (as :func:`compare`).
    objective
        :class:`Objective`: ``"borrower_cost"`` (default) or ``"lender_npv"``.
    caps, lpr
        Rate caps, as :func:`compare` (default :data:`RATE_CAPS`).
    max_candidates
        At most this many combinations are run (a larger grid is refused, naming the
        step or ``max_extension``, before anything is run).

    Raises
    ------
    InvalidArgumentError
        As :func:`find_option`; ``discount_rate`` is not a rate; ``objective`` is unknown;
        ``caps`` is not a mapping of names to rates.
    RestructureNotAllowedError
        The loan has nothing to restructure (candidates the loan does not allow are
        counted as refused, not raised).

    Examples
    --------
    >>> from bnpl_restructure.examples import seed_plan
    >>> from bnpl_restructure.servicing import loan_state
    >>> state = loan_state(seed_plan().schedule(), [("2026-02-15", "536.00")],
    ...                    as_of="2026-04-20")
    >>> found = best_option(state, target_payment="465.00", discount_rate="0.05",
    ...                     fee_rate_step="0.001", max_extension=6)
    >>> found.best.first_payment <= 465, found.ranking[0].rank
    (True, 1)
    """
    pos = position(loan, payments, as_of=as_of, terms=terms)
    cur = pos.currency
    target = parse_money(target_payment, cur, argument="target_payment")
    _check_search(rate_step, rate_floor, fee_rate_step, fee_rate_floor, max_extension,
                  max_candidates)
    goal = parse_enum(Objective, objective, argument="objective")
    rate_caps(caps)  # refused before anything is searched
    extensions = _count(max_extension, "max_extension", minimum=0) + 1
    method = _method(pos)
    freq = pos.remaining.frequency or Frequency.MONTHLY
    if method == "flat":
        current = _original_fee_rate(pos)
        step = parse_rate(fee_rate_step, argument="fee_rate_step")
        floor = parse_rate(fee_rate_floor, argument="fee_rate_floor")
        argument = "fee_rate_step"
    else:
        regular = max(_start(pos).factors, key=_start(pos).factors.count)
        current = regular * freq.periods_per_year
        step = parse_rate(rate_step, argument="rate_step")
        floor = parse_rate(rate_floor, argument="rate_floor")
        argument = "rate_step"
    limit = _count(max_candidates, "max_candidates")
    levels = _check_grid(current, floor, step, limit, argument)
    if (levels + 1) * extensions > limit:
        raise InvalidArgumentError("max_extension", f"with {levels + 1} rates makes "
                                   f"{(levels + 1) * extensions} candidates; at most "
                                   f"max_candidates={limit}", received=max_extension)
    rates: list[Fraction | None] = [None]
    rate = current
    while rate > floor:
        rate = max(rate - step, floor)
        rates.append(rate)
    candidates: list[list[Change]] = []
    for r in rates:
        cut: list[Change] = []
        if r is not None:
            cut = [ReduceRate(fee_rate=r) if method == "flat" else _rate_cut(r, freq)]
        for extra in range(extensions):
            more: list[Change] = [ExtendTerm(periods=extra)] if extra else []
            candidates.append([CapitalizeArrears(), *cut, *more])
    options = []
    refused: list[tuple[str, str]] = []
    for changes in candidates:
        try:
            options.append(restructure(pos, changes))
        except RestructureNotAllowedError as exc:
            refused.append((" + ".join(c.describe() for c in changes), str(exc)))
    table = compare(pos, options, discount_rate=discount_rate, caps=caps, lpr=lpr)
    ranked: list[RankedOption] = []
    rejected: list[RankedOption] = []
    for option, row in zip(options, table.rows[1:], strict=True):
        reasons = []
        if cur.to_minor(row.first_payment) > target:
            reasons.append(f"payment above target: {row.first_payment} > "
                           f"{cur.to_major(target)}")
        reasons += [f"over the rate cap: {name}" for name in row.over_caps]
        entry = RankedOption(option=option, row=row, rank=None, reasons=tuple(reasons))
        (rejected if reasons else ranked).append(entry)

    def key(entry: RankedOption) -> tuple[Any, ...]:
        row = entry.row
        simpler = len(entry.option.changes)
        if goal is Objective.LENDER_NPV:
            return (-row.lender_npv, row.total_to_pay, simpler)
        return (row.total_to_pay, -row.lender_npv, simpler)

    ranked.sort(key=key)
    ranking = tuple(RankedOption(option=e.option, row=e.row, rank=k + 1, reasons=())
                    for k, e in enumerate(ranked))
    return OptionSearch(objective=goal, target=cur.to_major(target),
                        best=ranking[0].option if ranking else None, ranking=ranking,
                        rejected=tuple(rejected), refused=tuple(refused))


def _rate_cut(rate: Fraction, freq: Frequency) -> ReduceRate:
    exact = Decimal(rate.numerator) / Decimal(rate.denominator)
    if Fraction(exact) == rate:  # a decimal annual rate: shown as such
        return ReduceRate(annual_rate=exact)
    return ReduceRate(periodic_rate=rate / freq.periods_per_year)
