"""The actuarial method: the loan's own rate and balances in 60-decimal fixed point."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from itertools import accumulate
from typing import Final, NamedTuple

from ..errors import ConvergenceError
from ..rounding import RoundingMode, round_ratio

_SCALE: Final[int] = 10**60  # fixed point of the actuarial discount factor and balances
_NEAR: Final[int] = 10**40  # within 1e-20 minor units of a rounding boundary (scaled)
_MAX_DENOMINATOR: Final[int] = 10**12  # of a rational discount factor looked for
_MAX_STEPS: Final[int] = 200


class _Actuarial(NamedTuple):
    """The loan's own rate, solved: discount factor ``v = 1 / (1 + r)``."""

    scaled_v: int  # v × _SCALE
    balances: tuple[int, ...]  # actuarial balance after k = 0..n installments, × _SCALE
    exact_v: Fraction | None  # v itself, when it is rational (checked exactly)
    # the exact balance after k = 0..n, as (numerator, denominator), when v is rational
    exact_balances: tuple[tuple[int, int], ...] | None


def _remaining(payments: tuple[int, ...]) -> tuple[int, ...]:
    """The payments still scheduled after k = 0..n installments."""
    return tuple(accumulate(reversed(payments), initial=0))[::-1]


def _discounted(payments: tuple[int, ...], scaled_v: int) -> tuple[list[int], int]:
    """Actuarial balances ``B[k] = (B[k+1] + payment[k+1]) · v`` from the end, in fixed
    point (× ``_SCALE``, each step floored), for k = n .. 0, and the derivative of
    ``B[0]`` in ``v`` (× ``_SCALE``) for Newton's method."""
    balance = slope = 0
    balances = [0]
    for payment in reversed(payments):
        carried = balance + payment * _SCALE
        slope = slope * scaled_v // _SCALE + carried
        balance = carried * scaled_v // _SCALE
        balances.append(balance)
    return balances, slope


def _exact_discounted(payments: tuple[int, ...], v: Fraction) -> list[tuple[int, int]]:
    """The same balances exactly at a rational ``v = a / b``, for k = n .. 0: ``B[k] =
    N[k] / b^(n − k)`` with ``N[k] = (N[k+1] + payment[k+1] · b^(n − k − 1)) · a``, in
    integers (no fraction reduced: one multiplication by a small number per step)."""
    numerator, power = 0, 1
    balances = [(0, 1)]
    for payment in reversed(payments):
        numerator = (numerator + payment * power) * v.numerator
        power *= v.denominator
        balances.append((numerator, power))
    return balances


def _float_discount_factor(principal: int, payments: tuple[int, ...]) -> float:
    """A first ``v`` with ``Σ payment[k] · v^k = principal``, by Newton's method in floats
    from ``v = 1`` (the sum is increasing and convex in ``v``: the iterates decrease to the
    root)."""
    v = 1.0
    for _ in range(_MAX_STEPS):
        value = slope = 0.0
        for payment in reversed(payments):
            slope = slope * v + value + payment
            value = (value + payment) * v
        step = (value - principal) / slope
        v -= step
        if abs(step) <= 1e-15 * v:
            break
    return v


def _solve_actuarial(principal: int, payments: tuple[int, ...]) -> _Actuarial:
    """The discount factor at which the payments repay ``principal`` exactly, to 60
    decimals, and the actuarial balances; exactly too when ``v`` is rational."""
    n = len(payments)
    if sum(payments) == principal:  # no finance charge: rate 0, balance = what is due
        due = _remaining(payments)
        return _Actuarial(_SCALE, tuple(b * _SCALE for b in due), Fraction(1),
                          tuple((b, 1) for b in due))
    scaled = max(int(_float_discount_factor(principal, payments) * _SCALE), 1)
    target = principal * _SCALE
    for _ in range(_MAX_STEPS):
        balances, slope = _discounted(payments, scaled)
        step = (balances[-1] - target) * _SCALE // slope
        scaled -= step
        if abs(step) <= 1:
            break
    else:  # pragma: no cover - Newton on an increasing convex polynomial converges
        raise ConvergenceError("the actuarial rate did not converge")
    balances, _ = _discounted(payments, scaled)
    balances.reverse()
    candidate = Fraction(scaled, _SCALE).limit_denominator(_MAX_DENOMINATOR)
    if abs(candidate * _SCALE - scaled) < n + 2:  # a rational rate? check it exactly
        exact_balances = _exact_discounted(payments, candidate)
        numerator, power = exact_balances[-1]
        if numerator == principal * power:
            exact_balances.reverse()
            return _Actuarial(scaled, tuple(balances), candidate, tuple(exact_balances))
    return _Actuarial(scaled, tuple(balances), None, None)


def _near_boundary(numerator: int, denominator: int) -> bool:
    """Whether ``numerator / denominator`` is within ``_NEAR / _SCALE`` of a multiple of
    one half, where a rounding mode may decide."""
    offset = 2 * numerator % denominator
    tolerance = 2 * _NEAR * denominator // _SCALE
    return offset <= tolerance or denominator - offset <= tolerance


def _round(numerator: int, denominator: int, mode: RoundingMode,
           exact: Callable[[], Fraction] | None) -> int:
    """``numerator / denominator`` rounded; from ``exact()`` instead when the value is an
    approximation close enough to a boundary for the approximation to matter."""
    if exact is not None and _near_boundary(numerator, denominator):
        value = exact()
        return round_ratio(value.numerator, value.denominator, mode)
    return round_ratio(numerator, denominator, mode)
