"""The plans' conventions and checks: kinds, odd days, payment basis, last row, limits."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from ..calendar import Frequency
from ..core import (
    PaymentRule,
    UnpaidInterest,
    level_payment,
)
from ..daycount import DayCount
from ..errors import InvalidArgumentError, parse_enum
from ..money import Currency
from ..rates import RateConvention, parse_rate, periodic_rate
from ..rounding import BalancePrecision, RoundingMode, RoundingPolicy, round_ratio

if TYPE_CHECKING:
    from ._plan import Plan

_ZERO, _ONE = Fraction(0), Fraction(1)
_EXACT = BalancePrecision.EXACT
_ROUNDED = BalancePrecision.ROUNDED
_CARRIED = BalancePrecision.CARRIED
_PER_PERIOD = DayCount.PER_PERIOD
_DEFAULT_ROUNDING = RoundingPolicy()
_AMOUNT, _PRINCIPAL, _INTEREST_ONLY, _PAYOFF, _FIXED = (
    PaymentRule.AMOUNT, PaymentRule.PRINCIPAL, PaymentRule.INTEREST_ONLY, PaymentRule.PAYOFF,
    PaymentRule.FIXED)
_CARRY = UnpaidInterest.CARRY


class _KernelInputs(NamedTuple):
    """A plan's program column by column (see ``bnpl_restructure.core._run_raw``)."""

    nums: tuple[int, ...]
    dens: tuple[int, ...]
    factors: tuple[Fraction, ...]
    rules: tuple[PaymentRule, ...]
    amounts: tuple[int | Fraction, ...]
    fees: tuple[int, ...]
    unpaids: tuple[UnpaidInterest, ...]


@overload
def _level_payment(principal: int, factors: tuple[Fraction, ...], *,
                   mode: RoundingMode, balloon: int, increment: int = 1) -> int: ...


@overload
def _level_payment(principal: int, factors: tuple[Fraction, ...], *,
                   mode: None, balloon: int, increment: int = 1) -> Fraction: ...


def _level_payment(principal: int, factors: tuple[Fraction, ...], *,
                   mode: RoundingMode | None, balloon: int,
                   increment: int = 1) -> int | Fraction:
    """:func:`~bnpl_restructure.core.level_payment`, in closed form when every factor is
    the same ``a/b``: ``A = a·(P·(a+b)^n − B·b^n) / (b·((a+b)^n − b^n))``, the same
    rational, so the same rounded payment; rounded to a multiple of ``increment`` minor
    units when one is given."""
    first = factors[0]
    a = first.numerator
    if a > 0 and factors.count(first) == len(factors):
        b, n = first.denominator, len(factors)
        grown, base = (a + b) ** n, b ** n
        numerator = a * (principal * grown - balloon * base)
        denominator = b * (grown - base)
    elif increment == 1:
        return level_payment(principal, factors, mode=mode, balloon=balloon)
    else:
        exact = level_payment(principal, factors, mode=None, balloon=balloon)
        numerator, denominator = exact.numerator, exact.denominator
    if mode is None:
        return Fraction(numerator, denominator)
    return round_ratio(numerator, denominator * increment, mode) * increment

#: The most installments a plan may have (50 years of weekly payments).
MAX_INSTALLMENTS = 2600


class PlanKind(enum.Enum):
    """Which product a plan is."""

    ANNUITY = "annuity"
    EQUAL_PRINCIPAL = "equal_principal"
    FLAT_FEE = "flat_fee"
    PAY_IN_4 = "pay_in_4"
    INTEREST_ONLY = "interest_only"
    ROWS = "rows"


_KIND_ANNUITY, _KIND_INTEREST_ONLY, _KIND_ROWS = (PlanKind.ANNUITY, PlanKind.INTEREST_ONLY,
                                                  PlanKind.ROWS)


class OddDays(enum.Enum):
    """How an odd first period is charged.

    ``CHARGE`` (default): every day of the first period is charged, by the day count.
    ``REGULAR``: the first period is charged as one regular period whatever its length.
    ``FREE``: the odd days are not charged beyond one period: a long first period is
    charged as one regular period, a short one for its actual days (the lesser of the
    two rules above).
    """

    CHARGE = "charge"
    REGULAR = "regular"
    FREE = "free"

    @classmethod
    def parse(cls, value: Any) -> OddDays:
        """Accept a member or its value.

        Raises
        ------
        InvalidArgumentError
            ``odd_days``: not a member or the value or name of one.
        """
        return parse_enum(cls, value, argument="odd_days")


class PaymentBasis(enum.Enum):
    """What an annuity's level payment is solved from.

    ``PERIODS`` (default): the periods' own interest factors, by the plan's day count and
    odd-days rule: the exact annuity of the schedule, so the last installment differs
    from the others by rounding only.
    ``NOMINAL``: the nominal periodic rate (the annual rate over the periods per year),
    as a spreadsheet's ``PMT`` computes it and as many loan systems do (Apache
    Fineract's cumulative schedules among them), while each period's interest still
    follows the day count (Actual/365 days, say); the last installment absorbs the
    difference. With ``day_count="per_period"`` and a regular first period the two agree.
    """

    PERIODS = "periods"
    NOMINAL = "nominal"


_NOMINAL_BASIS = PaymentBasis.NOMINAL


def _parse_payment_basis(value: Any) -> PaymentBasis:
    return parse_enum(PaymentBasis, value, argument="payment_basis")


class LastInstallment(enum.Enum):
    """What an annuity's last installment is.

    ``PAYOFF`` (default): whatever pays the loan off, so the rounding residual of the
    level payment lands in it and the closing balance is zero (bank ledgers).
    ``LEVEL``: the level payment too; the residual stays as the closing balance, positive
    when the borrower still owes a few minor units, negative when overpaid, as financial
    calculators and many textbook tables show it (the Texas Instruments BA II PLUS
    guidebook's amortization formulas: every payment is the rounded PMT and the balance
    after the last one is what remains).
    """

    PAYOFF = "payoff"
    LEVEL = "level"


_LEVEL_LAST = LastInstallment.LEVEL


def _parse_last_installment(value: Any) -> LastInstallment:
    return parse_enum(LastInstallment, value, argument="last_installment")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedRow:
    """One row of an explicit plan (:meth:`Plan.from_rows`), amounts in minor units.

    Give ``principal`` (that principal plus the interest due is paid), or ``payment``
    (that amount goes to interest, then principal), or neither (interest only). The
    last row always pays off what remains.
    """

    due: date
    principal: int | None = None
    payment: int | None = None
    fee: int = 0


def _check_minor_units(name: str, values: tuple[Any, ...], *, minimum: int = 0,
                       optional: bool = False) -> None:
    """Each value an int of minor units (not a bool, float or Fraction) of at least
    ``minimum`` (``None`` allowed when ``optional``)."""
    if not values:
        return
    first = values[0]
    if type(first) is int and first >= minimum and len(set(map(id, values))) == 1:
        return  # one object throughout (a level fee): one check
    if set(map(type, values)) <= {int} and min(values) >= minimum:
        return
    for k, value in enumerate(values):
        if value is None and optional:
            continue
        if type(value) is not int or value < minimum:
            where = name if name == "balloon" else f"{name}[{k}]"
            allowed = "an int of minor units" if minimum else "a non-negative int of minor units"
            raise InvalidArgumentError(where, f"must be {allowed}"
                                       + (" or None" if optional else ""), received=value)


def _check_fields(plan: Plan) -> None:
    """The types of the fields a ``Plan.<kind>`` constructor builds (a plan built
    directly is checked as strictly): a typed error, never an AttributeError later."""
    for name, kind in (("currency", Currency), ("start", date), ("frequency", Frequency),
                       ("rounding", RoundingPolicy)):
        if not isinstance(getattr(plan, name), kind):
            raise InvalidArgumentError(name, f"must be a {kind.__name__}",
                                       received=getattr(plan, name))
    for name in ("due_dates", "fees", "principal_parts", "payments"):
        if not isinstance(getattr(plan, name), tuple | list):
            raise InvalidArgumentError(name, "must be a tuple", received=getattr(plan, name))
    if not all(isinstance(d, date) for d in plan.due_dates):
        raise InvalidArgumentError("due_dates", "must be dates", received=plan.due_dates)
    if plan.fee_rate is not None and type(plan.fee_rate) is not Fraction:
        raise InvalidArgumentError("fee_rate", "must be None or a fractions.Fraction",
                                   received=plan.fee_rate)


def _check_installments(value: Any, *, minimum: int = 1) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,9}\s*", value, re.ASCII):
        value = int(value)  # from a web form, as amounts, rates and dates may be text
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError("installments", "must be a whole number (an int, or "
                                   "its digits as text such as '12')", received=value)
    if not minimum <= value <= MAX_INSTALLMENTS:
        raise InvalidArgumentError("installments",
                                   f"must be between {minimum} and {MAX_INSTALLMENTS}",
                                   received=value)
    return value


def _rate(annual_rate: Any, periodic: Any, *, frequency: Frequency, convention: Any,
          compounding_per_year: Any, required: bool = True) -> Fraction:
    if annual_rate is not None and periodic is not None:
        raise InvalidArgumentError("periodic_rate", "give annual_rate or periodic_rate, "
                                   "not both", received=periodic)
    if periodic is not None:
        if RateConvention.parse(convention) is not RateConvention.NOMINAL \
                or compounding_per_year is not None:
            raise InvalidArgumentError("rate_convention", "applies to annual_rate, not to "
                                       "periodic_rate", received=convention)
        return parse_rate(periodic, argument="periodic_rate", plain_limit=Fraction(1, 10))
    if annual_rate is None:
        if required:
            raise InvalidArgumentError("annual_rate", "is required (or periodic_rate); "
                                       "use 0 for an interest-free plan", received=None)
        return Fraction(0)
    return periodic_rate(annual_rate, periods_per_year=frequency.periods_per_year,
                         convention=RateConvention.parse(convention),  # names rate_convention
                         compounding_per_year=compounding_per_year)


def _flat_split(principal: int, installments: int, fee_rate: Fraction,
                policy: RoundingPolicy, currency: Currency, *, per_period: bool
                ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A flat-fee plan's fees and principal parts: each fee ``principal × fee_rate``
    rounded by ``policy.interest`` (``per_period``), or the whole term's fee rounded once
    and split; the principal split by the policy, or with whole installments (an
    increment) the total of payments split, less each fee."""
    if per_period:
        each = round_ratio(principal * fee_rate.numerator, fee_rate.denominator,
                           policy.interest)
        fees: tuple[int, ...] = (each,) * installments
    else:
        whole = fee_rate * installments
        total = round_ratio(principal * whole.numerator, whole.denominator, policy.interest)
        fees = tuple(policy.split(total, installments))
    if policy.increment is None:
        return fees, tuple(policy.split(principal, installments))
    due = policy.split(principal + sum(fees), installments,
                       increment=policy.increment_in(currency))
    parts = tuple(d - f for d, f in zip(due, fees, strict=True))
    if min(parts) < 0:
        raise InvalidArgumentError(
            "rounding.increment", "is too large for these fees: an installment would not "
            "cover its fee", received=policy.increment)
    return fees, parts
