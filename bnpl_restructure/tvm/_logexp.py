"""Logarithms and exponentials to about 50 significant digits (nper, mirr, rate)."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from .._context import make_context
from ._outputs import _log10_estimate, _significant

_WORK: Final[int] = 50  # digits carried by ln / exp before the result is rounded


def _ln_ratio(numerator: int, denominator: int) -> Decimal:
    """``ln(numerator / denominator)`` (positive ratio) to about 50 significant digits,
    with as many more working digits as the ratio has zeros after ``1.``."""
    difference = numerator - denominator
    if difference == 0:
        return Decimal(0)
    closeness = max(0, -_log10_estimate(difference, denominator))
    digits = _WORK + closeness + 2
    return make_context(digits).ln(_significant(numerator, denominator, digits))


def _expm1(value: Decimal) -> Decimal:
    """``exp(value) - 1`` to about 50 significant digits, also for tiny ``value``."""
    if value == 0:
        return Decimal(0)
    ctx = make_context(_WORK + max(0, -value.adjusted()) + 2)
    return ctx.subtract(ctx.exp(value), 1)
