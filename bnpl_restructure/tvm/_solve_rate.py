"""RATE: the annuity equation solved for the rate (the solver, then a secant iteration)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Context, Decimal, Overflow
from fractions import Fraction
from typing import Final

import numpy as np

from .._context import in_library_context, make_context
from ..errors import ConvergenceError, NoSolutionError
from ..money import AmountLike
from ..solver import solve_rates
from ._inputs import TimingLike, _begins, _number, _rate, _show, _whole
from ._logexp import _expm1, _ln_ratio
from ._outputs import _decimal_result, _significant

_SOLVE: Final[int] = 60  # digits of the rate iteration
_STEP_TOLERANCE: Final[Decimal] = Decimal("1e-32")  # relative step that ends it
_MAX_STEPS: Final[int] = 100


@in_library_context
def rate(nper: AmountLike, pmt: AmountLike, pv: AmountLike, fv: AmountLike = 0,
         when: TimingLike = "end", guess: AmountLike | None = None) -> Decimal:
    """The interest rate per period that takes ``pv`` to ``fv`` with payments ``pmt`` (RATE).

    Without ``guess``, the library's rate solver finds the root of the cash flows
    ``pv`` now, ``pmt`` each period and ``fv`` at the end (for a loan, with one change
    of sign, the only rate above -100%; otherwise the smallest positive, else the
    negative nearest zero: see :mod:`bnpl_restructure.solver`). With ``guess`` (Excel's
    argument), the iteration starts there instead, and with several roots the one it
    reaches is returned. Either way the root is refined by a secant iteration in
    60-digit decimal arithmetic until a step is below 1e-32 of the rate.

    Parameters
    ----------
    nper
        Number of periods, a whole number from 1 to 100,000.
    pmt, pv, fv, when
        As for :func:`pmt`.
    guess
        Where to start the iteration (Excel's ``guess``; Excel's default is 10%),
        greater than -1. ``None``: the solver's root.

    Returns
    -------
    Decimal
        The rate per period, rounded half-even to 28 significant digits; exactly 0 when
        ``pv + pmt·nper + fv == 0``.

    Raises
    ------
    InvalidArgumentError
        ``nper`` not a whole number from 1 to 100,000, an amount not a finite number,
        ``guess`` not above -1, ``when`` not recognised.
    NoSolutionError
        No rate solves the equation (the cash flows never change sign), or every rate
        does (the cash flows are all 0: ``pmt``, ``pv`` and ``fv`` all 0, or a single
        payment at the beginning that repays ``pv`` at once).
    ConvergenceError
        The iteration from ``guess`` did not converge (try another guess, or none). If
        the solver itself does not converge, the iteration starts from Excel's default
        guess, 10%, and this is raised only if that fails too.

    References
    ----------
    Microsoft, RATE function, https://support.microsoft.com/en-us/Excel/rate-function
    (example: 8,000 borrowed, 200 a month for 4 years: 1% a month (0.77% before Excel's
    percent format rounds it), 9.24% a year).

    Examples
    --------
    >>> from decimal import Decimal
    >>> monthly = rate(4 * 12, -200, 8000)                         # =RATE(48, -200, 8000)
    >>> monthly.quantize(Decimal("0.0001")), (12 * monthly).quantize(Decimal("0.0001"))
    (Decimal('0.0077'), Decimal('0.0924'))
    >>> rate(2, 0, -100, 121)
    Decimal('0.1')
    """
    periods = _whole(nper, "nper")
    payment, present, future = _number(pmt, "pmt"), _number(pv, "pv"), _number(fv, "fv")
    begin = _begins(when)
    start = None if guess is None else _rate(guess, "guess")
    shown = (f"rate(nper={periods}, pmt={_show(payment)}, pv={_show(present)}, "
             f"fv={_show(future)}, when={'begin' if begin else 'end'!r})")
    flows = _flows(periods, payment, present, future, begin)
    if not any(flows):
        raise NoSolutionError(f"rate: every rate solves {shown}: the cash flows (pv now, "
                              "pmt each period, fv at the end) are all 0")
    if present + payment * periods + future == 0:
        return Decimal(0)
    origin = "guess=" + _show(start) if start is not None else "the solved rate"
    if start is None:
        start = _solver_root(flows, periods, shown)
        if start is None:  # the solver gave up: Excel's default guess, 10%
            start, origin = Fraction(1, 10), "10% (the solver did not converge)"
    ctx = make_context(_SOLVE)
    at_start, each, at_end = (_significant(x.numerator, x.denominator, _SOLVE)
                              for x in (present, payment, future))

    def equation(r: Decimal) -> Decimal:
        return _fv_equation(r, periods, at_start, each, at_end, begin, ctx)

    first = _significant(start.numerator, start.denominator, _SOLVE)
    root = _secant(equation, first, ctx, failed=f"rate: the iteration for {shown} did not "
                   f"converge from {origin}; try another guess")
    return _decimal_result(root)


def _flows(periods: int, payment: Fraction, present: Fraction, future: Fraction,
           begin: bool) -> tuple[Fraction, Fraction, Fraction]:
    """The annuity's cash flows: at time 0, at each of times 1 .. nper - 1 (none when
    nper is 1), and at time nper."""
    first = present + payment if begin else present
    last = future if begin else future + payment
    return first, payment if periods > 1 else Fraction(0), last


def _solver_root(flows: tuple[Fraction, Fraction, Fraction], periods: int,
                 shown: str) -> Fraction | None:
    """The library solver's rate for the cash flows, or None if it did not converge."""
    first, middle, last = flows
    amounts = np.full((1, periods + 1), float(middle))
    amounts[0, 0], amounts[0, periods] = float(first), float(last)
    times = np.arange(periods + 1, dtype=np.float64)[np.newaxis, :]
    try:
        root = float(solve_rates(amounts, times, argument="rate")[0])
    except ConvergenceError:
        return None
    except NoSolutionError as error:
        raise NoSolutionError(
            f"rate: no rate solves {shown}: the cash flows (pv now, pmt each period, fv "
            "at the end) never change sign") from error
    return Fraction(root)


def _fv_equation(r: Decimal, periods: int, present: Decimal, payment: Decimal,
                 future: Decimal, begin: bool, context: Context) -> Decimal:
    """``pv (1+r)^n + pmt (1 + r w) ((1+r)^n - 1) / r + fv`` in ``context``, with the
    growth and the annuity factor accurate to about 50 significant digits."""
    if r == 0:
        annuity, growth = Decimal(periods), Decimal(1)
    else:
        numerator, denominator = r.as_integer_ratio()
        exponent = context.multiply(_ln_ratio(denominator + numerator, denominator), periods)
        growth = context.exp(exponent)
        annuity = context.divide(_expm1(exponent), r)
        if begin:
            annuity = context.multiply(annuity, context.add(1, r))
    total = context.add(context.multiply(present, growth), context.multiply(payment, annuity))
    result: Decimal = context.add(total, future)
    return result


def _secant(equation: Callable[[Decimal], Decimal], start: Decimal, context: Context, *,
            failed: str) -> Decimal:
    """A root of ``equation`` near ``start`` by the secant method, kept above -1."""
    previous = start
    current = context.add(start, context.multiply(Decimal("1e-10"),
                                                  context.add(1, context.abs(start))))
    if current <= -1:
        current = context.divide(context.add(start, -1), 2)
    try:
        f_previous, f_current = equation(previous), equation(current)
        if f_previous == 0:
            return previous
        for _ in range(_MAX_STEPS):
            if f_current == 0:
                return current
            if f_current == f_previous:
                break
            step = context.divide(context.multiply(f_current,
                                                   context.subtract(current, previous)),
                                  context.subtract(f_current, f_previous))
            following = context.subtract(current, step)
            if following <= -1:  # halfway to -100% instead
                following = context.divide(context.add(current, -1), 2)
            if (context.abs(context.subtract(following, current))
                    <= context.multiply(_STEP_TOLERANCE, context.abs(following))):
                return following
            previous, f_previous = current, f_current
            current, f_current = following, equation(following)
    except Overflow:
        pass
    raise ConvergenceError(failed)
