"""NPER: the annuity equation solved for the number of periods, by logarithms."""

from __future__ import annotations

from decimal import Decimal

from .._context import in_library_context, make_context
from ..errors import NoSolutionError
from ..money import AmountLike
from ..rounding import RoundingMode
from ._inputs import TimingLike, _begins, _number, _rate, _show
from ._logexp import _WORK, _ln_ratio
from ._outputs import _decimal_result, _result


@in_library_context
def nper(rate: AmountLike, pmt: AmountLike, pv: AmountLike, fv: AmountLike = 0,
         when: TimingLike = "end") -> Decimal:
    """The number of periods that takes ``pv`` to ``fv`` with payments ``pmt`` (NPER).

    Solves the equation for ``n``: ``(1 + rate)^n = (A - fv) / (A + pv)`` with
    ``A = pmt (1 + rate·w) / rate``; at rate 0, ``n = -(pv + fv) / pmt``. The result is
    fractional in general (a final, smaller payment is outside this equation).

    Parameters
    ----------
    rate, when
        As for :func:`pmt`.
    pmt
        The payment made each period.
    pv, fv
        The amounts at the start and after the last payment.

    Returns
    -------
    Decimal
        The number of periods, zero or positive: two natural logarithms evaluated with
        50 digits (more when an argument is close to 1), rounded half-even to 28
        significant digits; exact (then rounded likewise) at rate 0.

    Raises
    ------
    InvalidArgumentError
        As for :func:`pmt`.
    NoSolutionError
        No number of periods solves the equation (the payments never reach ``fv``: they
        do not even cover the interest, or point the wrong way; ``pmt`` is 0 at rate 0),
        every number does (nothing changes), or the only solution is negative. Excel
        returns that negative number; a count of periods cannot be negative.

    References
    ----------
    Microsoft, NPER function, https://support.microsoft.com/en-us/excel/nper-function
    (example: 12% a year, payments of 100 a month, 1,000 paid in, 10,000 wanted:
    59.6738657 with payments at the beginning, 60.0821229 at the end; without the
    10,000, -9.57859404, which is refused here).

    Examples
    --------
    >>> from decimal import Decimal
    >>> nper("0.01", -100, -1000, 10000, "begin")
    Decimal('59.67386567429462558750359043')
    >>> nper("0.01", -100, -1000, 10000).quantize(Decimal("0.0000001"))   # 60.0821229
    Decimal('60.0821229')
    >>> nper("0.1", 0, -100, 121)
    Decimal('2')
    >>> nper("0.01", -100, -1000)
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.NoSolutionError: nper: no number of periods solves ...
    """
    periodic, payment = _rate(rate), _number(pmt, "pmt")
    present, future, begin = _number(pv, "pv"), _number(fv, "fv"), _begins(when)
    shown = (f"nper(rate={_show(periodic)}, pmt={_show(payment)}, pv={_show(present)}, "
             f"fv={_show(future)}, when={'begin' if begin else 'end'!r})")
    if periodic == 0:
        if payment == 0:
            raise NoSolutionError(
                f"nper: no number of periods solves {shown}: at rate 0 with pmt 0 the "
                "balance never changes")
        exact = -(present + future) / payment
        if exact < 0:
            raise NoSolutionError(
                f"nper: no number of periods solves {shown}: the only solution is "
                f"{_show(exact)} periods, and a count of periods cannot be negative")
        return _result(exact.numerator, exact.denominator, None, RoundingMode.HALF_EVEN)
    annuity = payment * (1 + periodic if begin else 1) / periodic
    target, start = annuity - future, annuity + present
    if target == 0 and start == 0:
        raise NoSolutionError(f"nper: every number of periods solves {shown}: the "
                              "payments exactly pay the interest and fv is -pv")
    if target == 0 or start == 0 or (target > 0) != (start > 0):
        raise NoSolutionError(
            f"nper: no number of periods solves {shown}: the payments never bring the "
            "balance to fv (they do not cover the interest, or point the wrong way)")
    ratio = target / start
    growth = _ln_ratio(periodic.denominator + periodic.numerator, periodic.denominator)
    log_ratio = _ln_ratio(ratio.numerator, ratio.denominator)
    periods = make_context(_WORK + 10).divide(log_ratio, growth)
    if periods < 0:
        raise NoSolutionError(
            f"nper: no number of periods solves {shown}: the only solution is "
            f"{periods:.9g} periods (Excel's NPER returns it), and a count of periods "
            "cannot be negative")
    return _decimal_result(periods)
