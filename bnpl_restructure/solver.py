"""Vectorised root finding for internal rates of return.

:func:`solve_rates` finds, for many cash-flow streams at once, the rate ``r > -1`` with

.. math:: \\sum_m \\frac{a_m}{(1 + f_m r)(1 + r)^{t_m}} = 0

where ``t_m`` is the time of flow ``m`` in unit periods and ``f_m`` an optional fraction of
a unit period discounted at simple interest (Regulation Z, Appendix J (b)(8)); with no
fractions it is the ordinary IRR / XIRR equation.

Method: a safeguarded Newton iteration inside a sign-changing bracket (a Newton step that
leaves the bracket is replaced by bisection), in float64, on all unfinished rows at once.
It stops when the step is below ``1e-14 × (1 + |r|)``, far below the 0.01 percentage point
any regulation displays.

Which root: a stream whose flows change sign once (a loan: advances, then repayments) has
exactly one rate above −100% (Descartes' rule of signs). With several sign changes there
may be several; the smallest positive root is returned, else the negative root nearest
zero, the choice the UK Consumer Credit (Total Charge for Credit) Regulations 2010 make
("the positive rate nearest to zero"). Roots are located on a fixed grid of rates, so two
roots closer together than the grid spacing may be missed; such streams are not loans.

A stream with no sign change has no rate: :class:`~bnpl_restructure.errors.NoSolutionError`
names the rows. A non-converging row raises
:class:`~bnpl_restructure.errors.ConvergenceError`. Never NaN, never None.

Examples
--------
>>> import numpy as np
>>> amounts = np.array([[-100.0, 110.0], [-100.0, 60.0]])
>>> times = np.array([[0.0, 1.0], [0.0, 1.0]])
>>> amounts[1, 1] = 121.0; times[1, 1] = 2.0
>>> solve_rates(amounts, times).round(12).tolist()
[0.1, 0.1]
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import ConvergenceError, InvalidArgumentError, NoSolutionError

__all__ = ["solve_rates", "to_decimal_rate"]

Array = npt.NDArray[np.float64]

_TOL = 1e-14
_MAX_ITER = 200
# Grid of per-unit-period rates used to bracket roots of multi-sign-change streams,
# ordered by distance from zero within each side.
_POSITIVE_GRID = np.array([0.0, 1e-4, 1e-3, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5,
                           0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0, 1e3, 1e4])
_NEGATIVE_GRID = np.array([0.0, -1e-4, -1e-3, -0.005, -0.01, -0.02, -0.05, -0.1, -0.2,
                           -0.35, -0.5, -0.75, -0.9, -0.99, -0.999, -0.9999])


def _value(rate: Array, amounts: Array, times: Array,
           fractions: Array | None) -> tuple[Array, Array]:
    """f(r) and f'(r) per row."""
    growth = 1.0 + rate
    with np.errstate(over="ignore", invalid="ignore"):
        terms = amounts * np.exp(times * -np.log(growth)[:, None])
        if fractions is None:
            value: Array = terms.sum(axis=1)
            slope: Array = -np.einsum("ij,ij->i", terms, times) / growth
            return value, slope
        simple = 1.0 + fractions * rate[:, None]
        terms = terms / simple
        value = terms.sum(axis=1)
        slope = -(np.einsum("ij,ij->i", terms, times) / growth
                  + np.einsum("ij,ij->i", terms, fractions / simple))
    return value, slope


def _sign_changes(ordered: Array) -> npt.NDArray[np.int64]:
    """Sign changes along each row of time-ordered amounts, zeros skipped."""
    signs = np.sign(ordered)
    columns = np.arange(signs.shape[1])
    last_nonzero = np.maximum.accumulate(np.where(signs != 0, columns, 0), axis=1)
    filled = np.take_along_axis(signs, last_nonzero, axis=1)
    changes: npt.NDArray[np.int64] = (filled[:, 1:] * filled[:, :-1] < 0).sum(axis=1)
    return changes


def _bracket_on_grid(amounts: Array, times: Array, fractions: Array | None,
                     rows: npt.NDArray[np.int64]) -> tuple[Array, Array, npt.NDArray[Any]]:
    """For each row, the sign-changing grid interval nearest zero (positive side first)."""
    n = rows.size
    lo = np.full(n, np.nan)
    hi = np.full(n, np.nan)
    found = np.zeros(n, dtype=bool)
    sub_a, sub_t = amounts[rows], times[rows]
    sub_f = None if fractions is None else fractions[rows]
    for grid in (_POSITIVE_GRID, _NEGATIVE_GRID):
        previous, _ = _value(np.full(n, grid[0]), sub_a, sub_t, sub_f)
        for k in range(1, grid.size):
            current, _ = _value(np.full(n, grid[k]), sub_a, sub_t, sub_f)
            hit = ~found & ((np.sign(previous) != np.sign(current)) | (previous == 0))
            lo[hit] = min(grid[k - 1], grid[k])
            hi[hit] = max(grid[k - 1], grid[k])
            found |= hit
            previous = current
    return lo, hi, found


def solve_rates(amounts: npt.ArrayLike, times: npt.ArrayLike,
                fractions: npt.ArrayLike | None = None, *,
                argument: str = "cash_flows") -> Array:
    """Solve the rate of every row (see the module docstring).

    Parameters
    ----------
    amounts
        Shape ``(streams, flows)``: signed amounts (advances negative, repayments positive
        or the reverse); pad with 0.
    times
        Same shape: time of each flow in unit periods (≥ 0).
    fractions
        Same shape or ``None``: fraction of a unit period discounted at simple interest
        (Appendix J (b)(8)).
    argument
        Name used in error messages.

    Returns
    -------
    numpy.ndarray
        float64 rates per unit period, one per row.
    """
    a = np.atleast_2d(np.asarray(amounts, dtype=np.float64))
    t = np.atleast_2d(np.asarray(times, dtype=np.float64))
    f = None if fractions is None else np.atleast_2d(np.asarray(fractions, dtype=np.float64))
    if a.shape != t.shape or (f is not None and f.shape != a.shape):
        raise InvalidArgumentError(argument, "amounts, times and fractions must have the "
                                   "same shape", received=(a.shape, t.shape,
                                                           None if f is None else f.shape))
    if not (np.isfinite(a).all() and np.isfinite(t).all()):
        raise InvalidArgumentError(argument, "amounts and times must be finite")
    if (t < 0).any():
        raise InvalidArgumentError(argument, "times must not be negative")
    n = a.shape[0]
    if a.shape[1] > 1 and (np.diff(t, axis=1) >= 0).all():
        ordered, tsorted = a, t
    else:
        order = np.argsort(t, axis=1, kind="stable")
        ordered = np.take_along_axis(a, order, axis=1)
        tsorted = np.take_along_axis(t, order, axis=1)
    changes = _sign_changes(ordered)
    no_root = np.flatnonzero(changes == 0)
    if no_root.size:
        raise NoSolutionError(
            f"{argument}: no rate exists for rows {no_root[:10].tolist()}: the cash flows "
            "never change sign (all payments zero, or no advance)")
    lo = np.full(n, -1.0)
    hi = np.full(n, np.inf)
    nonzero = ordered != 0
    first = ordered[np.arange(n), nonzero.argmax(axis=1)]
    last = ordered[np.arange(n), a.shape[1] - 1 - nonzero[:, ::-1].argmax(axis=1)]
    # f(r) has the sign of the latest flow as r -> -1 and of the earliest as r -> inf.
    sign_lo = np.sign(last)
    multi = np.flatnonzero(changes > 1)
    if multi.size:
        glo, ghi, found = _bracket_on_grid(a, t, f, multi)
        if not found.all():
            raise NoSolutionError(f"{argument}: no rate found for rows "
                                  f"{multi[~found][:10].tolist()}")
        lo[multi], hi[multi] = glo, ghi
        value_lo, _ = _value(glo, a[multi], t[multi], None if f is None else f[multi])
        sign_lo[multi] = np.where(value_lo == 0, -np.sign(_value(ghi, a[multi], t[multi],
                                  None if f is None else f[multi])[0]), np.sign(value_lo))
    # First guess: the simple-interest rate of the stream (exact for one period).
    inflow = np.where(ordered * first[:, None] < 0, np.abs(ordered), 0.0)
    outflow = np.where(ordered * first[:, None] > 0, np.abs(ordered), 0.0)
    mean_time = np.einsum("ij,ij->i", inflow, tsorted) / np.maximum(inflow.sum(axis=1), 1e-300)
    guess = (inflow.sum(axis=1) / np.maximum(outflow.sum(axis=1), 1e-300) - 1.0) / np.maximum(
        mean_time, 1e-9)
    guess = np.clip(guess, -0.9, 10.0)
    guess = np.where((guess > lo) & (guess < hi), guess,
                     np.where(np.isfinite(hi), (lo + hi) / 2, guess))
    return _by_width(a, t, f, guess, lo, hi, sign_lo)


def _by_width(a: Array, t: Array, f: Array | None, rate: Array, lo: Array, hi: Array,
              sign_lo: Array) -> Array:
    """Solve rows grouped by their used width (a portfolio padded to its longest stream
    does not evaluate the padding of its shorter ones)."""
    n = a.shape[0]
    if n < 4096:
        return _newton(a, t, f, rate, lo, hi, sign_lo)
    used = a != 0
    width = np.where(used.any(axis=1), a.shape[1] - used[:, ::-1].argmax(axis=1), 1)
    bucket = (width + 7) // 8
    out = np.empty(n)
    for b in np.unique(bucket):
        rows = np.flatnonzero(bucket == b)
        w = min(int(b) * 8, a.shape[1])
        out[rows] = _newton(a[rows, :w], t[rows, :w], None if f is None else f[rows, :w],
                            rate[rows], lo[rows], hi[rows], sign_lo[rows])
    return out


def _newton(a: Array, t: Array, f: Array | None, rate: Array, lo: Array, hi: Array,
            sign_lo: Array) -> Array:
    """Safeguarded Newton: keep a bracket (lo, hi) with f(lo) of sign ``sign_lo``."""
    active = np.arange(a.shape[0])
    for _ in range(_MAX_ITER):
        r = rate[active]
        if active.size == a.shape[0]:  # every row: views, no copies
            value, slope = _value(r, a, t, f)
        else:
            value, slope = _value(r, a[active], t[active], None if f is None else f[active])
        same = np.sign(value) == sign_lo[active]
        lo_a = np.where(same, r, lo[active])
        hi_a = np.where(same, hi[active], r)
        lo[active], hi[active] = lo_a, hi_a
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            candidate = r - value / slope
        outside = ~((candidate > lo_a) & (candidate < hi_a)) | ~np.isfinite(candidate)
        fallback = np.where(np.isfinite(hi_a), (lo_a + hi_a) / 2, 2 * np.abs(r) + 0.1)
        candidate = np.where(outside, fallback, candidate)
        # A Newton step of 1e-9 leaves an error of order 1e-18 (quadratic convergence).
        step = np.abs(candidate - r)
        scale = 1 + np.abs(r)
        done = (step <= _TOL * scale) | (value == 0) | (~outside & (step <= 1e-9 * scale))
        rate[active] = np.where(value == 0, r, candidate)
        active = active[~done]
        if active.size == 0:
            return rate
    raise ConvergenceError(f"rate solver did not converge for rows {active[:10].tolist()}")


def to_decimal_rate(rate: float, places: int = 12) -> Decimal:
    """A solved float rate as a Decimal fraction quantized to ``places`` decimals.

    Examples
    --------
    >>> to_decimal_rate(0.1234567890123456)
    Decimal('0.123456789012')
    """
    if not math.isfinite(rate):
        raise ConvergenceError(f"the solved rate is not a finite number ({rate!r})")
    value = Decimal(repr(float(rate))).quantize(Decimal(1).scaleb(-places))
    return value.copy_abs() if value == 0 else value  # no "-0.00%"
