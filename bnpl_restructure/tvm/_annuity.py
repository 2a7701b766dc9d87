"""PMT, IPMT, PPMT, FV and PV: the annuity equation solved exactly for one amount."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .._context import in_library_context
from ..money import AmountLike, CurrencyLike
from ..rounding import RoundingMode
from ._algebra import _balance_interest, _payment, _value
from ._inputs import TimingLike, _begins, _number, _rate, _rounding_rule, _whole
from ._outputs import _exact_or, _result


@in_library_context
def pmt(rate: AmountLike, nper: AmountLike, pv: AmountLike, fv: AmountLike = 0,
        when: TimingLike = "end", *, places: int | None = None,
        currency: CurrencyLike | None = None,
        rounding: RoundingMode | str | None = None) -> Decimal:
    """The level payment per period that takes ``pv`` to ``fv`` (Excel's PMT).

    Parameters
    ----------
    rate
        Interest rate per period, a fraction greater than -1 (``Fraction("0.08") / 12``
        for 8% a year paid monthly; any ``Fraction`` is exact).
    nper
        Number of payments, a whole number from 1 to 100,000.
    pv
        Present value, the amount received now (a loan's principal, positive for the
        borrower).
    fv
        Balance wanted after the last payment (0 for a loan paid off).
    when
        ``"end"`` (Excel's type 0) or ``"begin"`` (type 1): when payments fall.
    places, currency, rounding
        Round the exact payment once to ``places`` decimals, or to ``currency``'s minor
        unit, by ``rounding`` (half-up by default). Without them: 28 significant digits.

    Returns
    -------
    Decimal
        The payment, negative when ``pv + fv`` is positive (money paid out). At rate 0,
        exactly ``-(pv + fv) / nper``.

    Raises
    ------
    InvalidArgumentError
        ``rate`` not above -1, ``nper`` not a whole number from 1 to 100,000 (or too
        large for exact arithmetic with this rate), an amount that is not a finite
        number, ``when``, ``places``, ``currency`` or ``rounding`` not recognised.

    References
    ----------
    Microsoft, PMT function, https://support.microsoft.com/en-us/excel/functions/pmt-function
    (example: 8% a year, 10 monthly payments, 10,000 borrowed: (1,037.03); payments at
    the beginning: (1,030.16); saving 50,000 over 18 years at 6%: (129.08)).

    Examples
    --------
    >>> from fractions import Fraction
    >>> monthly = Fraction("0.08") / 12                 # =PMT(8%/12, 10, 10000)
    >>> pmt(monthly, 10, 10000)
    Decimal('-1037.032089359152175652094829')
    >>> pmt(monthly, 10, 10000, currency="USD")         # Excel shows ($1,037.03)
    Decimal('-1037.03')
    >>> pmt(monthly, 10, 10000, 0, "begin", places=2)   # =PMT(8%/12, 10, 10000, 0, 1)
    Decimal('-1030.16')
    >>> pmt(Fraction("0.06") / 12, 18 * 12, 0, 50000, places=2)  # ($129.08)
    Decimal('-129.08')
    >>> pmt(0, 12, 1200)
    Decimal('-100')
    """
    rule = _rounding_rule(places, currency, rounding)
    periodic, periods = _rate(rate), _whole(nper, "nper")
    present, future, begin = _number(pv, "pv"), _number(fv, "fv"), _begins(when)
    return _exact_or(rule, periodic, periods, -(present + future) / periods,
                     lambda: _payment(periodic, periods, present, future, begin))


@in_library_context
def ipmt(rate: AmountLike, per: AmountLike, nper: AmountLike, pv: AmountLike,
         fv: AmountLike = 0, when: TimingLike = "end", *, places: int | None = None,
         currency: CurrencyLike | None = None,
         rounding: RoundingMode | str | None = None) -> Decimal:
    """The interest part of payment number ``per`` (Excel's IPMT).

    Interest accrues on the balance left after the previous payments:
    ``rate × FV(rate, per - 1, PMT(...), pv, when)``. With payments at the beginning of
    the period the first payment carries no interest (0) and payment ``per`` pays the
    interest of the period before it, that amount divided by ``1 + rate``.

    Parameters
    ----------
    rate, nper, pv, fv, when, places, currency, rounding
        As for :func:`pmt`.
    per
        The payment, a whole number from 1 to ``nper``.

    Returns
    -------
    Decimal
        The interest part (negative for a borrower, as the payment is); exactly 0 at
        rate 0. The exact values of ``ipmt`` and :func:`ppmt` add up to the exact
        :func:`pmt`; each result is rounded on its own.

    Raises
    ------
    InvalidArgumentError
        As for :func:`pmt`, and ``per`` outside 1 to ``nper``.

    References
    ----------
    Microsoft, IPMT function, https://support.microsoft.com/en-us/excel/ipmt-function
    (example: 8,000 at 10% a year over 3 years: first month's interest (66.67); last
    year's interest with yearly payments (292.45)).

    Examples
    --------
    >>> from fractions import Fraction
    >>> ipmt(Fraction("0.10") / 12, 1, 3 * 12, 8000)    # =IPMT(10%/12, 1, 36, 8000)
    Decimal('-66.66666666666666666666666667')
    >>> ipmt("0.10", 3, 3, 8000, places=2)              # =IPMT(10%, 3, 3, 8000): ($292.45)
    Decimal('-292.45')
    >>> ipmt("0.10", 1, 3, 8000, 0, "begin")
    Decimal('0')
    """
    rule = _rounding_rule(places, currency, rounding)
    periodic, periods = _rate(rate), _whole(nper, "nper")
    period = _whole(per, "per", high=periods,
                    allowed=f"must be a whole number from 1 to nper ({periods})")
    present, future, begin = _number(pv, "pv"), _number(fv, "fv"), _begins(when)
    if begin and period == 1:  # paid at once: no interest has accrued
        return _result(0, 1, *rule)
    return _exact_or(rule, periodic, periods, Fraction(0), lambda: _balance_interest(
        periodic, period, periods, present, future, begin))


@in_library_context
def ppmt(rate: AmountLike, per: AmountLike, nper: AmountLike, pv: AmountLike,
         fv: AmountLike = 0, when: TimingLike = "end", *, places: int | None = None,
         currency: CurrencyLike | None = None,
         rounding: RoundingMode | str | None = None) -> Decimal:
    """The principal part of payment number ``per`` (Excel's PPMT): ``PMT − IPMT``.

    Parameters
    ----------
    rate, per, nper, pv, fv, when, places, currency, rounding
        As for :func:`ipmt`.

    Returns
    -------
    Decimal
        The principal part, computed exactly as the payment less its interest and
        rounded once. With ``fv = 0`` the exact parts of all ``nper`` payments add up
        to ``-pv`` (rounded parts differ from it by the roundings; a schedule that must
        reconcile to the cent is :class:`~bnpl_restructure.plans.Plan`'s job).

    Raises
    ------
    InvalidArgumentError
        As for :func:`ipmt`.

    References
    ----------
    Microsoft, PPMT function, https://support.microsoft.com/en-us/excel/functions/ppmt-function
    (example: 2,000 at 10% a year over 2 years, first month's principal (75.62); 200,000
    at 8% over 10 years, the 10th year's principal (27,598.05)).

    Examples
    --------
    >>> from fractions import Fraction
    >>> ppmt(Fraction("0.10") / 12, 1, 2 * 12, 2000, places=2)  # ($75.62)
    Decimal('-75.62')
    >>> ppmt("0.08", 10, 10, 200000, places=2)                  # ($27,598.05)
    Decimal('-27598.05')
    """
    rule = _rounding_rule(places, currency, rounding)
    periodic, periods = _rate(rate), _whole(nper, "nper")
    period = _whole(per, "per", high=periods,
                    allowed=f"must be a whole number from 1 to nper ({periods})")
    present, future, begin = _number(pv, "pv"), _number(fv, "fv"), _begins(when)

    def exact() -> tuple[int, int]:
        pay_num, pay_den = _payment(periodic, periods, present, future, begin)
        if begin and period == 1:
            return pay_num, pay_den
        int_num, int_den = _balance_interest(periodic, period, periods, present, future,
                                             begin)
        return pay_num * int_den - int_num * pay_den, pay_den * int_den

    return _exact_or(rule, periodic, periods, -(present + future) / periods, exact)


@in_library_context
def fv(rate: AmountLike, nper: AmountLike, pmt: AmountLike, pv: AmountLike = 0,
       when: TimingLike = "end", *, places: int | None = None,
       currency: CurrencyLike | None = None,
       rounding: RoundingMode | str | None = None) -> Decimal:
    """The value after ``nper`` periods of ``pv`` and the payments (Excel's FV).

    Parameters
    ----------
    rate, nper, when, places, currency, rounding
        As for :func:`pmt`.
    pmt
        The payment made each period (negative when paid in).
    pv
        The amount at the start (negative when paid in).

    Returns
    -------
    Decimal
        ``-(pv (1+rate)^nper + pmt (1 + rate·w) ((1+rate)^nper - 1) / rate)``;
        ``-(pv + pmt·nper)`` at rate 0.

    Raises
    ------
    InvalidArgumentError
        As for :func:`pmt`.

    References
    ----------
    Microsoft, FV function, https://support.microsoft.com/en-us/excel/functions/fv-function
    (examples: 6% a year, 10 monthly deposits of 200 at the beginning, 500 at the start:
    $2,581.40; 12%, 12 deposits of 1,000: $12,682.50; 11%, 35 deposits of 2,000 at the
    beginning: $82,846.25).

    Examples
    --------
    >>> from fractions import Fraction
    >>> fv(Fraction("0.06") / 12, 10, -200, -500, "begin", places=2)   # $2,581.40
    Decimal('2581.40')
    >>> fv(Fraction("0.12") / 12, 12, -1000, places=2)                 # $12,682.50
    Decimal('12682.50')
    >>> fv(Fraction("0.11") / 12, 35, -2000, 0, 1, places=2)           # $82,846.25
    Decimal('82846.25')
    >>> fv("0.1", 2, 0, -100)
    Decimal('121')
    """
    rule = _rounding_rule(places, currency, rounding)
    periodic, periods = _rate(rate), _whole(nper, "nper")
    payment, present, begin = _number(pmt, "pmt"), _number(pv, "pv"), _begins(when)
    return _exact_or(rule, periodic, periods, -(present + payment * periods),
                     lambda: _value(periodic, periods, present, payment, begin, future=True))


@in_library_context
def pv(rate: AmountLike, nper: AmountLike, pmt: AmountLike, fv: AmountLike = 0,
       when: TimingLike = "end", *, places: int | None = None,
       currency: CurrencyLike | None = None,
       rounding: RoundingMode | str | None = None) -> Decimal:
    """The present value of the payments and of ``fv`` (Excel's PV).

    Parameters
    ----------
    rate, nper, when, places, currency, rounding
        As for :func:`pmt`.
    pmt
        The payment made each period.
    fv
        The amount after the last payment.

    Returns
    -------
    Decimal
        ``-(fv + pmt (1 + rate·w) ((1+rate)^nper - 1) / rate) / (1+rate)^nper``;
        ``-(fv + pmt·nper)`` at rate 0.

    Raises
    ------
    InvalidArgumentError
        As for :func:`pmt`.

    References
    ----------
    Microsoft, PV function, https://support.microsoft.com/en-us/excel/functions/pv-function
    (example: an annuity paying 500 a month for 20 years at 8% a year costs
    ($59,777.15)).

    Examples
    --------
    >>> from fractions import Fraction
    >>> pv(Fraction("0.08") / 12, 12 * 20, 500, places=2)   # ($59,777.15)
    Decimal('-59777.15')
    >>> pv("0.1", 2, 0, 121)
    Decimal('-100')
    """
    rule = _rounding_rule(places, currency, rounding)
    periodic, periods = _rate(rate), _whole(nper, "nper")
    payment, future, begin = _number(pmt, "pmt"), _number(fv, "fv"), _begins(when)
    return _exact_or(rule, periodic, periods, -(future + payment * periods),
                     lambda: _value(periodic, periods, future, payment, begin, future=False))
