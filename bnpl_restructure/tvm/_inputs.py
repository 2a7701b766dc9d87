"""Reading the time-value functions' arguments: exact numbers, periods, timing, rounding."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from fractions import Fraction
from typing import Final, TypeAlias

from ..errors import InvalidArgumentError, parse_enum
from ..money import AmountLike, Currency, CurrencyLike, to_decimal
from ..rounding import RoundingMode


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


def _show(value: Fraction) -> str:
    """A short text for a value in a message: the decimal, or ``p/q``."""
    if value.denominator == 1:
        return str(value.numerator)
    try:
        return str(to_decimal(value, argument="value"))
    except InvalidArgumentError:
        return f"{value.numerator}/{value.denominator}"
