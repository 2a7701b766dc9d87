"""Time-value functions with Excel's arguments: PMT, IPMT, PPMT, NPER, PV, FV, RATE, NPV, MIRR.

Every function takes the arguments of the Excel function of the same name, in the same
order and with the same sign convention (money paid out is negative, money received
positive, as in numpy-financial): ``pmt(rate, nper, pv, fv=0, when="end")`` is
``=PMT(rate, nper, pv, fv, type)``. ``when`` is ``"end"`` (Excel's type 0, the default)
or ``"begin"`` (type 1); the numbers 0 and 1 and :class:`Timing` members are accepted
too. The short names ``pv``, ``fv``, ``nper`` and ``when`` break the library's rule of
self-explaining names on purpose: these functions exist so that a spreadsheet formula
can be carried over argument by argument.

The equation behind all of them is Excel's (see the PV function's documentation): with
``r`` the periodic rate, ``n`` the number of periods and ``w`` 1 for payments at the
beginning of each period, 0 at the end,

.. math:: pv\\,(1+r)^n + pmt\\,(1 + r w)\\,\\frac{(1+r)^n - 1}{r} + fv = 0

and, at ``r = 0``, ``pv + pmt·n + fv = 0``.

Exactness
---------
Inputs are exact: ``Decimal``, ``int``, ``str`` (a plain decimal numeral), ``float``
(read by its shortest repr, so ``0.1`` is one tenth) or ``fractions.Fraction`` (any
rational, so a monthly rate can be given exactly as ``Fraction("0.08") / 12``). NaN,
infinities and ``bool`` are refused.

- :func:`pmt`, :func:`ipmt`, :func:`ppmt`, :func:`pv`, :func:`fv` and :func:`npv` are
  rational functions of rational inputs when the number of periods is a whole number
  (it must be here). They are computed **exactly**, in integers, and the exact value is
  rounded **once**:

  - by default to 28 significant digits, half-even (the exact value itself whenever
    it has at most 28 significant digits, trailing zeros dropped): ``Decimal('-100')``,
    ``Decimal('-1037.032089359152175652094829')``;
  - with ``places=`` (a number of decimals) or ``currency=`` (that currency's minor
    unit, 2 for CNY, 0 for JPY) to that many decimals with ``rounding=`` (a
    :class:`~bnpl_restructure.rounding.RoundingMode`, half-up by default, the
    library's and Excel's ROUND rule: ties away from zero). ``pmt(...,
    currency="CNY")`` is the payment as a spreadsheet shows it, ``=ROUND(PMT(...), 2)``,
    but rounded from the exact value, never from a float.

- :func:`nper` and :func:`mirr` are logarithms and roots, irrational in general:
  they are evaluated in closed form with 50-digit decimal arithmetic (more digits where
  a logarithm's argument is close to 1) and rounded half-even to 28 significant
  digits; a result that is a short decimal comes out as one (``Decimal('2')``).
- :func:`rate` solves the equation: the library's rate solver
  (:mod:`bnpl_restructure.solver`) locates the root, or Excel's ``guess`` starts the
  iteration, and a secant iteration in 60-digit decimal arithmetic refines it until a
  step is below 1e-32 of the rate; the root is rounded to 28 significant digits. For a
  loan (advance, then repayments: one change of sign) the root is simple and the
  result is accurate to a unit in its last digit.

Every ``Decimal`` computation runs in contexts built by
:func:`~bnpl_restructure._context.make_context`; the caller's ``decimal`` context never
changes a figure.

Limits
------
``nper`` (and ``per``) must be whole numbers from 1 to 100,000, and the exact functions
refuse work whose integers would exceed 400,000 digits: ``nper`` times the digits of
the rate's numerator and denominator (``Fraction("0.08") / 12`` is 2/150: 4 digits,
so up to 100,000 periods; the float 0.006666666666666667 is 6666666666666667/10**18:
35 digits, so up to about 11,000). Amounts and rates must be zero or between 1e-400 and
1e400 in absolute value (every finite float is), with at most 420 digits in the numerator
and the denominator of their exact value.

Errors
------
Bad input raises :class:`~bnpl_restructure.errors.InvalidArgumentError` naming the
argument; an equation without a solution raises
:class:`~bnpl_restructure.errors.NoSolutionError` (and a rate iteration that does not
converge :class:`~bnpl_restructure.errors.ConvergenceError`). Never NaN, never None.
Two deliberate differences from Excel: a negative number of periods (Excel's
``=NPER(1%, -100, -1000)`` is -9.57859404) is refused as no solution, and a fractional
``nper`` is refused where Excel would evaluate the formula with a fractional power.

References
----------
.. [1] Microsoft, Excel functions PMT, IPMT, PPMT, NPER, PV, FV, RATE, NPV and MIRR,
   https://support.microsoft.com/en-us/excel (each function's page; the examples
   below reproduce their example tables).
.. [2] numpy-financial 1.0, https://numpy.org/numpy-financial/ (same conventions;
   ``numpy_financial.npv`` discounts its first value zero periods, Excel's NPV one).

Examples
--------
>>> from fractions import Fraction
>>> from bnpl_restructure.tvm import pmt, ipmt, ppmt
>>> monthly = Fraction("0.08") / 12
>>> pmt(monthly, 10, 10000, currency="USD")
Decimal('-1037.03')
>>> ipmt(monthly, 1, 10, 10000, currency="USD"), ppmt(monthly, 1, 10, 10000, currency="USD")
(Decimal('-66.67'), Decimal('-970.37'))
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from decimal import MAX_PREC, Context, Decimal, Overflow
from fractions import Fraction
from typing import Final, NamedTuple, TypeAlias

import numpy as np

from ._context import PRECISION, in_library_context, make_context
from .errors import ConvergenceError, InvalidArgumentError, NoSolutionError, parse_enum
from .money import AmountLike, Currency, CurrencyLike, to_decimal
from .rounding import RoundingMode, round_ratio
from .solver import solve_rates

__all__ = [
    "Timing",
    "TimingLike",
    "fv",
    "ipmt",
    "mirr",
    "nper",
    "npv",
    "pmt",
    "ppmt",
    "pv",
    "rate",
]


class Timing(enum.Enum):
    """When each payment falls in its period: Excel's ``type`` argument.

    ``END`` (type 0, the default): at the end of each period, an ordinary annuity (a
    loan's installments). ``BEGIN`` (type 1): at the start, an annuity due (rent,
    a pay-in-advance plan).
    """

    END = "end"
    BEGIN = "begin"


TimingLike: TypeAlias = Timing | str | int
"""A :class:`Timing`, ``"end"`` / ``"begin"`` (any letter case), or Excel's 0 / 1."""

MAX_PERIODS: Final[int] = 100_000
"""The largest ``nper`` (and ``per``) accepted: 8,333 years of monthly payments."""

_DIGIT_BUDGET: Final[int] = 400_000
"""Largest size, in decimal digits, of the integers an exact computation may build."""

_MAGNITUDE: Final[int] = 400  # amounts and rates: zero, or 1e-400 <= |x| < 1e400
_MAX_INPUT_DIGITS: Final[int] = 420  # digits of an input's numerator or denominator
_SMALLEST: Final[Fraction] = Fraction(1, 10**_MAGNITUDE)
_LARGEST: Final[int] = 10**_MAGNITUDE
_WORK: Final[int] = 50  # digits carried by ln / exp before the result is rounded
_SOLVE: Final[int] = 60  # digits of the rate iteration
_STEP_TOLERANCE: Final[Decimal] = Decimal("1e-32")  # relative step that ends it
_MAX_STEPS: Final[int] = 100
_LOG10_2: Final[float] = math.log10(2)
_EXACT: Final[Context] = make_context(MAX_PREC)  # shifts a coefficient, never rounds


# ----------------------------------------------------------------------------- inputs


def _exact(value: AmountLike, argument: str) -> Fraction:
    """An input as an exact Fraction (a Fraction is taken as it is, any other number
    through :func:`~bnpl_restructure.money.to_decimal`)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(to_decimal(value, argument=argument))


def _number(value: AmountLike, argument: str) -> Fraction:
    """An amount or a rate as an exact Fraction of a sensible size."""
    exact = _exact(value, argument)
    if exact:
        if max(abs(exact.numerator), exact.denominator).bit_length() > 3.33 * _MAX_INPUT_DIGITS:
            raise InvalidArgumentError(
                argument, f"has too many digits for exact arithmetic (at most "
                f"{_MAX_INPUT_DIGITS} in its numerator and denominator)", received=value)
        if not _SMALLEST <= abs(exact) < _LARGEST:
            raise InvalidArgumentError(
                argument, f"must be zero or between 1e-{_MAGNITUDE} and 1e{_MAGNITUDE} in "
                "absolute value", received=value)
    return exact


def _rate(value: AmountLike, argument: str = "rate") -> Fraction:
    exact = _number(value, argument)
    if exact <= -1:
        raise InvalidArgumentError(
            argument, "must be greater than -1 (a rate of -100% or less per period "
            "leaves nothing to discount)", received=value)
    return exact


def _whole(value: AmountLike, argument: str, *, high: int = MAX_PERIODS,
           allowed: str | None = None) -> int:
    """A whole number of periods from 1 to ``high`` (``12``, ``"12"``, ``12.0``)."""
    allowed = allowed or f"must be a whole number of periods from 1 to {high:,}"
    try:
        exact = _exact(value, argument)
    except InvalidArgumentError:
        raise InvalidArgumentError(argument, allowed, received=value) from None
    if exact.denominator != 1 or not 1 <= exact.numerator <= high:
        raise InvalidArgumentError(argument, allowed, received=value)
    return exact.numerator


def _begins(when: TimingLike) -> bool:
    """True for payments at the beginning of each period."""
    if isinstance(when, int) and not isinstance(when, bool):
        if when in (0, 1):
            return when == 1
    elif isinstance(when, (Timing, str)):
        try:
            return parse_enum(Timing, when, argument="when") is Timing.BEGIN
        except InvalidArgumentError:
            pass
    raise InvalidArgumentError(
        "when", "must be 'end' or 'begin' (or Excel's type 0 or 1, or a Timing)",
        received=when)


def _amounts(values: Sequence[AmountLike], argument: str) -> list[Fraction]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise InvalidArgumentError(argument, "must be a sequence of amounts (a list or "
                                   "tuple)", received=values)
    if not values:
        raise InvalidArgumentError(argument, "must contain at least one amount",
                                   received=values)
    return [_number(v, f"{argument}[{k}]") for k, v in enumerate(values)]


def _rounding_rule(places: int | None, currency: CurrencyLike | None,
                   rounding: RoundingMode | str | None) -> tuple[int | None, RoundingMode]:
    """Decimals to round to (``None``: 28 significant digits) and the mode."""
    if currency is not None:
        if places is not None:
            raise InvalidArgumentError(
                "currency", "cannot be given with places= (the currency's minor unit "
                "sets the decimals)", received=currency)
        places = Currency.of(currency).exponent
    elif places is not None and (isinstance(places, bool) or not isinstance(places, int)
                                 or not 0 <= places <= 50):
        raise InvalidArgumentError("places", "must be an int from 0 to 50 (decimals of "
                                   "the result)", received=places)
    if rounding is None:
        return places, RoundingMode.HALF_UP
    mode = RoundingMode.parse(rounding, argument="rounding")
    if places is None:
        raise InvalidArgumentError(
            "rounding", "applies only with places= or currency= (without them the "
            "result has 28 significant digits)", received=rounding)
    return places, mode


def _check_budget(periods: int, rates: Sequence[Fraction], argument: str) -> None:
    digits = sum(_digits(r.numerator) + _digits(r.denominator) for r in rates)
    if periods * digits > _DIGIT_BUDGET:
        raise InvalidArgumentError(
            argument, f"is too large for exact arithmetic with this rate: {periods:,} "
            f"periods times {digits} digits of the rate exceeds {_DIGIT_BUDGET:,} digits "
            "(give the rate with fewer digits, e.g. Fraction('0.08') / 12 rather than "
            "a float)", received=periods)


def _digits(value: int) -> int:
    return len(str(abs(value)))  # small: inputs have at most _MAX_INPUT_DIGITS digits


# ---------------------------------------------------------------------------- outputs


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


# ------------------------------------------------------------- exact annuity algebra
#
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


# ------------------------------------------------------------- logarithms, exponentials


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


# ------------------------------------------------------------------------- functions


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


# ----------------------------------------------------------------------- rate helpers


def _show(value: Fraction) -> str:
    """A short text for a value in a message: the decimal, or ``p/q``."""
    if value.denominator == 1:
        return str(value.numerator)
    try:
        return str(to_decimal(value, argument="value"))
    except InvalidArgumentError:
        return f"{value.numerator}/{value.denominator}"


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
