"""NPV and MIRR: lists of periodic cash flows, discounted exactly or by logarithms."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from .._context import in_library_context, make_context
from ..errors import InvalidArgumentError
from ..money import AmountLike, CurrencyLike
from ..rounding import RoundingMode
from ._algebra import _horner, _scaled
from ._inputs import _amounts, _check_budget, _rate, _rounding_rule
from ._logexp import _WORK, _expm1, _ln_ratio
from ._outputs import _decimal_result, _exact_or


@in_library_context
def npv(rate: AmountLike, values: Sequence[AmountLike], *, places: int | None = None,
        currency: CurrencyLike | None = None,
        rounding: RoundingMode | str | None = None) -> Decimal:
    """The net present value of cash flows at the ends of periods 1, 2, ... (Excel's NPV).

    Excel's convention: the first value is discounted one full period. For flows that
    start now (an advance at time 0), add that flow outside: ``values[0] +
    npv(rate, values[1:])``. (``numpy_financial.npv`` discounts its first value zero
    periods.)

    Parameters
    ----------
    rate
        Discount rate per period, greater than -1.
    values
        A list or tuple of amounts, at least one.
    places, currency, rounding
        As for :func:`pmt`.

    Returns
    -------
    Decimal
        ``sum(values[i] / (1 + rate) ** (i + 1))``, exact and rounded once.

    Raises
    ------
    InvalidArgumentError
        ``rate`` not above -1, ``values`` empty, not a sequence, or an amount in it not
        a finite number (named ``values[k]``); too many values for exact arithmetic with
        this rate.

    References
    ----------
    Microsoft, NPV function, https://support.microsoft.com/en-us/office/npv-function-8672cb67-2576-4d07-b67b-ac28acf2a568
    (example 1: 10% a year, -10,000 after one year then 3,000, 4,200, 6,800: $1,188.44;
    example 2: 8%, 40,000 now then 8,000, 9,200, 10,000, 12,000, 14,500: $1,922.06, and
    with a further -9,000: ($3,749.47)).

    Examples
    --------
    >>> npv("0.10", [-10000, 3000, 4200, 6800], places=2)           # $1,188.44
    Decimal('1188.44')
    >>> flows = [8000, 9200, 10000, 12000, 14500]
    >>> -40000 + npv("0.08", flows, places=2)                      # $1,922.06
    Decimal('1922.06')
    >>> -40000 + npv("0.08", [*flows, -9000], places=2)            # ($3,749.47)
    Decimal('-3749.47')
    """
    rule = _rounding_rule(places, currency, rounding)
    periodic, amounts = _rate(rate), _amounts(values, "values")
    a, b = periodic.numerator, periodic.denominator

    def exact() -> tuple[int, int]:
        scale, integers = _scaled(*amounts)
        # sum v_i b^(i+1) (a+b)^(m-1-i) / (a+b)^m, i = 0..m-1
        return b * _horner(integers, a + b, b), scale * (a + b) ** len(amounts)

    return _exact_or(rule, periodic, len(amounts), sum(amounts, Fraction(0)), exact,
                     argument="values")


@in_library_context
def mirr(values: Sequence[AmountLike], finance_rate: AmountLike,
         reinvest_rate: AmountLike) -> Decimal:
    """The modified internal rate of return of periodic cash flows (Excel's MIRR).

    Negative flows are discounted to time 0 at ``finance_rate``, positive flows
    compounded to the last period at ``reinvest_rate``, and MIRR is the rate per period
    that grows the one into the other over ``len(values) - 1`` periods:

    .. math:: \\left(\\frac{FV(\\text{positive})}{-PV(\\text{negative})}\\right)^{1/(n-1)} - 1

    Parameters
    ----------
    values
        Cash flows at times 0, 1, ..., n - 1 (a list or tuple); at least one positive
        and one negative.
    finance_rate
        Rate per period paid on the money invested, greater than -1.
    reinvest_rate
        Rate per period earned on the money returned, greater than -1.

    Returns
    -------
    Decimal
        The rate per period. The ratio is exact; the root is evaluated with 50-digit
        logarithms and rounded half-even to 28 significant digits.

    Raises
    ------
    InvalidArgumentError
        ``values`` without a positive and a negative flow (Excel: #DIV/0!), not a
        sequence, or holding an amount that is not a finite number; a rate not above -1.

    References
    ----------
    Microsoft, MIRR function, https://support.microsoft.com/en-US/excel/functions/mirr-function
    (example: a 120,000 loan at 10% returning 39,000, 30,000, 21,000, 37,000, 46,000
    reinvested at 12%: 13% after five years (12.61%), -5% after three (-4.80%), 13% at
    14% reinvestment (13.48%)).

    Examples
    --------
    >>> from decimal import Decimal
    >>> flows = [-120000, 39000, 30000, 21000, 37000, 46000]
    >>> mirr(flows, "0.10", "0.12")
    Decimal('0.1260941303659051458284218801')
    >>> mirr(flows, "0.10", "0.12").quantize(Decimal("0.0001"))   # 12.61%
    Decimal('0.1261')
    >>> mirr(flows[:4], "0.10", "0.12").quantize(Decimal("0.0001"))  # -4.80%
    Decimal('-0.0480')
    >>> mirr(flows, "0.10", "0.14").quantize(Decimal("0.0001"))   # 13.48%
    Decimal('0.1348')
    """
    amounts = _amounts(values, "values")
    finance, reinvest = _rate(finance_rate, "finance_rate"), _rate(reinvest_rate,
                                                                   "reinvest_rate")
    if not any(v > 0 for v in amounts) or not any(v < 0 for v in amounts):
        raise InvalidArgumentError("values", "must contain at least one positive and one "
                                   "negative cash flow", received=values)
    _check_budget(len(amounts), [finance, reinvest], "values")
    _, integers = _scaled(*amounts)
    fa, fb = finance.numerator, finance.denominator
    ra, rb = reinvest.numerator, reinvest.denominator
    last = len(amounts) - 1
    # -PV(negative) = -sum n_i fb^i (fa+fb)^(last-i) / (fa+fb)^last
    # FV(positive)  =  sum p_i rb^i (ra+rb)^(last-i) / rb^last
    paid = -_horner([min(v, 0) for v in integers], fa + fb, fb)
    earned = _horner([max(v, 0) for v in integers], ra + rb, rb)
    log_ratio = _ln_ratio(earned * (fa + fb) ** last, paid * rb**last)
    ctx = make_context(_WORK + max(0, -log_ratio.adjusted()) + 2)
    return _decimal_result(_expm1(ctx.divide(log_ratio, last)))
