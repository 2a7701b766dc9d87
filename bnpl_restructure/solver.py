"""Vectorised root finding for internal rates of return.

:func:`solve_rates` finds, for many cash-flow streams at once, the rate ``r > -1`` with

.. math:: \\sum_m \\frac{a_m}{(1 + f_m r)(1 + r)^{t_m}} = 0

where ``t_m`` is the time of flow ``m`` in unit periods and ``f_m`` an optional fraction of
a unit period discounted at simple interest (Regulation Z, Appendix J (b)(8)); with no
fractions it is the ordinary IRR / XIRR equation.

Two methods, in plain numpy, one result on every machine:

**The loan method** (the fast one) takes the streams that look like a loan: time-ordered
flows whose signs change exactly once (advances, then repayments), no two nonzero flows on
one date, no fractions. Rows are sorted by their used length once and solved in blocks
of a few thousand, transposed to ``(flows, block)`` so that each step is one vector
operation over the block and no padding beyond the block's longest row is touched.
Periodic flows (times 0, 1, 2, ...) are solved for ``v = 1 / (1 + r)``: the value
``Σ a_k v^k`` and its derivative by Horner's rule (two multiply-adds per flow, no
``pow``); dated flows for ``x = ln(1 + r)``: one ``exp`` per flow. Both run a Newton
iteration kept inside a sign bracket (a step that leaves the bracket is replaced by
bisection), started from the stream's simple-interest rate. A stream with one sign change
has exactly one rate (Descartes' rule of signs), the value is monotone through it, so the
bracket is known from the start. A row is finished when its Newton step is below
``1e-9 / (1 + t_max)`` relative (the error after that step is of order 1e-18), or its
bracket is narrower than ``1e-15``; a row that does not finish in 60 steps, or whose rate
lies outside ``(-0.9999, 10^4)`` per unit period, goes to the general method.

**The general method** takes every other row (several sign changes, flows on one date,
unsorted times, fractions, non-finite values): a safeguarded Newton iteration on all its
unfinished rows at once, in float64. It stops when the step is below
``1e-14 × (1 + |r|)`` (or after a Newton step below ``1e-9 × (1 + |r|)``, whose error is
then of order 1e-18; neither rule is trusted within about ``1e-6 × (1 + t)`` of −100%,
where f is so steep that a tiny step says nothing, and there only a bracket narrower than
the tolerance stops the iteration). The two methods agree to about 1e-15 (property tests
compare them on loans).

Which root: flows on one date are netted first (an advance and a refund on the same day
are one flow). A stream whose net flows change sign once (a loan: advances, then repayments) has
exactly one rate above −100% (Descartes' rule of signs). With several sign changes there
may be several; the smallest positive root is returned, else the negative root nearest
zero, the choice the UK Consumer Credit (Total Charge for Credit) Regulations 2010 make
("the positive rate nearest to zero"). A stream whose flows sum to exactly 0 (f(0) = 0
in float64: the repayments return the advances and nothing more) has the rate 0, the root
nearest zero, however near a positive root lies. Roots are located on a fixed grid of
rates, so two roots closer together than the grid spacing may be missed; such streams are
not loans.

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

import itertools
import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ._context import make_context
from .errors import ConvergenceError, InvalidArgumentError, NoSolutionError

__all__ = ["solve_rates", "to_decimal_rate"]

Array = npt.NDArray[np.float64]
Index = npt.NDArray[np.intp]

_INT64_NAT = np.iinfo(np.int64).min
# Quantizing a solved float rate is exact: a float has at most 309 integer digits.
_RATE_DIGITS = make_context(400)

# The loan method: rows per block (a block's vectors stay in the CPU cache), Newton steps
# before a row is handed to the general method, and the range of rates it may return.
_BLOCK = 4096
_FAST_MAX_ITER = 60
_FAST_RANGE = (-0.9999, 1e4)

_TOL = 1e-14
_NEWTON_TRUST = 1e6
_MAX_ITER = 200
# Grid of per-unit-period rates used to bracket roots of multi-sign-change streams,
# ordered by distance from zero within each side.
_POSITIVE_GRID = np.array([0.0, 1e-4, 1e-3, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5,
                           0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0, 1e3, 1e4])
_NEGATIVE_GRID = np.array([0.0, -1e-4, -1e-3, -0.005, -0.01, -0.02, -0.05, -0.1, -0.2,
                           -0.35, -0.5, -0.75, -0.9, -0.99, -0.999, -0.9999])
# Row-wise dot product of two (rows, flows) arrays, without a temporary
_ROW_DOT = "ij,ij->i"


def _value(rate: Array, amounts: Array, times: Array,
           fractions: Array | None) -> tuple[Array, Array]:
    """f(r) and f'(r) per row; a row whose f is past float range is scaled by a positive
    factor (the sign of f and f / f', all the solver reads, are unchanged)."""
    growth = 1.0 + rate
    with np.errstate(over="ignore", invalid="ignore"):
        discount = times * -np.log1p(rate)[:, None]  # ln of each flow's factor
        # a zero amount (padding) adds nothing, even where the discount factor overflows
        terms = np.where(amounts != 0, amounts * np.exp(discount), 0.0)
        simple = None if fractions is None else 1.0 + fractions * rate[:, None]
        if simple is not None:
            terms = terms / simple
        value: Array = terms.sum(axis=1)
        far = np.flatnonzero(~np.isfinite(value))
        if far.size:
            terms[far], value[far] = _far_terms(amounts[far], terms[far], discount[far],
                                                None if simple is None else simple[far])
        slope: Array = -np.einsum(_ROW_DOT, terms, times) / growth
        if fractions is not None and simple is not None:
            slope -= np.einsum(_ROW_DOT, terms, fractions / simple)
    return value, slope


def _far_terms(amounts: Array, terms: Array, discount: Array,
               simple: Array | None) -> tuple[Array, Array]:
    """The terms and f of rows whose f overflowed, in logarithms: a term whose factor
    alone overflows (1e-315 repaid after 100 periods near −100 %: (1 + r)^−100 > 1e308)
    is sign(a) e^(ln|a| − t ln(1 + r)) (over the simple-interest factor of a fraction);
    the finite terms are kept to their last bit. A row whose f is still past float range
    (some terms are) is scaled by e^(600 − its largest logarithm), a positive factor that
    brings every term to at most e^600."""
    sign = np.sign(amounts)
    with np.errstate(divide="ignore", invalid="ignore"):  # ln 0 of padding, not used
        logs = np.log(np.abs(amounts)) + discount
        if simple is not None:
            logs -= np.log(np.abs(simple))
            sign *= np.sign(simple)
    terms = np.where(np.isfinite(terms), terms, sign * np.exp(logs))
    value = terms.sum(axis=1)
    huge = np.flatnonzero(~np.isfinite(value))
    if huge.size:
        logs = np.where(amounts[huge] != 0, logs[huge], -np.inf)
        scaled = np.exp(logs - (logs.max(axis=1, keepdims=True) - 600.0))
        terms[huge] = np.where(amounts[huge] != 0, sign[huge] * scaled, 0.0)
        value[huge] = terms[huge].sum(axis=1)
    return terms, value


def _sign_changes(ordered: Array) -> npt.NDArray[np.int64]:
    """Sign changes along each row of time-ordered amounts, zeros skipped."""
    signs = np.sign(ordered)
    columns = np.arange(signs.shape[1])
    last_nonzero = np.maximum.accumulate(np.where(signs != 0, columns, 0), axis=1)
    filled = np.take_along_axis(signs, last_nonzero, axis=1)
    changes: npt.NDArray[np.int64] = (filled[:, 1:] * filled[:, :-1] < 0).sum(axis=1)
    return changes


def _net_by_date(amounts: Array, times: Array) -> Array:
    """One time-ordered row with each date's flows summed (in order) into its last flow."""
    out = np.zeros_like(amounts)
    net = 0.0
    for k in range(amounts.size):
        net += float(amounts[k])
        if k + 1 == amounts.size or times[k + 1] != times[k]:
            out[k] = net
            net = 0.0
    return out


def _bracket_on_grid(amounts: Array, times: Array, fractions: Array | None,
                     rows: npt.NDArray[np.int64]
                     ) -> tuple[Array, Array, Array, npt.NDArray[Any]]:
    """For each row, the sign-changing grid interval nearest zero (positive side first),
    and the sign Newton keeps at its lower end: that of f there, or, where the lower end
    is itself a root, the opposite of f at the upper end (every point inside then moves
    the upper end down to it); a row with f(0) = 0 exactly gets the interval [0, 0] and
    the sign 0 (its rate is 0)."""
    n = rows.size
    lo = np.full(n, np.nan)
    hi = np.full(n, np.nan)
    sign_lo = np.zeros(n)
    sub_a, sub_t = amounts[rows], times[rows]
    sub_f = None if fractions is None else fractions[rows]
    # A rate of 0 is the root nearest zero when it is one (flows summing to 0 exactly):
    # taken before any positive root, however near (which side of 0.01% a second root
    # lies on must not decide it).
    at_zero = sub_a.sum(axis=1)  # f(0) is the sum of the flows, fractions or not
    found = at_zero == 0
    lo[found] = hi[found] = 0.0
    for grid in (_POSITIVE_GRID, _NEGATIVE_GRID):  # both start at 0
        previous = at_zero
        for lower, upper in itertools.pairwise(grid):
            current, _ = _value(np.full(n, upper), sub_a, sub_t, sub_f)
            # both values finite (an overflow is no evidence of a root), and the signs
            # differ (f = 0 at the far end, sign 0, counts)
            hit = ~found & np.isfinite(previous) & np.isfinite(current) & (
                np.sign(previous) != np.sign(current))
            lo[hit] = min(lower, upper)
            hi[hit] = max(lower, upper)
            # the signs differ and at most one is 0 (an end that is a root): the sign of
            # their difference is f's at the lower end, or minus f's at the upper end
            below, above = (previous, current) if lower < upper else (current, previous)
            sign_lo[hit] = np.sign(np.sign(below) - np.sign(above))[hit]
            found |= hit
            previous = current
    return lo, hi, sign_lo, found


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

    Raises
    ------
    InvalidArgumentError
        Shapes differ, the arrays are not 2-D, a value is not finite or a time is
        negative (named ``argument``).
    NoSolutionError
        A row's flows never change sign, or no rate was found (the rows are named).
    ConvergenceError
        A row did not converge.
    """
    a, t, f = _as_arrays(amounts, times, fractions, argument)
    return _solve_ticks(a, t, f, scale=1.0, from_row_start=False, argument=argument)


def _solve_ticks(amounts: Array, ticks: npt.NDArray[Any], fractions: Array | None = None,
                 *, scale: float, from_row_start: bool, argument: str,
                 fast: bool = True) -> Array:
    """Rates of ``amounts`` (float64, ``(streams, flows)``) with integer or float times.

    ``ticks`` is int64 or float64, shaped like ``amounts`` or ``(flows,)`` for one time
    row shared by every stream; a flow's time in unit periods is ``(tick - reference) /
    scale``, the reference being the stream's earliest tick (padding included) when
    ``from_row_start`` and 0 otherwise. The least int64 (``NaT``) counts as not finite.
    ``fractions``: float64 shaped like ``amounts``, or ``None``. ``fast=False`` sends
    every row to the general method (the tests compare the two).
    """
    if amounts.ndim != 2:
        raise InvalidArgumentError(argument, "must be a 2-D array (streams, flows)",
                                   received=amounts.shape)
    if ticks.shape not in (amounts.shape, amounts.shape[1:]) or (
            fractions is not None and fractions.shape != amounts.shape):
        raise InvalidArgumentError(argument, "amounts, times and fractions must have the "
                                   "same shape", received=(amounts.shape, ticks.shape,
                                                           None if fractions is None
                                                           else fractions.shape))
    if fractions is not None and not np.isfinite(fractions).all():
        raise InvalidArgumentError(argument, "fractions must be finite")
    if fast and fractions is None:
        rates = _solve_fast(amounts, ticks, scale=scale, from_row_start=from_row_start,
                            argument=argument)
        if rates is not None:
            return rates
    return _solve_general(amounts, _times(amounts, ticks, scale, from_row_start),
                          fractions, argument)


def _times(amounts: Array, ticks: npt.NDArray[Any], scale: float,
           from_row_start: bool) -> Array:
    """The ``(streams, flows)`` float times of :func:`_solve_ticks`'s ticks."""
    if ticks.dtype == np.int64 and (ticks == _INT64_NAT).any():
        return np.full(amounts.shape, np.nan)  # the general method reports it
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # checked later
        if ticks.ndim == 1 and not from_row_start:
            return np.broadcast_to(ticks / float(scale), amounts.shape)
        full = np.broadcast_to(ticks, amounts.shape)
        if not from_row_start:
            times: Array = full / float(scale)
            return times
        # measured from each stream's earliest flow; zero flows (padding, any date) at 0
        # (a stream of zeros, or of no flows, has every time 0 whatever its start)
        used = amounts != 0
        far = np.iinfo(np.int64).max if full.dtype == np.int64 else np.inf
        start = np.where(used, full, far).min(axis=1, keepdims=True, initial=far)
        times = np.where(used, (full - start) / float(scale), 0.0)
        return times


def _array(values: npt.ArrayLike, argument: str, dtype: Any = np.float64,
           what: str = "numbers") -> npt.NDArray[Any]:
    """``values`` as an at-least-2-D array of ``dtype`` (one stream a row), refused
    naming ``argument`` (never a bare ``ValueError``) when numpy cannot convert it or
    would convert it wrongly: for numbers, text, bools, complex numbers, signalling NaNs
    and integers past a float; for dates (``datetime64[D]``), numbers (numpy would read
    them as days since 1970), NaN and free text."""
    dates = np.dtype(dtype).kind == "M"
    if isinstance(values, (str, bytes, bytearray)):
        raise InvalidArgumentError(argument, f"must be an array of {what}",
                                   received=values)
    try:
        arr = np.asarray(values)
        kind = arr.dtype.kind
        if dates:
            fits = kind in "MUSO"
        else:
            fits = kind in "iuf" or (kind == "O" and all(
                isinstance(v, (int, float, Decimal, Fraction)) and not isinstance(v, bool)
                for v in arr.ravel().tolist()))
        if not fits:
            raise InvalidArgumentError(argument, f"must be an array of {what}",
                                       received=arr.dtype)
        return np.atleast_2d(arr.astype(dtype))
    except InvalidArgumentError:
        raise
    except (TypeError, ValueError, OverflowError, ArithmeticError) as exc:
        raise InvalidArgumentError(argument, f"must be an array of {what} ({exc})",
                                   received=type(values).__name__) from None


def _as_arrays(amounts: npt.ArrayLike, times: npt.ArrayLike,
               fractions: npt.ArrayLike | None, argument: str
               ) -> tuple[Array, Array, Array | None]:
    a = _array(amounts, argument)
    t = _array(times, argument)
    f = None if fractions is None else _array(fractions, argument)
    if a.shape != t.shape or (f is not None and f.shape != a.shape):
        raise InvalidArgumentError(argument, "amounts, times and fractions must have the "
                                   "same shape", received=(a.shape, t.shape,
                                                           None if f is None else f.shape))
    if a.ndim != 2:
        raise InvalidArgumentError(argument, "must be a 2-D array (streams, flows)",
                                   received=a.shape)
    if f is not None and not np.isfinite(f).all():
        raise InvalidArgumentError(argument, "fractions must be finite")
    return a, t, f


# ------------------------------------------------------------------------ errors


def _not_finite(argument: str) -> InvalidArgumentError:
    return InvalidArgumentError(argument, "amounts and times must be finite")


def _negative(argument: str) -> InvalidArgumentError:
    return InvalidArgumentError(argument, "times must not be negative")


def _no_sign_change(argument: str, rows: npt.NDArray[np.intp]) -> NoSolutionError:
    return NoSolutionError(
        f"{argument}: no rate exists for rows {rows[:10].tolist()}: the cash flows "
        "never change sign (all payments zero, or no advance)")


def _no_bracket(argument: str, rows: npt.NDArray[np.intp]) -> NoSolutionError:
    return NoSolutionError(f"{argument}: no rate found for rows {rows[:10].tolist()}")


def _no_convergence(rows: npt.NDArray[np.intp]) -> ConvergenceError:
    return ConvergenceError(f"rate solver did not converge for rows {rows[:10].tolist()}")


# ------------------------------------------------------------------ the loan method


def _fast_ticks_valid(ticks: npt.NDArray[Any]) -> bool:
    """Whether times are finite and non-negative (int64 ticks: not ``NaT``)."""
    if ticks.dtype == np.int64:
        return not (ticks == _INT64_NAT).any()
    return bool(np.isfinite(ticks).all() and (ticks >= 0).all())


def _solve_fast(a: Array, ticks: npt.NDArray[Any], *, scale: float, from_row_start: bool,
                argument: str) -> Array | None:
    """Rows that look like loans by the loan method, block by block; the others (and any
    the loan method does not finish) by the general method. ``None`` when a value is not
    finite or a time negative: the general method then runs on every row and reports it
    as it always does."""
    n, w = a.shape
    if not (math.isfinite(scale) and scale > 0):
        return None
    if not _fast_ticks_valid(ticks):
        return None
    periodic = ticks.ndim == 1 and not from_row_start and scale == 1.0 and (
        ticks.dtype == np.int64) and bool((ticks == np.arange(w)).all())
    shared = None if ticks.ndim == 2 else ticks / scale
    # rows sorted by their count of flows, so that a block's rows have similar lengths
    count = (a != 0).sum(axis=1, dtype=np.int8 if w < 128 else np.int64)
    order = np.argsort(count, kind="stable")
    skip = int(np.searchsorted(count[order], 2))  # fewer than two flows: no loan
    general = [order[:skip]]
    rates: Array = np.empty(n)
    for begin in range(skip, n, _BLOCK):
        rows = order[begin:begin + _BLOCK]
        sub = np.take(a, rows, axis=0)
        # the block's last used flow: at its largest count unless a row has inner zeros
        span = int(count[rows[-1]])
        if sub[:, span:].any():
            span = int(np.flatnonzero(sub.any(axis=0))[-1]) + 1
        block = np.ascontiguousarray(sub[:, :span].T)  # (flows, rows)
        if not np.isfinite(block).all():
            return None
        if max(block.max(), -block.min()) > 1e100:
            # each column scaled to its largest amount (the rate does not change):
            # amounts near the float limits cannot overflow the sums (a row has two flows
            # or more: no column is all zeros)
            block /= np.abs(block).max(axis=0)
        if periodic:
            times = None
        elif shared is not None:
            times = np.repeat(shared[:span, None], rows.size, axis=1)
        else:
            raw = np.take(ticks, rows, axis=0)[:, :span]
            # a loan row's flows are in time order (checked next), so its first time is
            # its reference: the rate does not depend on where time 0 is
            if from_row_start:
                raw = raw - raw[:, :1]
            times = np.ascontiguousarray(raw.T, dtype=np.float64)  # (flows, rows)
            times *= 1.0 / scale
        loans = _loan_like(block, times)
        if not loans.all():
            general.append(rows[~loans])
            # (fancy indexing gives column-major copies: back to rows of flows, so that
            # every block's sums run in one order)
            rows, block = rows[loans], np.ascontiguousarray(block[:, loans])
            times = None if times is None else np.ascontiguousarray(times[:, loans])
            if rows.size == 0:
                continue
        if times is None:
            solved, ok = _horner_newton(block)
        else:
            solved, ok = _exp_newton(block, times)
        rates[rows] = solved
        if not ok.all():
            general.append(rows[~ok])
    rest = np.sort(np.concatenate(general))
    if rest.size:
        full = ticks if ticks.ndim == 1 else ticks[rest]
        rates[rest] = _solve_general(a[rest], _times(a[rest], full, scale, from_row_start),
                                     None, argument, labels=rest)
    return rates


def _loan_like(block: Array, times: Array | None) -> npt.NDArray[np.bool_]:
    """Which columns of a ``(flows, rows)`` block the loan method takes: nonzero flows in
    time order, no two on one date, whose signs change exactly once. Normalises each
    column in place so that its first nonzero flow is negative, and sets the times of
    zero flows (padding) to 0."""
    flows, m = block.shape
    first = block[0].copy()
    late = np.flatnonzero(first == 0)
    if late.size:
        part = block[:, late]
        first[late] = part[(part != 0).argmax(axis=0), np.arange(late.size)]
    np.negative(block, out=block, where=first > 0)
    # once a positive flow is seen, no negative one may follow (the first flow, 0 or the
    # first nonzero one, is not positive now)
    seen = np.zeros(m, dtype=bool)
    mixed = np.zeros(m, dtype=bool)
    for row in block:  # (the first row adds nothing: it is not positive)
        mixed |= seen & (row < 0)
        seen |= row > 0
    loans: npt.NDArray[np.bool_] = seen & ~mixed
    if times is not None:
        # the nonzero flows in time order, no two on one date (zero flows, padding, may
        # carry any date: each nonzero flow is compared with the last nonzero one)
        nonzero = block != 0
        last = times[0].copy()
        seen = nonzero[0].copy()
        for k in range(1, flows):
            now = nonzero[k]
            at = times[k]
            loans &= ~(now & seen & (at <= last))
            last = np.where(now, at, last)
            seen |= now
        times[~nonzero] = 0.0  # padding: exp(0) is finite, and 0 × 1 adds nothing
    return loans


def _column_sums(block: Array) -> Array:
    """Each column's sum, added row after row: numpy adds the rows of a ``(flows, rows)``
    block in order, column by column, but sums a single contiguous column pairwise, so a
    one-column block is widened to keep a row's result independent of its block."""
    if block.shape[1] == 1:
        sums: Array = np.repeat(block, 2, axis=1).sum(axis=0)[:1]
        return sums
    total: Array = block.sum(axis=0)
    return total


def _first_guess(block: Array, times: Array | None) -> tuple[Array, Array]:
    """The simple-interest rate of each normalised column: (repaid / advanced − 1) over
    the time between the two (weighted mean times), per unit period; clipped to
    (−0.9, 10). Also each column's sum of absolute amounts (for :func:`_verified`)."""
    repaid = np.maximum(block, 0.0)
    advanced = repaid - block
    total_repaid = _column_sums(repaid)
    total_advanced = _column_sums(advanced)
    at = np.arange(block.shape[0], dtype=np.float64)[:, None] if times is None else times
    # the usual loan advances only in its first flow: no product over the whole block
    advanced_at = advanced[0] * at[0] if (block[1:] >= 0).all() else _column_sums(
        advanced * at)
    lag = _column_sums(repaid * at) / total_repaid - advanced_at / total_advanced
    # (a gain past float range, 1e84 repaid on 1e-265, is no guess either: 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        guess = (total_repaid / total_advanced - 1.0) / lag
    clipped: Array = np.clip(np.where(np.isfinite(guess), guess, 0.0), -0.9, 10.0)
    return clipped, total_repaid + total_advanced


_Evaluate = Callable[[Array], tuple[Array, Array]]


def _bracketed_newton(evaluate: _Evaluate, point: Array, lo: Array, hi: Array, *,
                      tol: Array | float, relative: bool,
                      widen: Callable[[Array, Array, Array], Array],
                      bisect: Callable[[Array, Array], Array]
                      ) -> tuple[Array, npt.NDArray[np.bool_], Array]:
    """Newton on every column of a block at once, inside a sign bracket (lo, hi).

    ``evaluate(point)`` gives ``f`` and ``f'`` per column, ``f`` increasing through its
    one root. A Newton step needs a finite value and slope (powers that overflow are no
    evidence of a root); when it leaves the bracket, or (the bracket closed) has not
    halved since the last step, ``bisect(lo, hi)`` replaces it, or ``widen(point, lo,
    hi)`` while a side of the bracket is still open. A column is finished at ``f = 0``,
    after a Newton step below ``tol`` (times the point when ``relative``), or when its
    bracket is narrower than 1e-15 (relative likewise). Returns the points, which
    columns finished, and ``f`` where each finished (for :func:`_verified`).
    """
    m = point.shape[0]
    done = np.zeros(m, dtype=bool)
    moved = np.full(m, np.inf)  # the size of the last step taken
    at_finish = np.zeros(m)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(_FAST_MAX_ITER):
            value, slope = evaluate(point)
            below = value < 0
            lo = np.where(below, point, lo)
            hi = np.where(below, hi, point)
            step = value / slope
            candidate = point - step
            inside = np.isfinite(value) & np.isfinite(slope) & (slope > 0) & (
                candidate >= lo) & (candidate <= hi)
            open_ = np.isinf(lo) | np.isinf(hi)
            newton = inside & ((np.abs(step) <= 0.5 * moved) | open_)
            candidate = np.where(newton, candidate, np.where(
                open_, widen(point, lo, hi), bisect(lo, hi)))
            scale = np.abs(point) if relative else 1.0
            finished = (value == 0) | (inside & (np.abs(step) <= tol * scale)) | (
                hi - lo <= 1e-15 * scale)
            at_finish = np.where(finished & ~done, value, at_finish)
            following = np.where(done | (value == 0), point, candidate)
            moved = np.abs(following - point)
            point = following
            done |= finished
            if done.all():
                break
    return point, done, at_finish


def _horner_newton(block: Array) -> tuple[Array, npt.NDArray[Any]]:
    """Periodic flows (row k at time k), normalised: Newton for ``v = 1 / (1 + r)`` on
    ``f(v) = Σ a_k v^k``, increasing through its one positive root; a closed bracket is
    bisected geometrically (far from the root a high-degree polynomial lets Newton creep
    by v / degree a step)."""
    flows, m = block.shape
    guess, size = _first_guess(block, None)
    value = np.empty(m)
    slope = np.empty(m)
    top = block[flows - 1]

    def evaluate(v: Array) -> tuple[Array, Array]:
        value[:] = top
        slope[:] = 0.0
        for k in range(flows - 2, -1, -1):  # Horner, in place (no temporaries)
            np.multiply(slope, v, out=slope)
            np.add(slope, value, out=slope)
            np.multiply(value, v, out=value)
            np.add(value, block[k], out=value)
        return value, slope

    # a relative step of 1e-10 leaves an error of order 1e-20 × flows
    v, done, at_finish = _bracketed_newton(
        evaluate, 1.0 / (1.0 + guess), np.zeros(m), np.full(m, np.inf), tol=1e-10,
        relative=True, widen=lambda v, lo, hi: 2.0 * v,
        bisect=lambda lo, hi: np.where(lo > 0, np.sqrt(lo * hi), 0.5 * hi))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        # Σ |a_k| v^k is at most Σ |a_k| max(1, v)^(flows - 1)
        bound = size * np.maximum(v, 1.0) ** (flows - 1)
        rate: Array = 1.0 / v - 1.0
    return rate, done & _verified(at_finish, bound, flows) & _plausible(rate)


def _verified(value: Array, size: Array, flows: int) -> npt.NDArray[np.bool_]:
    """Whether ``f`` where a row finished is zero within what its last step and rounding
    allow (``1e-9 × flows`` of a bound on the sum of its terms' sizes): a Newton iteration
    that stopped without a root (an overflowed slope, say) leaves a large ``f``, and the
    row goes to the general method."""
    verified: npt.NDArray[np.bool_] = np.isfinite(value) & np.isfinite(size) & (
        np.abs(value) <= 1e-9 * flows * size)
    return verified


def _plausible(rate: Array) -> npt.NDArray[np.bool_]:
    plausible: npt.NDArray[np.bool_] = np.isfinite(rate) & (rate > _FAST_RANGE[0]) & (
        rate < _FAST_RANGE[1])
    return plausible


def _exp_newton(block: Array, times: Array) -> tuple[Array, npt.NDArray[Any]]:
    """Dated flows, normalised: Newton for ``x = ln(1 + r)`` on ``f(x) = Σ a_k e^(−t_k x)``,
    decreasing through its one root (so ``−f`` is handed to the driver)."""
    flows, m = block.shape
    guess, size = _first_guess(block, times)
    reach = times.max(axis=0)
    terms = np.empty_like(block)

    def evaluate(x: Array) -> tuple[Array, Array]:
        np.multiply(times, -x, out=terms)
        np.exp(terms, out=terms)
        np.multiply(terms, block, out=terms)
        value = _column_sums(terms)
        np.multiply(terms, times, out=terms)
        return -value, _column_sums(terms)  # −f and its derivative −f'(x) = Σ a t e^(−tx)

    x, done, at_finish = _bracketed_newton(
        evaluate, np.log1p(guess), np.full(m, -np.inf), np.full(m, np.inf),
        tol=1e-9 / (1.0 + reach), relative=False,
        widen=lambda x, lo, hi: np.where(np.isinf(hi), np.maximum(x, lo) + 1.0,
                                         np.minimum(x, hi) - 1.0),
        bisect=lambda lo, hi: 0.5 * (lo + hi))
    with np.errstate(over="ignore", invalid="ignore"):
        # Σ |a_k| e^(-t_k x) is at most Σ |a_k| max(1, e^(-t_max x)), times being >= 0
        bound = size * np.maximum(np.exp(-x * reach), 1.0)
        rate: Array = np.expm1(x)
    return rate, done & _verified(at_finish, bound, flows) & _plausible(rate)


# ---------------------------------------------------------------- the general method


def _solve_general(a: Array, t: Array, f: Array | None, argument: str,
                   labels: Index | None = None) -> Array:
    """The general method, on validated 2-D float64 arrays of one shape; errors name rows
    by ``labels`` (the caller's row numbers of a subset) when given."""
    def named(rows: Index) -> Index:
        return rows if labels is None else labels[rows]

    if not (np.isfinite(a).all() and np.isfinite(t).all()):
        raise _not_finite(argument)
    if (t < 0).any():
        raise _negative(argument)
    n = a.shape[0]
    if n == 0:
        return np.empty(0)
    if a.shape[1] == 0:
        raise _no_sign_change(argument, np.arange(n))
    if (np.diff(t, axis=1) >= 0).all():  # (one flow: nothing to sort)
        ordered, tsorted = a, t
    else:
        order = np.argsort(t, axis=1, kind="stable")
        ordered = np.take_along_axis(a, order, axis=1)
        tsorted = np.take_along_axis(t, order, axis=1)
    nonzero = ordered != 0
    # Signs are counted on the net flow of each date: flows on one date are one payment
    # (an advance and a refund on the same day cancel). Rows with such dates are rare.
    netted = ordered
    # a nonzero flow on the date of the last nonzero one before it (zeros between them)
    last_used = np.maximum.accumulate(np.where(nonzero, tsorted, -np.inf), axis=1)
    same_date = nonzero[:, 1:] & (tsorted[:, 1:] == last_used[:, :-1])
    shared = np.flatnonzero(same_date.any(axis=1))
    if shared.size:
        netted = ordered.copy()
        for i in shared.tolist():
            netted[i] = _net_by_date(ordered[i], tsorted[i])
    changes = _sign_changes(netted)
    no_root = np.flatnonzero(changes == 0)
    if no_root.size:
        raise _no_sign_change(argument, named(no_root))
    # Each row is measured from its first flow: the rate does not depend on where time 0
    # is (f is multiplied by (1 + r)^start > 0), and at high rates the first flow's factor
    # stays 1 where every factor from a late start would underflow to 0 (f = 0 there,
    # a false root: 1,000 % a period for flows from period 124 on)
    earliest = nonzero.argmax(axis=1)  # each row's first nonzero flow, in time order
    start = tsorted[np.arange(n), earliest][:, None]
    if start.any():  # (usually every row starts at 0: no copy of a shared time row)
        t, tsorted = t - start, tsorted - start
    lo = np.full(n, -1.0)
    hi = np.full(n, np.inf)
    first = ordered[np.arange(n), earliest]
    net_nonzero = netted != 0
    last = netted[np.arange(n), a.shape[1] - 1 - net_nonzero[:, ::-1].argmax(axis=1)]
    # f(r) has the sign of the latest net flow as r -> -1 and of the earliest as r -> inf.
    sign_lo = np.sign(last)
    multi = np.flatnonzero(changes > 1)
    if multi.size:
        lo[multi], hi[multi], sign_lo[multi], found = _bracket_on_grid(a, t, f, multi)
        if not found.all():
            raise _no_bracket(argument, named(multi[~found]))
    # First guess: the simple-interest rate of the stream (exact for one period), as in
    # the loan method, on the flows signed so that the first one is an advance
    normalised = ordered * np.where(first > 0, -1.0, 1.0)[:, None]
    with np.errstate(over="ignore", invalid="ignore"):  # sums of amounts near 1e308
        guess, _ = _first_guess(np.ascontiguousarray(normalised.T),
                                np.ascontiguousarray(tsorted.T))
    guess = np.where((guess > lo) & (guess < hi), guess,
                     np.where(np.isfinite(hi), (lo + hi) / 2, guess))
    rate, unfinished = _by_width(a, t, f, guess, lo, hi, sign_lo)
    if unfinished.size:
        raise _no_convergence(named(unfinished))
    return rate


def _by_width(a: Array, t: Array, f: Array | None, rate: Array, lo: Array, hi: Array,
              sign_lo: Array) -> tuple[Array, npt.NDArray[np.intp]]:
    """Solve rows grouped by their used width (a portfolio padded to its longest stream
    does not evaluate the padding of its shorter ones); also the rows that did not
    converge."""
    n = a.shape[0]
    if n < 4096:
        return _newton(a, t, f, rate, lo, hi, sign_lo)
    # (no row is all zeros: such a row has no sign change and was refused)
    width = a.shape[1] - (a != 0)[:, ::-1].argmax(axis=1)
    bucket = (width + 7) // 8
    out = np.empty(n)
    unfinished = []
    for b in np.unique(bucket):
        rows = np.flatnonzero(bucket == b)
        w = min(int(b) * 8, a.shape[1])
        out[rows], stuck = _newton(a[rows, :w], t[rows, :w],
                                   None if f is None else f[rows, :w],
                                   rate[rows], lo[rows], hi[rows], sign_lo[rows])
        unfinished.append(rows[stuck])
    return out, np.sort(np.concatenate(unfinished))


def _newton(a: Array, t: Array, f: Array | None, rate: Array, lo: Array, hi: Array,
            sign_lo: Array) -> tuple[Array, npt.NDArray[np.intp]]:
    """Safeguarded Newton: keep a bracket (lo, hi) with f(lo) of sign ``sign_lo``; returns
    the rates and the rows still unfinished after the iteration cap."""
    active = np.arange(a.shape[0])
    # 1 + the time of each row's latest flow, for the trust rule below
    reach = 1.0 + np.where(a != 0, t, 0.0).max(axis=1, initial=0.0)
    moved = np.full(a.shape[0], np.inf)  # the size of each row's last step
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
        # streams of extreme size (1e300) overflow in the branches np.where discards,
        # and an unbounded bracket (hi = inf) makes inf - inf there: no warnings; a
        # rate that is not finite at the end is refused by to_decimal_rate
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            candidate = r - value / slope
            # a Newton step below r's last bit (of a finite f and f': an infinite slope
            # gives a step of 0 too, and says nothing)
            settled = (candidate == r) & np.isfinite(value) & np.isfinite(slope)
            # bisect when the step leaves the bracket or, the bracket closed, has not halved
            # since the last one (far from the root Newton can creep: 1 / degree at a time);
            # an open bracket is widened instead, and while its steps do not halve, by at
            # least 2|r| + 0.1 a step (from −90 %, 1 repaid by 1e-120 after 400 periods
            # moves by (1 + r) / 400 a step; a flat f, 2 for 1 over a day, by more)
            closed = np.isfinite(hi_a)
            slow = np.abs(candidate - r) > 0.5 * moved[active]
            outside = ~((candidate > lo_a) & (candidate < hi_a)) | ~np.isfinite(candidate) | (
                closed & slow)
            widened = 2 * np.abs(r) + 0.1
            candidate = np.where(outside, np.where(closed, (lo_a + hi_a) / 2, widened),
                                 np.where(slow, np.maximum(candidate, widened), candidate))
            # A Newton step of 1e-9 leaves an error of order (t + 1) / (1 + r) * 1e-18
            # (quadratic convergence, f''/f' ~ (t + 1) / (1 + r)): steps are trusted while that
            # factor is below 1e6, not near r = -1, where f is so steep that a tiny step says
            # nothing; there only a bracket narrower than the tolerance ends the iteration.
            step = np.abs(candidate - r)
            scale = 1 + np.abs(r)
            trusted = reach[active] <= _NEWTON_TRUST * (1 + r)
            # (a trusted point whose Newton step is below its last bit is the root: it
            # is kept, not bisected away from)
            kept = (value == 0) | (trusted & settled)
            done = kept | (hi_a - lo_a <= _TOL * scale) | (trusted & (
                (step <= _TOL * scale) | (~outside & (step <= 1e-9 * scale))))
            rate[active] = np.where(kept, r, candidate)
            moved[active] = np.abs(rate[active] - r)
        active = active[~done]
        if active.size == 0:
            break
    return rate, active


def to_decimal_rate(rate: float, places: int = 12) -> Decimal:
    """A solved float rate as a Decimal fraction quantized to ``places`` decimals.

    Raises
    ------
    InvalidArgumentError
        ``rate`` is not a real number, or ``places`` not a whole number from 0 to 100.
    NoSolutionError
        ``rate`` is infinite: a rate too large to express.
    ConvergenceError
        ``rate`` is NaN (a solver that did not finish).

    Examples
    --------
    >>> to_decimal_rate(0.1234567890123456)
    Decimal('0.123456789012')
    """
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)):
        raise InvalidArgumentError("rate", "must be a float", received=rate)
    if isinstance(rate, int) and abs(rate) > 2 ** 1023:  # float() would overflow
        rate = math.inf if rate > 0 else -math.inf
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 100:
        raise InvalidArgumentError("places", "must be a whole number from 0 to 100",
                                   received=places)
    if rate == math.inf:  # a loan so costly its annual rate is past every float
        raise NoSolutionError("the annual rate is too large to express (above 1.8e308, "
                              "a cost of more than 10^310 % a year)")
    if not math.isfinite(rate):
        raise ConvergenceError(f"the solved rate is not a finite number ({rate!r})")
    value = Decimal(repr(float(rate))).quantize(Decimal(f"1e-{places}"),
                                                context=_RATE_DIGITS)
    return value.copy_abs() if value == 0 else value  # no "-0.00%"
