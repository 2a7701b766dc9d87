"""Interest-rate conventions: from a quoted rate to an exact periodic rate.

A rate is always an exact fraction (``Decimal('0.0849')`` means 8.49%), never a float.
:func:`periodic_rate` turns a quoted rate into the rate of one payment period:

``NOMINAL`` (default)
    A nominal annual rate divided by the number of payment periods per year
    (8% a year paid monthly is 8%/12 a month). With ``compounding_per_year`` set to a
    different frequency than the payments, the rate compounds at that frequency and the
    equivalent periodic rate is ``(1 + annual / m) ** (m / periods_per_year) - 1``
    (Canadian mortgages: ``m = 2``, semi-annual compounding; Interest Act, R.S.C. 1985,
    c. I-15, s. 6).
``EFFECTIVE``
    An effective annual rate (EAR, APY): ``(1 + annual) ** (1 / periods_per_year) - 1``.
``PERIODIC``
    The rate of one period given directly (0.5% a month); ``annual_rate`` is then read
    as the periodic rate itself.

Where the equivalent rate is irrational (fractional powers), it is evaluated with 40
significant digits in an explicit :class:`decimal.Context` (the library's settings,
:func:`~bnpl_restructure._context.make_context`, whatever the caller's context is) and
then used as an exact rational; the error (below 1e-38) is far below one minor unit on
any amount.

Examples
--------
>>> from fractions import Fraction
>>> periodic_rate("0.08", periods_per_year=12)
Fraction(1, 150)
>>> periodic_rate("0.005", convention="periodic", periods_per_year=12)
Fraction(1, 200)
>>> round(float(periodic_rate("0.12", convention="effective", periods_per_year=12)), 12)
0.009488792935
>>> round(float(periodic_rate("0.06", periods_per_year=12, compounding_per_year=2)), 12)
0.004938622031
"""

from __future__ import annotations

import enum
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ._context import LIBRARY_CONTEXT, make_context
from .errors import InvalidArgumentError, parse_enum
from .money import to_decimal

__all__ = ["MAX_ANNUAL_RATE", "RateConvention", "parse_rate", "periodic_rate"]

#: Rates above this fraction (10 = 1,000% a year) are refused as absurd.
MAX_ANNUAL_RATE = Decimal(10)

_CONTEXT = make_context(40)


class RateConvention(enum.Enum):
    """How a quoted rate relates to the rate of one payment period (see module doc)."""

    NOMINAL = "nominal"
    EFFECTIVE = "effective"
    PERIODIC = "periodic"

    @classmethod
    def parse(cls, value: Any, *, argument: str = "rate_convention") -> RateConvention:
        """Accept a member or its value, case-insensitive; an error names ``argument``
        (``"convention"`` for :func:`periodic_rate`).

        Raises
        ------
        InvalidArgumentError
            ``argument`` (``rate_convention`` by default): not a member or the value or
            name of one.
        """
        return parse_enum(cls, value, argument=argument)


def parse_rate(value: Any, *, argument: str, plain_limit: Fraction = Fraction(1)) -> Fraction:
    """Read a rate: a fraction (``"0.0849"``, ``Decimal``, ``int``, ``float``) or a
    percentage string (``"8.49%"``).

    A plain number must be below ``plain_limit`` (1, i.e. 100%, for annual rates; the
    library passes 10% for per-period rates and 1% for daily ones): ``8`` is far more
    often a mistyped 8% than a deliberate 800%, and a fee rate of ``0.6`` a mistyped 0.6%,
    so they are refused with a hint; write ``"800%"`` or ``"60%"`` when it is meant.
    Negative rates and rates above :data:`MAX_ANNUAL_RATE` are refused.

    Raises
    ------
    InvalidArgumentError
        Naming ``argument``: ``value`` is not a number or a percentage (NaN, infinity,
        text, a wrong type), is negative, is a plain number of at least ``plain_limit``
        (write it as a percentage), or is above :data:`MAX_ANNUAL_RATE`.

    Examples
    --------
    >>> parse_rate("0.0849", argument="annual_rate")
    Fraction(849, 10000)
    >>> parse_rate("8.49%", argument="annual_rate")
    Fraction(849, 10000)
    >>> parse_rate(8, argument="annual_rate")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidArgumentError: annual_rate: a rate is a fraction: ...
    >>> parse_rate(-0.01, argument="annual_rate")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidArgumentError: annual_rate: must not be negative ...
    """
    percent = isinstance(value, str) and value.strip().endswith("%")
    if isinstance(value, Fraction):
        rate = value
    elif percent:
        try:
            rate = Fraction(to_decimal(value.strip()[:-1], argument=argument)) / 100
        except InvalidArgumentError as exc:
            raise InvalidArgumentError(argument, "must be a rate such as '0.08' or '8%'",
                                       received=value) from exc
    else:
        rate = Fraction(to_decimal(value, argument=argument))
    if rate < 0:
        raise InvalidArgumentError(argument, "must not be negative", received=value)
    if rate >= plain_limit and not percent:
        limit = f"{LIBRARY_CONTEXT.divide(plain_limit.numerator, plain_limit.denominator):%}"
        raise InvalidArgumentError(argument, "a rate is a fraction: '0.08' or '8%' is 8%; "
                                   f"write a rate of {limit} or more as a percentage "
                                   f"('{rate * 100}%') to show it is meant", received=value)
    if rate > MAX_ANNUAL_RATE:
        raise InvalidArgumentError(argument, f"must be at most {MAX_ANNUAL_RATE:%}",
                                   received=value)
    return rate


def _power(base: Fraction, exponent: Fraction) -> Fraction:
    """``base ** exponent`` exactly when the exponent is an integer, else to 40 digits."""
    if exponent.denominator == 1:
        return base ** int(exponent)
    value = _CONTEXT.power(
        _CONTEXT.divide(Decimal(base.numerator), Decimal(base.denominator)),
        _CONTEXT.divide(Decimal(exponent.numerator), Decimal(exponent.denominator)))
    return Fraction(value)


def periodic_rate(annual_rate: Any, *, periods_per_year: Fraction | int,
                  convention: RateConvention | str = RateConvention.NOMINAL,
                  compounding_per_year: int | None = None,
                  argument: str = "annual_rate") -> Fraction:
    """The exact rate of one payment period for a quoted rate.

    Parameters
    ----------
    annual_rate
        The quoted rate as a fraction (``"0.08"`` is 8%); read as the periodic rate
        itself when ``convention="periodic"``.
    periods_per_year
        Payment periods per year (12 for monthly).
    convention
        :class:`RateConvention`.
    compounding_per_year
        For a nominal rate, the compounding frequency when it differs from the payment
        frequency (2 for Canadian mortgages); ``None`` means "same as the payments".

    Returns
    -------
    Fraction
        The periodic rate.

    Raises
    ------
    InvalidArgumentError
        ``annual_rate`` (named ``argument``) is not a rate; ``periods_per_year`` is not an
        int or Fraction from 1/10,000 to 1,000,000; ``convention`` is unknown;
        ``compounding_per_year`` is not a whole number from 1 to 1,000,000, or is given
        with an effective or periodic rate.
    """
    if type(annual_rate) in _HASHABLE and type(convention) in _HASHABLE and \
            type(compounding_per_year) in _HASHABLE and type(periods_per_year) in (int,
                                                                                 Fraction):
        # Quoted rates repeat (a product has a few): remembered, keyed by type and value.
        key = (type(annual_rate), annual_rate, type(periods_per_year),
               periods_per_year.numerator, periods_per_year.denominator, convention,
               type(compounding_per_year), compounding_per_year, argument)
        try:
            rate = _REMEMBERED.get(key)
        except TypeError:  # unhashable inside (a signalling NaN): parse refuses it
            return _periodic_rate(annual_rate, periods_per_year, convention,
                                  compounding_per_year, argument)
        if rate is None:
            rate = _periodic_rate(annual_rate, periods_per_year, convention,
                                  compounding_per_year, argument)
            if len(_REMEMBERED) >= 4096:
                _REMEMBERED.clear()
            _REMEMBERED[key] = rate
        return rate
    return _periodic_rate(annual_rate, periods_per_year, convention, compounding_per_year,
                          argument)


_MIN_PERIODS_PER_YEAR = Fraction(1, 10_000)
_MAX_PER_YEAR = 1_000_000
_HASHABLE = frozenset({str, int, float, Decimal, Fraction, RateConvention, type(None)})
_REMEMBERED: dict[tuple[Any, ...], Fraction] = {}


def _periodic_rate(annual_rate: Any, periods_per_year: Fraction | int,
                   convention: RateConvention | str, compounding_per_year: int | None,
                   argument: str) -> Fraction:
    rate = parse_rate(annual_rate, argument=argument)
    conv = RateConvention.parse(convention, argument="convention")
    if isinstance(periods_per_year, bool) or not isinstance(periods_per_year,
                                                            (int, Fraction)) \
            or periods_per_year <= 0:
        raise InvalidArgumentError("periods_per_year", "must be a positive int or Fraction",
                                   received=periods_per_year)
    if not _MIN_PERIODS_PER_YEAR <= periods_per_year <= _MAX_PER_YEAR:
        raise InvalidArgumentError("periods_per_year", "must be from 1/10,000 to 1,000,000 "
                                   "(12 for monthly)", received=periods_per_year)
    if compounding_per_year is not None and (
            isinstance(compounding_per_year, bool) or not isinstance(compounding_per_year, int)
            or compounding_per_year < 1):
        raise InvalidArgumentError("compounding_per_year", "must be a positive integer",
                                   received=compounding_per_year)
    if compounding_per_year is not None and compounding_per_year > _MAX_PER_YEAR:
        # past a million a year the 40 digits of the power could no longer tell
        # 1 + rate / m from 1 (10**400 gave a rate of zero)
        raise InvalidArgumentError("compounding_per_year", "must be at most 1,000,000 (365 "
                                   "for daily compounding)", received=compounding_per_year)
    ppy = Fraction(periods_per_year)
    if conv is RateConvention.PERIODIC:
        if compounding_per_year is not None:
            raise InvalidArgumentError("compounding_per_year",
                                       "applies only to a nominal annual rate",
                                       received=compounding_per_year)
        return rate
    if conv is RateConvention.EFFECTIVE:
        if compounding_per_year is not None:
            raise InvalidArgumentError("compounding_per_year",
                                       "applies only to a nominal annual rate",
                                       received=compounding_per_year)
        return _power(1 + rate, 1 / ppy) - 1
    if compounding_per_year is None or compounding_per_year == ppy:
        return rate / ppy
    m = Fraction(compounding_per_year)
    return _power(1 + rate / m, m / ppy) - 1

