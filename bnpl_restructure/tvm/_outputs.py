"""Rounding an exact or high-precision result once: places, or 28 significant digits."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import MAX_PREC, Context, Decimal
from fractions import Fraction
from typing import Final

from .._context import PRECISION, make_context
from ..rounding import RoundingMode, round_ratio
from ._inputs import _check_budget

_LOG10_2: Final[float] = math.log10(2)
_EXACT: Final[Context] = make_context(MAX_PREC)  # shifts a coefficient, never rounds


def _log10_estimate(numerator: int, denominator: int) -> int:
    """``floor(log10(|numerator / denominator|))``, possibly one too small or too large."""
    return math.floor((abs(numerator).bit_length() - denominator.bit_length()) * _LOG10_2)


def _significant(numerator: int, denominator: int, digits: int = PRECISION) -> Decimal:
    """``numerator / denominator`` rounded half-even to ``digits`` significant digits, as
    the shortest Decimal with that value (integers of any size: one short division)."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    if numerator == 0:
        return Decimal(0)
    shift = digits - 1 - _log10_estimate(numerator, denominator)
    for _ in range(4):  # the estimate is within one; a carry (9.99 -> 10.0) adds one more
        if shift >= 0:
            quotient = round_ratio(numerator * 10**shift, denominator, RoundingMode.HALF_EVEN)
        else:
            quotient = round_ratio(numerator, denominator * 10**-shift, RoundingMode.HALF_EVEN)
        length = len(str(abs(quotient)))
        if length == digits:
            break
        shift += digits - length
    while shift > 0 and quotient % 10 == 0:
        quotient //= 10
        shift -= 1
    return Decimal(f"{quotient}E{-shift}")


def _result(numerator: int, denominator: int, places: int | None,
            mode: RoundingMode) -> Decimal:
    """The exact ``numerator / denominator``, rounded once by the caller's rule."""
    if places is None:
        return _significant(numerator, denominator)
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient = round_ratio(numerator * 10**places, denominator, mode)
    return Decimal(quotient).scaleb(-places, _EXACT)  # Decimal(int): exact, any size


def _exact_or(rule: tuple[int | None, RoundingMode], rate: Fraction, periods: int,
              at_zero_rate: Fraction, exact: Callable[[], tuple[int, int]], *,
              argument: str = "nper") -> Decimal:
    """The value at rate 0 (``at_zero_rate``), else the ratio ``exact()`` builds (after
    the digit budget is checked), rounded once by ``rule`` (places, mode)."""
    if rate == 0:
        return _result(at_zero_rate.numerator, at_zero_rate.denominator, *rule)
    _check_budget(periods, [rate], argument)
    return _result(*exact(), *rule)


def _decimal_result(value: Decimal) -> Decimal:
    """A high-precision Decimal rounded half-even to 28 significant digits."""
    return _significant(*value.as_integer_ratio())
