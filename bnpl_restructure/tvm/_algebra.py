"""Exact annuity algebra: each function as one integer numerator over one denominator."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

# With rate = a / b (b > 0, a + b > 0), growth (1 + rate)^k = X_k / B_k where
# X_k = (a + b)^k and B_k = b^k, and c = b + a*w (w = 1 for payments at the beginning),
# the annuity factor (1 + rate*w) * ((1 + rate)^k - 1) / rate is c * (X_k - B_k) / (a * B_k).
# Substituting into pv*(1+r)^n + pmt*factor + fv = 0 gives every function below as one
# integer numerator over one integer denominator: no Fraction arithmetic (whose gcd on
# integers of 10^5 digits costs seconds), one division at the very end.


def _scaled(*amounts: Fraction) -> tuple[int, list[int]]:
    """A common denominator and the amounts as integer numerators over it."""
    scale = math.lcm(*(a.denominator for a in amounts))
    return scale, [a.numerator * (scale // a.denominator) for a in amounts]


class _Powers(NamedTuple):
    """``rate = a / b``, ``c = b + a·w`` and ``(1 + rate)^k = grown / base``."""

    a: int
    b: int
    c: int
    grown: int
    base: int


def _powers(rate: Fraction, periods: int, begin: bool) -> _Powers:
    a, b = rate.numerator, rate.denominator
    return _Powers(a, b, b + a if begin else b, (a + b) ** periods, b**periods)


def _payment(rate: Fraction, periods: int, present: Fraction, future: Fraction,
             begin: bool) -> tuple[int, int]:
    """PMT as (numerator, denominator); ``rate`` is not zero."""
    a, _, c, grown, base = _powers(rate, periods, begin)
    scale, (p, f) = _scaled(present, future)
    return -(p * grown + f * base) * a, scale * c * (grown - base)


def _balance_interest(rate: Fraction, period: int, periods: int, present: Fraction,
                      future: Fraction, begin: bool) -> tuple[int, int]:
    """IPMT as (numerator, denominator); ``rate`` is not zero, ``period`` >= 2 if begin.

    The interest paid in ``period`` is the rate times the balance after ``period - 1``
    payments, FV(rate, period - 1, PMT, pv); a payment at the beginning of the period
    pays the interest of the period before, on the balance before the payment of the
    previous period: the rate times that balance, divided by (1 + rate).
    """
    a, b, c, grown, base = _powers(rate, period - 1, begin)
    scale, (p,) = _scaled(present)
    pay_num, pay_den = _payment(rate, periods, present, future, begin)
    # balance = -(pv*X/B + PMT*c*(X - B)/(a*B)); times a/b (end) or a/(a+b) (begin)
    numerator = -(p * a * pay_den * grown + scale * pay_num * c * (grown - base))
    return numerator, scale * (a + b if begin else b) * pay_den * base


def _value(rate: Fraction, periods: int, lump: Fraction, payment: Fraction, begin: bool,
           *, future: bool) -> tuple[int, int]:
    """FV of ``lump`` now and the payments (``future``), or PV of ``lump`` at the end and
    the payments, as (numerator, denominator); ``rate`` is not zero."""
    a, _, c, grown, base = _powers(rate, periods, begin)
    scale, (s, m) = _scaled(lump, payment)
    near, far = (grown, base) if future else (base, grown)
    return -(s * a * near + m * c * (grown - base)), scale * a * far


def _horner(values: Sequence[int], up: int, down: int) -> int:
    """``sum(values[i] * down**i * up**(m - 1 - i))`` for m values, by Horner's rule."""
    total, power = 0, 1
    for value in values:
        total = total * up + value * power
        power *= down
    return total
