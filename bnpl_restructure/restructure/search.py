"""Searching for an option that meets a payment target: :func:`find_option`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .._context import in_library_context
from ..calendar import Frequency
from ..errors import (
    InvalidArgumentError,
)
from ..money import format_money, parse_money
from ..rates import parse_rate
from ..rounding import RoundingMode, round_ratio
from ..schedule import Schedule
from ..servicing import LoanState, ServicingTerms
from .changes import CapitalizeArrears, Change, DeferPrincipal, ExtendTerm, ReduceRate, _count
from .positions import Position, _method, _original_fee_rate, _start, position
from .result import Restructuring, restructure


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
