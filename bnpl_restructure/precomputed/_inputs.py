"""Reading a precomputed loan's terms: counts, plan terms, years, rounding, schedules."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any, NamedTuple

from ..calendar import Frequency
from ..errors import InvalidArgumentError
from ..money import Currency, to_decimal
from ..plans import Plan
from ..rounding import RoundingPolicy
from ..schedule import Schedule


def _whole_count(value: Any, *, argument: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidArgumentError(argument, f"must be a whole number from {low} to {high}",
                                   received=value)
    return value


class _Terms(NamedTuple):
    principal: int
    currency: Currency
    start: date
    due_dates: tuple[date, ...]
    frequency: Frequency


def _plan_terms(principal: Any, *, installments: Any, start: Any, first_due: Any,
                frequency: Any, currency: Any) -> _Terms:
    """Principal, currency and due dates as a :class:`~bnpl_restructure.plans.Plan` reads
    them (the same validation and the same anchored dates)."""
    plan = Plan.equal_principal(principal, annual_rate=0, installments=installments,
                                start=start, first_due=first_due, frequency=frequency,
                                currency=currency)
    return _Terms(plan.principal, plan.currency, plan.start, plan.due_dates, plan.frequency)


def _years(value: Any) -> Fraction:
    """A term in years: positive, at most 100 (a ``Fraction`` such as 7/12 as it is)."""
    years = value if isinstance(value, Fraction) else Fraction(to_decimal(value,
                                                                         argument="years"))
    if not 0 < years <= 100:
        raise InvalidArgumentError("years", "must be a positive number of years, at most 100",
                                   received=value)
    return years


def _policy(rounding: Any, currency: Currency) -> RoundingPolicy:
    if rounding is None:
        return RoundingPolicy()
    if not isinstance(rounding, RoundingPolicy):
        raise InvalidArgumentError("rounding", "must be a RoundingPolicy", received=rounding)
    rounding.increment_in(currency)  # a multiple of the currency's minor unit
    return rounding


def _not_whole(schedule: Schedule) -> str:
    """Why ``schedule`` is not the whole schedule of a new plan ('' when it is)."""
    if not schedule.due_dates:
        return "it has no installments"
    if schedule.first_number != 1 or schedule.opening_arrears:
        return f"it starts at installment {schedule.first_number}"
    if any(schedule.capitalized) or any(schedule.waived) or any(schedule.forgiven):
        return "interest capitalized or waived, or principal forgiven, is not precomputed"
    if sum(schedule.principal_paid) != schedule.principal or schedule.balance[-1] != 0:
        return "its principal parts do not repay the principal"
    return ""
