"""Currencies and exact conversion of money between major and minor units.

Money enters and leaves the library as :class:`~decimal.Decimal` amounts in
*major* units (yuan, dollars, yen). Inside, every amount is an ``int`` count of
*minor* units (fen, cents, yen, fils), using the currency's ISO 4217 exponent.
Conversions here are exact: an amount with more decimal places than the
currency allows is refused, never rounded, because a silent rounding at the
edge is a ledger difference nobody can trace.

No function here reads or changes the ambient :mod:`decimal` context; every
``Decimal`` is built from its sign, digits and exponent, or from a string (with the
library's context, :data:`~bnpl_restructure._context.LIBRARY_CONTEXT`, deciding what an
exponent beyond any context's limits does: it is refused), and compared exactly.

References
----------
.. [1] ISO 4217:2015, *Codes for the representation of currencies*, Table A.1
   (the "minor unit" column gives each currency's exponent).

Examples
--------
>>> from decimal import Decimal
>>> from bnpl_restructure.money import CNY, JPY, parse_money, format_money
>>> parse_money("3000.00", CNY, argument="principal")
300000
>>> CNY.to_major(34033)
Decimal('340.33')
>>> format_money(123456789, "cny")
'1,234,567.89'
>>> JPY.to_major(25)
Decimal('25')
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    Rounded,
)
from fractions import Fraction
from itertools import repeat
from typing import Final, TypeAlias

from bnpl_restructure._context import LIBRARY_CONTEXT
from bnpl_restructure.errors import InvalidArgumentError

__all__ = [
    "AUD",
    "BHD",
    "CAD",
    "CNY",
    "EUR",
    "GBP",
    "HKD",
    "JPY",
    "KRW",
    "KWD",
    "MAX_AMOUNT",
    "USD",
    "AmountLike",
    "Currency",
    "CurrencyLike",
    "format_money",
    "parse_money",
    "to_decimal",
]

AmountLike: TypeAlias = Decimal | str | int | float | Fraction
"""What the library accepts as an amount or a rate at its edges."""

MAX_AMOUNT: Final[Decimal] = Decimal("1e12")
"""The largest absolute amount :func:`parse_money` accepts, in major units.

One trillion major units (10**12 yuan, dollars or yen) is far above any
consumer installment loan; a larger input is almost surely a unit mistake
(minor units passed as major units) or a corrupted field. The limit also keeps
every balance, and every balance times a rate numerator, well inside the range
of ``numpy.int64`` minor units (10**12 major units of a 3-decimal currency is
10**15 minor units; ``int64`` holds about 9.2 * 10**18).
"""

# A magnitude bound for to_minor (digits before the decimal point, in minor
# units) so that a pathological input such as Decimal('1e999999999') is refused
# instead of building a gigantic integer. parse_money applies the much tighter
# MAX_AMOUNT first.
_MAX_MINOR_DIGITS: Final[int] = 100

# The decimal exponents to_decimal accepts: a number from 1e-1000 to below 1e+1001
# (to a thousand decimals). Every float is inside (5e-324 to 1.8e308); far outside,
# Decimal('1e-999999') is finite but its exact Fraction has a million-digit
# denominator, and rate arithmetic on it does not end in any useful time.
_MIN_EXPONENT: Final[int] = -1000
_MAX_ADJUSTED: Final[int] = 1000

_PLAIN_NUMBER: Final[re.Pattern[str]] = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII
)

_CODE: Final[re.Pattern[str]] = re.compile(r"[A-Z]{3}", re.ASCII)


@dataclass(frozen=True, slots=True)
class Currency:
    """A currency: its ISO 4217 code and the number of decimals of its minor unit.

    Parameters
    ----------
    code
        Three upper-case ASCII letters, e.g. ``"CNY"``.
    exponent
        Decimal places of the minor unit, 0 to 4 (ISO 4217 uses 0, 2, 3 and 4):
        2 for CNY and USD (1 yuan = 100 fen), 0 for JPY and KRW, 3 for BHD and
        KWD (1 dinar = 1000 fils).

    Raises
    ------
    InvalidArgumentError
        If the code is not three upper-case letters (``argument="code"``) or the
        exponent is not an integer from 0 to 4 (``argument="exponent"``).

    References
    ----------
    .. [1] ISO 4217:2015, Table A.1, "Minor unit" column.

    Examples
    --------
    >>> from bnpl_restructure.money import Currency
    >>> Currency.of("cny")
    Currency('CNY', exponent=2)
    >>> Currency.of("JPY").quantum
    Decimal('1')
    >>> Currency("BHD", exponent=3).minor_per_major
    1000
    >>> str(Currency.of("USD"))
    'USD'
    """

    code: str
    _: KW_ONLY
    exponent: int

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or _CODE.fullmatch(self.code) is None:
            raise InvalidArgumentError(
                "code",
                "must be an ISO 4217 code of three upper-case letters such as 'CNY'",
                received=self.code,
            )
        if (
            not isinstance(self.exponent, int)
            or isinstance(self.exponent, bool)
            or not 0 <= self.exponent <= 4
        ):
            raise InvalidArgumentError(
                "exponent",
                "must be an int from 0 to 4 (the decimals of the currency's minor unit)",
                received=self.exponent,
            )

    def __repr__(self) -> str:
        return f"Currency({self.code!r}, exponent={self.exponent})"

    def __str__(self) -> str:
        return self.code

    @classmethod
    def of(cls, value: CurrencyLike) -> Currency:
        """Return the currency for a :class:`Currency` or a known ISO 4217 code.

        Parameters
        ----------
        value
            A :class:`Currency` (returned unchanged) or one of the codes CNY,
            USD, EUR, GBP, HKD, AUD, CAD, JPY, KRW, BHD, KWD in any letter case,
            surrounding whitespace ignored. For another currency, construct it:
            ``Currency("CHF", exponent=2)``.

        Raises
        ------
        InvalidArgumentError
            ``argument="currency"``, listing the known codes.

        Examples
        --------
        >>> from bnpl_restructure.money import Currency, KWD
        >>> Currency.of(" kwd ") is KWD
        True
        """
        if isinstance(value, Currency):
            return value
        if isinstance(value, str):
            found = _KNOWN.get(value.strip().upper())
            if found is not None:
                return found
        raise InvalidArgumentError(
            "currency",
            "must be a Currency or one of the ISO 4217 codes "
            + ", ".join(_KNOWN)
            + " (construct other currencies with Currency(code, exponent=...))",
            received=value,
        )

    @property
    def minor_per_major(self) -> int:
        """Minor units in one major unit, ``10 ** exponent`` (100 for CNY, 1 for JPY)."""
        factor: int = 10**self.exponent  # int ** non-negative int is an int
        return factor

    @property
    def quantum(self) -> Decimal:
        """The smallest amount, in major units: ``Decimal('0.01')`` for CNY, ``Decimal('1')``
        for JPY, ``Decimal('0.001')`` for BHD."""
        return Decimal((0, (1,), -self.exponent))

    def to_minor(self, amount: AmountLike, *, argument: str = "amount") -> int:
        """Convert an amount in major units to an exact count of minor units.

        Parameters
        ----------
        amount
            Major units, anything :func:`to_decimal` accepts. It must have at most
            ``exponent`` decimal places (trailing zeros do not count:
            ``"1.500"`` is fine for CNY).
        argument
            The caller's name for the amount, used in error messages.

        Returns
        -------
        int
            The amount in minor units (may be negative or zero).

        Raises
        ------
        InvalidArgumentError
            If the amount is not a finite number, has more decimal places than
            the currency allows (it is never rounded silently), or is absurdly
            large (10**100 minor units or more).

        Examples
        --------
        >>> from decimal import Decimal
        >>> from bnpl_restructure.money import CNY, JPY
        >>> CNY.to_minor(Decimal("340.33"))
        34033
        >>> CNY.to_minor("1.500")
        150
        >>> JPY.to_minor(25)
        25
        >>> CNY.to_minor("0.005", argument="fee")
        Traceback (most recent call last):
        ...
        bnpl_restructure.errors.InvalidArgumentError: fee: must have at most 2 decimal places \
for CNY; round it explicitly first (got '0.005')
        """
        value = to_decimal(amount, argument=argument)
        return _decimal_to_minor(value, self, argument=argument, received=amount)

    def to_major(self, minor: int) -> Decimal:
        """Convert minor units to a ``Decimal`` in major units with exactly ``exponent`` places.

        Parameters
        ----------
        minor
            A count of minor units (``int``, not ``bool``).

        Returns
        -------
        Decimal
            E.g. ``Decimal('340.33')`` for 34033 CNY fen, ``Decimal('0.00')`` for 0,
            ``Decimal('25')`` for 25 JPY.

        Raises
        ------
        InvalidArgumentError
            ``argument="minor"`` if ``minor`` is not an ``int``.

        Examples
        --------
        >>> from bnpl_restructure.money import CNY, BHD
        >>> CNY.to_major(-5)
        Decimal('-0.05')
        >>> BHD.to_major(1)
        Decimal('0.001')
        """
        if type(minor) is int:  # the usual case: one exact multiplication
            try:
                return _SHIFT.multiply(Decimal(minor), _QUANTA[self.exponent])
            except (Inexact, Rounded):  # more than _SHIFT.prec digits: digit by digit
                pass
        elif not isinstance(minor, int) or isinstance(minor, bool):
            raise InvalidArgumentError(
                "minor", "must be an int count of minor units", received=minor
            )
        digits = tuple(int(c) for c in str(abs(minor)))
        return Decimal((1 if minor < 0 else 0, digits, -self.exponent))

    def _majors(self, minors: Sequence[int]) -> list[Decimal]:
        """:meth:`to_major` of each of ``minors`` (ints, trusted), in one pass."""
        if not any(minors):  # a column of zeros (no fee, nothing capitalized)
            return [_ZEROS[self.exponent]] * len(minors)
        try:
            return list(map(_SHIFT.multiply, map(Decimal, minors),
                            repeat(_QUANTA[self.exponent])))
        except (Inexact, Rounded):
            return [self.to_major(m) for m in minors]


# Minor units to major units: an exact product with the currency's quantum (0.01 for
# CNY), in a context of its own whose traps make any rounding an exception (numbers of
# more than 200 digits then take the digit-by-digit path): whatever the caller's decimal
# context, never rounded.
_QUANTA: Final[tuple[Decimal, ...]] = tuple(Decimal((0, (1,), -e)) for e in range(5))
_ZEROS: Final[tuple[Decimal, ...]] = tuple(Decimal((0, (0,), -e)) for e in range(5))
_SHIFT: Final[Context] = Context(prec=200, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX,
                                 Emin=MIN_EMIN, capitals=1, clamp=0, flags=[],
                                 traps=[InvalidOperation, Inexact, Rounded])

CurrencyLike: TypeAlias = Currency | str
"""A :class:`Currency` or its ISO 4217 code (any letter case)."""

CNY: Final[Currency] = Currency("CNY", exponent=2)
"""Chinese yuan renminbi; 1 yuan = 100 fen."""
USD: Final[Currency] = Currency("USD", exponent=2)
"""US dollar; 1 dollar = 100 cents."""
EUR: Final[Currency] = Currency("EUR", exponent=2)
"""Euro; 1 euro = 100 cent."""
GBP: Final[Currency] = Currency("GBP", exponent=2)
"""Pound sterling; 1 pound = 100 pence."""
HKD: Final[Currency] = Currency("HKD", exponent=2)
"""Hong Kong dollar; 1 dollar = 100 cents."""
AUD: Final[Currency] = Currency("AUD", exponent=2)
"""Australian dollar; 1 dollar = 100 cents."""
CAD: Final[Currency] = Currency("CAD", exponent=2)
"""Canadian dollar; 1 dollar = 100 cents."""
JPY: Final[Currency] = Currency("JPY", exponent=0)
"""Japanese yen; no minor unit."""
KRW: Final[Currency] = Currency("KRW", exponent=0)
"""South Korean won; no minor unit."""
BHD: Final[Currency] = Currency("BHD", exponent=3)
"""Bahraini dinar; 1 dinar = 1000 fils."""
KWD: Final[Currency] = Currency("KWD", exponent=3)
"""Kuwaiti dinar; 1 dinar = 1000 fils."""

_KNOWN: Final[dict[str, Currency]] = {
    c.code: c for c in (CNY, USD, EUR, GBP, HKD, AUD, CAD, JPY, KRW, BHD, KWD)
}


def to_decimal(value: AmountLike, *, argument: str) -> Decimal:
    """Convert an amount or a rate to an exact, finite ``Decimal``.

    Parameters
    ----------
    value
        One of

        - ``Decimal``: returned unchanged if finite;
        - ``str``: a plain decimal numeral such as ``"1234.56"``, ``"-0.5"`` or
          ``"1e3"`` (ASCII digits; surrounding whitespace ignored). Thousands
          separators (``"1,000.00"``) and underscores are refused, so that
          ``"1,000"`` can never be misread as one;
        - ``int`` (``bool`` is refused);
        - ``float``: converted through its shortest ``repr``, so ``0.1`` becomes
          ``Decimal('0.1')``, not the binary value 0.1000000000000000055...;
        - ``fractions.Fraction``: only if its decimal expansion is finite (the
          denominator has no prime factor other than 2 and 5).
    argument
        The caller's name for the value, used in error messages.

    Returns
    -------
    Decimal

    Raises
    ------
    InvalidArgumentError
        For NaN, infinities, other types, malformed strings and fractions such as
        1/3; the message names ``argument`` and shows the value received.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from bnpl_restructure.money import to_decimal
    >>> to_decimal(0.1, argument="rate")
    Decimal('0.1')
    >>> to_decimal(" 1234.50 ", argument="principal")
    Decimal('1234.50')
    >>> to_decimal(Fraction(3, 8), argument="rate")
    Decimal('0.375')
    >>> to_decimal("1,000.00", argument="principal")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidArgumentError: principal: must be a plain decimal \
number without thousands separators, e.g. '1000.00' (got '1,000.00')
    """
    if isinstance(value, bool):
        raise InvalidArgumentError(argument, "must be a number, not a bool", received=value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidArgumentError(
                argument, "must be a finite number (NaN and infinity are refused)", received=value
            )
        return _sensible(value, argument=argument, received=value)
    if isinstance(value, int):
        return Decimal(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidArgumentError(
                argument, "must be a finite number (NaN and infinity are refused)", received=value
            )
        # float.__repr__ rather than repr(): numpy.float64 subclasses float but
        # its repr reads 'np.float64(0.1)'.
        return Decimal(float.__repr__(float(value)))
    if isinstance(value, str):
        text = value.strip()
        if "," in text or "_" in text:
            raise InvalidArgumentError(
                argument,
                "must be a plain decimal number without thousands separators, e.g. '1000.00'",
                received=value,
            )
        if _PLAIN_NUMBER.fullmatch(text) is None:
            raise InvalidArgumentError(
                argument,
                "must be a decimal number such as '1234.56' (finite; ASCII digits)",
                received=value,
            )
        try:  # exact whatever the context; the context only decides what an error does
            parsed = Decimal(text, LIBRARY_CONTEXT)
        except InvalidOperation:  # an exponent such as 1e9999999999999999999
            raise InvalidArgumentError(
                argument, "must be a finite number of a sensible size", received=value
            ) from None
        return _sensible(parsed, argument=argument, received=value)
    if isinstance(value, Fraction):
        return _fraction_to_decimal(value, argument=argument)
    raise InvalidArgumentError(
        argument,
        "must be a Decimal, str, int, float or Fraction, not " + type(value).__name__,
        received=value,
    )


def _sensible(value: Decimal, *, argument: str, received: object) -> Decimal:
    """``value`` if its size is sensible: no more than a thousand decimals, below
    1e+1001 (``Decimal('1e-999999')`` is finite, but exact arithmetic on it never ends);
    a zero of any exponent is zero."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if not value:  # 0E-5000 is 0 (and equal to it, in every cache)
        return value if _MIN_EXPONENT <= exponent <= _MAX_ADJUSTED else Decimal(0)
    if value.adjusted() > _MAX_ADJUSTED:
        raise InvalidArgumentError(
            argument, "is too large to be a number here (it must be below 1e+1001)",
            received=received
        )
    if exponent < _MIN_EXPONENT:
        raise InvalidArgumentError(
            argument, "has too many decimals to be a number here (at most 1000)",
            received=received
        )
    return value


def _fraction_to_decimal(value: Fraction, *, argument: str) -> Decimal:
    """Exact decimal of a fraction whose denominator is 2**a * 5**b."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        raise InvalidArgumentError(
            argument,
            "must have a finite decimal expansion (a Fraction whose denominator "
            "has no prime factor other than 2 and 5)",
            received=value,
        )
    places = max(twos, fives)
    scaled = abs(value.numerator) * (10**places // value.denominator)
    sign = "-" if value.numerator < 0 else ""
    return Decimal(f"{sign}{scaled}E-{places}")


def _decimal_to_minor(
    value: Decimal, currency: Currency, *, argument: str, received: object
) -> int:
    """Exact minor units of a finite Decimal, refusing excess decimals."""
    if -40 <= value.adjusted() <= 40:  # the usual case, in one exact division
        numerator, denominator = value.as_integer_ratio()
        scale: int = 10**currency.exponent
        minor, remainder = divmod(numerator * scale, denominator)
        if not remainder:
            return minor  # below 10**45 minor units: within _MAX_MINOR_DIGITS
    return _decimal_to_minor_checked(value, currency, argument=argument, received=received)


def _decimal_to_minor_checked(
    value: Decimal, currency: Currency, *, argument: str, received: object
) -> int:
    """:func:`_decimal_to_minor` digit by digit, raising the precise error."""
    sign, digit_tuple, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite: to_decimal refused NaN and infinity
    digits = list(digit_tuple)
    while len(digits) > 1 and digits[-1] == 0:  # trailing zeros are not decimals
        digits.pop()
        exponent += 1
    if digits == [0]:
        return 0
    shift = exponent + currency.exponent
    if shift < 0:
        if currency.exponent == 0:
            allowed = f"must be a whole number of {currency.code} (it has no minor unit)"
        else:
            allowed = f"must have at most {currency.exponent} decimal places for {currency.code}"
        raise InvalidArgumentError(
            argument, allowed + "; round it explicitly first", received=received
        )
    if len(digits) + shift > _MAX_MINOR_DIGITS:
        raise InvalidArgumentError(
            argument,
            f"is too large to be an amount (10**{_MAX_MINOR_DIGITS} minor units or more)",
            received=received,
        )
    scale: int = 10**shift  # shift >= 0 here, so this is an int
    magnitude = int("".join(map(str, digits))) * scale
    return -magnitude if sign else magnitude


def parse_money(
    value: AmountLike,
    currency: CurrencyLike,
    *,
    argument: str,
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> int:
    """Validate an amount in major units and return it in minor units.

    Parameters
    ----------
    value
        The amount in major units, anything :func:`to_decimal` accepts.
    currency
        A :class:`Currency` or a known ISO 4217 code.
    argument
        The caller's name for the amount (``"principal"``, ``"fee"``), used in
        error messages.
    allow_zero
        Accept zero (refused by default: a principal of 0 is a mistake).
    allow_negative
        Accept negative amounts (refused by default).

    Returns
    -------
    int
        The amount in minor units of ``currency``.

    Raises
    ------
    InvalidArgumentError
        If the value is not a finite number, is negative or zero when not
        allowed, exceeds :data:`MAX_AMOUNT` (10**12 major units) in absolute
        value, or has more decimals than the currency allows. The currency
        itself is checked first (``argument="currency"``).

    Examples
    --------
    >>> from bnpl_restructure.money import parse_money, BHD
    >>> parse_money("12.345", BHD, argument="fee")
    12345
    >>> parse_money(0, "CNY", argument="fee", allow_zero=True)
    0
    >>> parse_money("-1", "CNY", argument="principal")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidArgumentError: principal: must not be negative (got '-1')
    """
    resolved = Currency.of(currency)
    if value.__class__ is int and value == 0 and allow_zero:  # the default fee
        return 0
    amount = to_decimal(value, argument=argument)
    if amount < 0 and not allow_negative:
        raise InvalidArgumentError(argument, "must not be negative", received=value)
    if amount == 0 and not allow_zero:
        raise InvalidArgumentError(argument, "must be greater than zero", received=value)
    if amount.copy_abs() > MAX_AMOUNT:
        raise InvalidArgumentError(
            argument,
            f"must not exceed MAX_AMOUNT = 1,000,000,000,000 {resolved.code} "
            "in absolute value (is it in minor units by mistake?)",
            received=value,
        )
    return _decimal_to_minor(amount, resolved, argument=argument, received=value)


def format_money(minor: int, currency: CurrencyLike) -> str:
    """Format minor units as major units with thousands separators.

    Parameters
    ----------
    minor
        The amount in minor units.
    currency
        A :class:`Currency` or a known ISO 4217 code; its exponent sets the
        number of decimals shown.

    Returns
    -------
    str
        E.g. ``'1,234.56'``, ``'-0.05'``, ``'1,235'`` (JPY), ``'12.345'`` (BHD);
        no currency symbol or code.

    Raises
    ------
    InvalidArgumentError
        ``argument="minor"`` if ``minor`` is not an ``int``;
        ``argument="currency"`` for an unknown currency.

    Examples
    --------
    >>> from bnpl_restructure.money import format_money
    >>> format_money(123456, "USD")
    '1,234.56'
    >>> format_money(-5, "CNY")
    '-0.05'
    >>> format_money(1234567, "JPY")
    '1,234,567'
    """
    resolved = Currency.of(currency)
    if not isinstance(minor, int) or isinstance(minor, bool):
        raise InvalidArgumentError("minor", "must be an int count of minor units", received=minor)
    whole, part = divmod(abs(minor), resolved.minor_per_major)
    text = f"{whole:,}"
    if resolved.exponent:
        text += f".{part:0{resolved.exponent}d}"
    return ("-" if minor < 0 else "") + text
