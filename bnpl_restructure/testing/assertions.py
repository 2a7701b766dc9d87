"""Assertions for another team's test suite, with messages that name the first differing
row and the minor units.

Each raises :class:`AssertionError` (so pytest shows the message as the failure, and
unittest or a plain script can use them too) and returns nothing when the check holds.

Examples
--------
>>> from bnpl_restructure import Plan
>>> plan = Plan.pay_in_4("100.01", start="2024-03-01", currency="USD")
>>> assert_schedule_equal([{"payment": "25.00"}] * 3 + [{"payment": "25.01"}], plan)
>>> assert_schedule_equal([{"payment": "25.00"}] * 4, plan)
Traceback (most recent call last):
...
AssertionError: schedules differ in 1 cell; first: row 4 payment: theirs 25.00, ours 25.01 \
(-1 minor unit)
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from .._context import make_context
from ..errors import InvalidArgumentError
from ..money import to_decimal
from ..plans import Plan
from ..schedule import Schedule
from ..servicing import COMPONENTS, LoanState
from .reconcile import reconcile

__all__ = ["assert_conserves", "assert_rate_equal", "assert_schedule_equal"]

_RATE = make_context(60)


def assert_schedule_equal(theirs: Any, ours: Plan | Schedule, *, tolerance: Any = 0,
                          columns: Mapping[str, str] | None = None) -> None:
    """Their schedule equals ours, cell by cell, within ``tolerance``.

    Parameters
    ----------
    theirs
        Their rows: anything :func:`~bnpl_restructure.testing.reconcile.reconcile`
        reads (mappings, a CSV file, a DataFrame, a Schedule).
    ours
        The plan (its schedule) or the schedule they must equal.
    tolerance
        The largest difference allowed in a money cell, in major units (``"0.01"`` for a
        cent); 0 by default: exact.
    columns
        Explicit column names for theirs.

    Raises
    ------
    AssertionError
        Naming how many cells differ beyond the tolerance and the first one: its row,
        column, both values and the difference in minor units.
    """
    schedule = ours if isinstance(ours, Schedule) else (
        ours.schedule() if isinstance(ours, Plan) else None)
    if schedule is None:
        raise InvalidArgumentError("ours", "must be a Plan or a Schedule", received=ours)
    allowed = schedule.currency.to_minor(to_decimal(tolerance, argument="tolerance"),
                                         argument="tolerance")
    if allowed < 0:
        raise InvalidArgumentError("tolerance", "must not be negative", received=tolerance)
    result = reconcile(theirs, schedule, columns=columns, search=False)
    beyond = [d for d in result.differences
              if d.minor_units is None or abs(d.minor_units) > allowed]
    if beyond:
        cells = "cell" if len(beyond) == 1 else "cells"
        within = f" by more than {tolerance}" if allowed else ""
        raise AssertionError(f"schedules differ{within} in {len(beyond)} {cells}; first: "
                             f"{beyond[0]}")


def assert_rate_equal(rate: Any, expected: Any, *, places: int = 4) -> None:
    """``rate`` equals ``expected`` to ``places`` decimals (rounded half-up), rates as
    fractions (``"0.1303"`` is 13.03%): a disclosed APR to two decimals of a percentage
    point is ``places=4``.

    Raises
    ------
    AssertionError
        Showing both rates as percentages and the difference.
    InvalidArgumentError
        A rate is not a number or is too large to compare (``rate``, ``expected``), or
        ``places`` is not a whole number from 0 to 28.
    """
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 28:
        raise InvalidArgumentError("places", "must be a whole number from 0 to 28",
                                   received=places)
    quantum = Decimal((0, (1,), -places))
    got, want = (_rounded(value, argument, quantum)
                 for value, argument in ((rate, "rate"), (expected, "expected")))
    if got != want:
        shown = max(places - 2, 0)
        raise AssertionError(
            f"rate {_percent(got, shown)} != expected {_percent(want, shown)} to {places} "
            f"decimals (difference {_percent(_RATE.subtract(got, want), shown)} points)")


def _rounded(value: Any, argument: str, quantum: Decimal) -> Decimal:
    """``value`` rounded half-up to ``quantum``; a rate with more digits than the
    comparison's 60 is refused (its quantize would be an invalid operation)."""
    number = _as_decimal(value, argument)
    if number.adjusted() - quantum.adjusted() >= _RATE.prec:
        raise InvalidArgumentError(argument, "is too large to compare as a rate (more than "
                                   "60 digits to these places)", received=value)
    return number.quantize(quantum, rounding=ROUND_HALF_UP, context=_RATE)


def _as_decimal(value: Any, argument: str) -> Decimal:
    if isinstance(value, Fraction):
        return _RATE.divide(Decimal(value.numerator), Decimal(value.denominator))
    return to_decimal(value, argument=argument)


def _percent(value: Decimal, places: int) -> str:
    return f"{_RATE.multiply(value, Decimal(100)):.{places}f}%"


def assert_conserves(state: LoanState) -> None:
    """The money identities of a loan state: every amount received is allocated to a
    component or held as credit (``total_paid == Σ paid + credit_balance``), nothing is
    negative, the charges still owed do not exceed what was charged, and a settled loan
    owes nothing.

    Raises
    ------
    AssertionError
        Naming the identity that fails and the amounts.
    InvalidArgumentError
        ``state`` is not a LoanState.
    """
    if not isinstance(state, LoanState):
        raise InvalidArgumentError("state", "must be a LoanState (servicing.loan_state)",
                                   received=state)
    allocated = sum((state.paid.get(c, Decimal(0)) for c in COMPONENTS), Decimal(0))
    if allocated + state.credit_balance != state.total_paid:
        raise AssertionError(
            f"received {state.total_paid} but allocated {allocated} + credit "
            f"{state.credit_balance} = {allocated + state.credit_balance}")
    for name in ("outstanding_principal", "unpaid_interest", "unpaid_fees",
                 "unpaid_penalty", "unpaid_late_fees", "credit_balance", "payoff_amount",
                 "total_paid"):
        if getattr(state, name) < 0:
            raise AssertionError(f"{name} is negative: {getattr(state, name)}")
    if state.unpaid_penalty > state.penalty_charged:
        raise AssertionError(f"unpaid penalty {state.unpaid_penalty} exceeds the penalty "
                             f"charged {state.penalty_charged}")
    if state.unpaid_late_fees > state.late_fees_charged:
        raise AssertionError(f"unpaid late fees {state.unpaid_late_fees} exceed the late "
                             f"fees charged {state.late_fees_charged}")
    if state.payoff_amount == 0 and state.outstanding_principal != 0:
        raise AssertionError(f"nothing to pay off but {state.outstanding_principal} "
                             "principal outstanding")
