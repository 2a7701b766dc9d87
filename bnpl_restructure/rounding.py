"""Rounding: the one place where an exact amount becomes a whole number of minor units.

Every rounding in bnpl_restructure goes through :func:`round_ratio` (Python integers)
or :func:`round_ratio_array` (numpy arrays, int64 or exact Python integers), driven by a
:class:`RoundingPolicy` that a plan carries explicitly. There is no ambient decimal
context and no global default.

Published schedules differ exactly in these choices: textbooks round the level payment
up to the next cent (``payment=RoundingMode.UP``), bank systems round half-up (四舍五入,
the default), some ledgers round half-even, and spreadsheets carry the balance at full
precision and only display rounded figures (``balance=BalancePrecision.EXACT``).

Examples
--------
>>> round_ratio(1005, 1000, RoundingMode.HALF_UP)   # 1.005 -> 1
1
>>> round_ratio(1500, 1000, RoundingMode.HALF_UP)   # 1.5 -> 2
2
>>> round_ratio(2500, 1000, RoundingMode.HALF_EVEN)  # 2.5 -> 2
2
>>> round_ratio(1001, 1000, RoundingMode.UP), round_ratio(1999, 1000, RoundingMode.DOWN)
(2, 1)
"""

from __future__ import annotations

import enum
import numbers
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import InvalidArgumentError, parse_enum

__all__ = [
    "BalancePrecision",
    "Residual",
    "RoundingMode",
    "RoundingPolicy",
    "round_ratio",
    "round_ratio_array",
]


class RoundingMode(enum.Enum):
    """How an exact amount is rounded to a whole number of minor units.

    ``HALF_UP``: to the nearest, ties away from zero (四舍五入; the default).
    ``HALF_EVEN``: to the nearest, ties to the even neighbour (banker's rounding).
    ``HALF_DOWN``: to the nearest, ties toward zero.
    ``UP``: away from zero (a payment rounded up to the next cent).
    ``DOWN``: toward zero (truncation).
    """

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    HALF_DOWN = "half_down"
    UP = "up"
    DOWN = "down"

    @classmethod
    def parse(cls, value: RoundingMode | str, *, argument: str = "mode") -> RoundingMode:
        """Accept a member or its value (``"half_up"``), case-insensitive.

        Raises
        ------
        InvalidArgumentError
            Naming ``argument``: not a member or the value or name of one.
        """
        return parse_enum(cls, value, argument=argument)


class Residual(enum.Enum):
    """Which installment takes the minor units left over when an amount is split.

    When a principal (or a total fee) is split into equal parts, ``amount // n`` goes
    to every installment and the remainder ``amount - n * (amount // n)`` goes to the
    ``LAST`` installment (the default; bank practice, e.g. Huaxia Bank's bill-installment
    terms book the rounding remainder to the last installment) or to the ``FIRST``.
    A level payment's rounding residual only becomes known at the end, so it is always
    absorbed by the last installment.
    """

    LAST = "last"
    FIRST = "first"


class BalancePrecision(enum.Enum):
    """Whether the principal balance is rounded every period.

    ``ROUNDED`` (default): each period's interest is rounded once and the balance is
    always a whole number of minor units; every row reconciles exactly.
    ``EXACT``: spreadsheet-style; the balance and each period's interest are carried at
    full precision (exact rationals) and a level payment is carried unrounded, as a
    spreadsheet's PMT cell is. The published rows show what a spreadsheet shows: the
    payment rounded by ``payment`` mode, interest and balance cells rounded by
    ``interest`` mode, principal = payment − interest − fee; the row that pays the loan
    off takes whatever principal the published rows still owe, so principal parts add up
    to the amount financed. Rows reconcile exactly; a published balance may differ by a
    minor unit from the previous one less the principal (display rounding).
    ``CARRIED``: carried precision, as loan systems that pay rounded installments on an
    unrounded balance do: the level payment is rounded (``payment`` mode, and
    ``increment``) and paid as it is; the balance and each period's interest are carried
    unrounded and shown rounded (``interest`` mode), principal = payment − interest −
    fee; the last installment is ``round(exact remaining balance + exact interest)``
    (``payment`` mode), its interest cell never more than that installment.
    Rows reconcile; the principal cells add up to the amount financed up to the
    rounding of the interest cells, and the total of payments is the amount financed
    plus the exact total interest, rounded once.
    """

    ROUNDED = "rounded"
    EXACT = "exact"
    CARRIED = "carried"


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundingPolicy:
    """The rounding choices of a plan; the only place rounding is decided.

    Parameters
    ----------
    payment
        Rounding of a computed level payment (annuity installment).
    interest
        Rounding of each period's interest and of fees computed from a rate.
    balance
        :class:`BalancePrecision`; rounded every period (default) or exact.
    residual
        :class:`Residual`; which installment takes the leftover minor units of a split.
    increment
        Installments in multiples of this amount, in major units (``"1"`` for whole
        yuan or dollars, ``"0.10"``, ``"20"``), or ``None`` (default) for the
        currency's minor unit. An annuity's level payment of principal and interest is
        rounded to a multiple by the ``payment`` mode (a fixed fee comes on top) and the
        last installment takes what is left (as Apache Fineract's
        ``installmentAmountInMultiplesOf`` does); an equal split (pay-in-N, equal
        principal, a flat-fee plan's installments with their fees) gives every
        installment but one the share rounded to a multiple by the ``payment`` mode,
        and the ``residual`` installment the rest. An increment equal to the minor unit
        changes nothing; one so large that an installment would be zero, or the loan
        paid off before its last installment, is a typed error. It must be a multiple of the plan
        currency's minor unit (checked when a plan is built) and cannot be combined with
        ``balance="exact"``, whose payment is carried unrounded.

    Raises
    ------
    InvalidArgumentError
        ``rounding.payment``, ``rounding.interest``, ``rounding.balance`` or
        ``rounding.residual`` is not one of its enum's values; ``rounding.increment`` is
        not a positive amount, or is given with ``balance='exact'``.

    Examples
    --------
    >>> RoundingPolicy()
    RoundingPolicy(payment='half_up', interest='half_up', balance='rounded', residual='last')
    >>> RoundingPolicy(payment="up").payment
    <RoundingMode.UP: 'up'>
    >>> RoundingPolicy(increment="1", residual="first")
    RoundingPolicy(payment='half_up', interest='half_up', balance='rounded', \
residual='first', increment='1')
    """

    payment: RoundingMode = RoundingMode.HALF_UP
    interest: RoundingMode = RoundingMode.HALF_UP
    balance: BalancePrecision = BalancePrecision.ROUNDED
    residual: Residual = Residual.LAST
    increment: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "payment",
                           RoundingMode.parse(self.payment, argument="rounding.payment"))
        object.__setattr__(self, "interest",
                           RoundingMode.parse(self.interest, argument="rounding.interest"))
        object.__setattr__(self, "balance",
                           parse_enum(BalancePrecision, self.balance, argument="rounding.balance"))
        object.__setattr__(self, "residual",
                           parse_enum(Residual, self.residual, argument="rounding.residual"))
        if self.increment is not None:
            from .money import to_decimal  # money does not import rounding: no cycle

            step = to_decimal(self.increment, argument="rounding.increment")
            if step <= 0:
                raise InvalidArgumentError("rounding.increment", "must be positive (or None "
                                           "for the currency's minor unit)",
                                           received=self.increment)
            if self.balance is BalancePrecision.EXACT:
                raise InvalidArgumentError(
                    "rounding.increment", "cannot be combined with balance='exact': a "
                    "spreadsheet-style plan carries its payment unrounded; use "
                    "balance='rounded' for installments in multiples",
                    received=self.increment)
            object.__setattr__(self, "increment", step)

    def __repr__(self) -> str:
        extra = "" if self.increment is None else f", increment={str(self.increment)!r}"
        return (f"RoundingPolicy(payment={self.payment.value!r}, "
                f"interest={self.interest.value!r}, balance={self.balance.value!r}, "
                f"residual={self.residual.value!r}{extra})")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Pretty printers (IPython, Hypothesis' reports) show the short repr."""
        printer.text(repr(self))

    def increment_in(self, currency: Any) -> int:
        """The increment in minor units of ``currency`` (1 when there is none).

        Raises
        ------
        InvalidArgumentError
            ``rounding.increment`` when it is finer than the currency's minor unit.

        Examples
        --------
        >>> RoundingPolicy(increment="0.10").increment_in("CNY")
        10
        >>> RoundingPolicy(increment="0.5").increment_in("JPY")
        Traceback (most recent call last):
        ...
        bnpl_restructure.errors.InvalidArgumentError: rounding.increment: must be a whole \
number of JPY (it has no minor unit); round it explicitly first (got Decimal('0.5'))
        """
        if self.increment is None:
            return 1
        from .money import Currency

        return Currency.of(currency).to_minor(self.increment, argument="rounding.increment")

    @classmethod
    def spreadsheet(cls) -> RoundingPolicy:
        """Balance carried at full precision, figures rounded half-up for display."""
        return cls(balance=BalancePrecision.EXACT)

    @classmethod
    def textbook(cls) -> RoundingPolicy:
        """Level payment rounded up to the next minor unit, interest half-up."""
        return cls(payment=RoundingMode.UP)

    def split(self, amount: int, parts: int, *, increment: int = 1) -> list[int]:
        """Split ``amount`` minor units into ``parts`` near-equal whole parts.

        Without an increment every part is ``amount // parts`` and the ``residual`` part
        takes the rest. With one (``increment`` in minor units, from
        :meth:`increment_in`), every part but one is ``amount / parts`` rounded to a
        multiple of it by the ``payment`` mode, and the ``residual`` part takes the rest
        (1,250.00 in 3 whole units: 417, 417, 416).

        Raises
        ------
        InvalidArgumentError
            ``amount`` is not a non-negative int; ``parts`` is not an int from 1 to
            :data:`MAX_PARTS`; ``increment`` is not a positive int; ``rounding.increment``
            when it is too large for every part to be positive.

        Examples
        --------
        >>> RoundingPolicy().split(10001, 4)
        [2500, 2500, 2500, 2501]
        >>> RoundingPolicy(residual="first").split(10001, 4)
        [2501, 2500, 2500, 2500]
        >>> RoundingPolicy(increment="1").split(125000, 3, increment=100)
        [41700, 41700, 41600]
        """
        if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
            raise InvalidArgumentError("parts", "must be a positive integer", received=parts)
        if parts > MAX_PARTS:
            raise InvalidArgumentError("parts", f"must be at most {MAX_PARTS:,}",
                                       received=parts)
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise InvalidArgumentError("amount", "must be an int of minor units",
                                       received=amount)
        if isinstance(increment, bool) or not isinstance(increment, int) or increment < 1:
            raise InvalidArgumentError("increment", "must be a positive int of minor units",
                                       received=increment)
        if amount < 0:
            raise InvalidArgumentError("amount", "must not be negative", received=amount)
        if increment == 1:  # the minor unit: the share rounded down, the rest residual
            base = amount // parts
        else:  # a multiple of the increment, rounded by the payment mode
            base = round_ratio(amount, parts * increment, self.payment) * increment
            if base == 0 or amount - (parts - 1) * base <= 0:
                raise InvalidArgumentError(
                    "rounding.increment", f"is too large to split {amount} minor units "
                    f"into {parts} installments: an installment would be zero or "
                    "negative; use a smaller increment",
                    received=self.increment)
        shares = [base] * parts
        shares[-1 if self.residual is Residual.LAST else 0] += amount - parts * base
        return shares


#: The most parts :meth:`RoundingPolicy.split` makes (a plan has at most 2,600
#: installments; a split is a list of this many ints).
MAX_PARTS = 1_000_000


# Members as module constants: a class attribute lookup on an Enum costs ~0.1 µs.
_HALF_UP, _HALF_DOWN, _UP, _DOWN = (RoundingMode.HALF_UP, RoundingMode.HALF_DOWN,
                                    RoundingMode.UP, RoundingMode.DOWN)
_HALF_EVEN = RoundingMode.HALF_EVEN


def round_ratio(numerator: int, denominator: int, mode: RoundingMode) -> int:
    """Round the exact rational ``numerator / denominator`` (denominator > 0) to an int.

    Raises
    ------
    InvalidArgumentError
        ``numerator`` or ``denominator`` is not an int, ``denominator`` is not positive, or
        ``mode`` is not a :class:`RoundingMode`.
    """
    if type(numerator) is not int or type(denominator) is not int or denominator <= 0:
        _check_ratio(numerator, denominator)
    quotient, remainder = divmod(numerator, denominator)  # floor division
    if remainder == 0:  # exact: the same whatever the mode (a bad one is refused below)
        if mode.__class__ is not RoundingMode:
            _bad_mode(mode)
        return quotient
    if mode is _DOWN:
        return quotient + 1 if numerator < 0 else quotient
    if mode is _UP:
        return quotient if numerator < 0 else quotient + 1
    if mode is not _HALF_UP and mode is not _HALF_DOWN and mode is not _HALF_EVEN:
        _bad_mode(mode)
    twice = 2 * remainder
    if twice > denominator:
        return quotient + 1
    if twice < denominator:
        return quotient
    if mode is _HALF_UP:
        return quotient if numerator < 0 else quotient + 1
    if mode is _HALF_DOWN:
        return quotient + 1 if numerator < 0 else quotient
    return quotient + (quotient & 1)  # HALF_EVEN


def _bad_mode(mode: Any) -> None:
    raise InvalidArgumentError("mode", "must be a RoundingMode", received=mode)


def _check_ratio(numerator: Any, denominator: Any) -> None:
    """Refuse what :func:`round_ratio` cannot round (ints, numpy ints and other integral
    types pass)."""
    for name, value in (("numerator", numerator), ("denominator", denominator)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise InvalidArgumentError(name, "must be an int", received=value)
    if denominator <= 0:
        raise InvalidArgumentError("denominator", "must be positive", received=denominator)


def round_ratio_array(numerator: npt.NDArray[Any], denominator: Any,
                      mode: RoundingMode, *, nonnegative: bool = False) -> npt.NDArray[Any]:
    """Vectorised :func:`round_ratio`; works on int64 arrays and on object arrays of ints.

    Raises
    ------
    InvalidArgumentError
        ``mode`` is not a :class:`RoundingMode`. The arrays are taken as given (int64 or
        object arrays of ints, denominators positive): the kernel's inner step, unchecked.

    Examples
    --------
    >>> import numpy as np
    >>> round_ratio_array(np.array([5, 15, 25, -15]), 10, RoundingMode.HALF_EVEN).tolist()
    [0, 2, 2, -2]
    >>> x = np.array([5, 15, 14])
    >>> round_ratio_array(x, 10, RoundingMode.HALF_UP, nonnegative=True).tolist()
    [1, 2, 1]
    """
    if type(mode) is not RoundingMode:
        raise InvalidArgumentError("mode", "must be a RoundingMode", received=mode)
    try:
        if (np.asarray(denominator) <= 0).any():
            raise InvalidArgumentError("denominator", "must be positive")
    except TypeError:
        raise InvalidArgumentError("denominator", "must be an array of ints") from None
    if nonnegative:  # one floor division (the caller guarantees numerator >= 0)
        if mode is RoundingMode.HALF_UP:
            rounded: npt.NDArray[Any] = (2 * numerator + denominator) // (2 * denominator)
            return rounded
        if mode is RoundingMode.HALF_DOWN:
            rounded = (2 * numerator + denominator - 1) // (2 * denominator)
            return rounded
        if mode is RoundingMode.UP:
            rounded = (numerator + denominator - 1) // denominator
            return rounded
        if mode is RoundingMode.DOWN:
            rounded = numerator // denominator
            return rounded
    quotient: npt.NDArray[Any] = numerator // denominator
    remainder = numerator - quotient * denominator
    if mode is RoundingMode.DOWN:
        bump = (remainder != 0) & (numerator < 0)
    elif mode is RoundingMode.UP:
        bump = (remainder != 0) & (numerator >= 0)
    else:
        twice = 2 * remainder
        above = twice > denominator
        tie = twice == denominator
        if mode is RoundingMode.HALF_UP:
            bump = above | (tie & (numerator >= 0))
        elif mode is RoundingMode.HALF_DOWN:
            bump = above | (tie & (numerator < 0))
        else:
            bump = above | (tie & ((quotient % 2) == 1))
    result: npt.NDArray[Any] = quotient + bump
    return result
