"""Hypothesis strategies that generate currencies, amounts, rates, policies and plans.

Public API for users' own property tests (needs the ``test`` extra: ``hypothesis``).
Every strategy can be restricted to a team's conventions by keyword (``plans(
frequencies=["monthly"], day_counts=["act/365f"], rounding_modes=["half_even"],
currencies=["EUR"], min_amount="100", max_amount="5000", max_installments=24)``); the
defaults cover everything the library supports.

Importing this module registers the strategies with
:func:`hypothesis.strategies.register_type_strategy`, so ``st.from_type(Plan)`` (and
``Program``, ``RoundingPolicy``, ``Frequency``, ``DayCount``, ``Currency``) draws from
them; the pytest plugin (:mod:`bnpl_restructure.testing.plugin`) registers them too.

Examples
--------
>>> from hypothesis import given
>>> from bnpl_restructure.testing.strategies import plans
>>> @given(plans())
... def test_principal_is_repaid(plan):
...     assert sum(plan.schedule().principal_paid) == plan.principal
>>> test_principal_is_repaid()
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from hypothesis import reject
from hypothesis import strategies as st

from .._context import LIBRARY_CONTEXT
from ..calendar import Frequency
from ..core import PaymentRule, Period, Program, UnpaidInterest
from ..daycount import DayCount
from ..errors import InvalidArgumentError, parse_enum
from ..money import BHD, CNY, EUR, GBP, JPY, USD, Currency, to_decimal
from ..plans import LastInstallment, OddDays, PaymentBasis, Plan, PlanKind
from ..rounding import BalancePrecision, Residual, RoundingMode, RoundingPolicy

__all__ = [
    "ALL_CURRENCIES",
    "ALL_FREQUENCIES",
    "amounts",
    "annual_rates",
    "currencies",
    "dates",
    "day_counts",
    "frequencies",
    "plans",
    "programs",
    "register_type_strategies",
    "rounding_policies",
]

ALL_CURRENCIES = (CNY, USD, EUR, GBP, JPY, BHD)
ALL_FREQUENCIES = (Frequency.WEEKLY, Frequency.BIWEEKLY, Frequency.SEMI_MONTHLY,
                   Frequency.SEMI_MONTHLY_15_DAYS, Frequency.MONTHLY, Frequency.QUARTERLY,
                   Frequency.every_months(2))

_T = TypeVar("_T")
_ROUNDED, _EXACT, _CARRIED = (BalancePrecision.ROUNDED, BalancePrecision.EXACT,
                              BalancePrecision.CARRIED)
_NO_INCREMENT_KINDS = (PlanKind.INTEREST_ONLY, PlanKind.ROWS)


# --------------------------------------------------------------------------- helpers


def _choices(values: Iterable[Any] | None, default: Sequence[_T], parse: Any,
             argument: str) -> tuple[_T, ...]:
    """``values`` parsed one by one (``None``: ``default``), duplicates dropped; an
    empty selection is refused."""
    if values is None:
        return tuple(default)
    if isinstance(values, str) or not isinstance(values, Iterable):
        values = [values]  # a single member or name
    chosen: list[_T] = []
    for value in values:
        parsed: Any = (parse_enum(parse, value, argument=argument) if isinstance(parse, type)
                       and issubclass(parse, enum.Enum) else parse(value))
        if parsed not in chosen:
            chosen.append(parsed)
    if not chosen:
        raise InvalidArgumentError(argument, "must select at least one value", received=[])
    return tuple(chosen)


def _increment(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value, argument="increments")


def _fits(increment: Decimal | None, currency: Currency) -> bool:
    """Whether ``increment`` is a whole number of ``currency``'s minor units."""
    return increment is None or (
        Fraction(increment) * currency.minor_per_major).denominator == 1


def _minor_range(currency: Currency, min_amount: Any, max_amount: Any,
                 names: tuple[str, str] = ("min_amount", "max_amount")) -> tuple[int, int]:
    """The range of amounts in ``currency``'s minor units from major-unit bounds."""
    scale = currency.minor_per_major
    low = 1 if min_amount is None else max(1, math.ceil(
        Fraction(to_decimal(min_amount, argument=names[0])) * scale))
    high = math.floor(Fraction(to_decimal(max_amount, argument=names[1])) * scale)
    return low, high


def _basis_points(value: Any, argument: str) -> Fraction:
    return Fraction(to_decimal(value, argument=argument)) * 10_000


# ------------------------------------------------------------------ small strategies


def currencies(codes: Iterable[Currency | str] | None = None) -> st.SearchStrategy[Currency]:
    """CNY, USD, EUR, GBP (2 decimals), JPY (0) and BHD (3), or the given ``codes``
    (``Currency`` objects or ISO codes).

    Raises
    ------
    InvalidArgumentError
        ``codes`` names an unknown currency, or selects none.
    """
    return st.sampled_from(_choices(codes, ALL_CURRENCIES, Currency.of, "currencies"))


def amounts(currency: Currency, *, min_minor: int = 1, max_major: Any = 1_000_000,
            min_major: Any = None) -> st.SearchStrategy[Decimal]:
    """Amounts in major units with at most the currency's decimals.

    From ``min_major`` (major units; default ``min_minor`` minor units) to ``max_major``.

    Raises
    ------
    InvalidArgumentError
        ``currency`` is unknown; ``min_minor`` is not a whole number of at least 0;
        ``min_major`` or ``max_major`` is not an amount of the currency, or they leave no
        amount to draw.
    """
    currency = Currency.of(currency)
    if isinstance(min_minor, bool) or not isinstance(min_minor, int) or min_minor < 0:
        raise InvalidArgumentError("min_minor", "must be a whole number of at least 0",
                                   received=min_minor)
    names = ("min_major", "max_major")
    low = min_minor if min_major is None else _minor_range(currency, min_major, max_major,
                                                           names)[0]
    high = _minor_range(currency, None, max_major, names)[1]
    if low > high:
        raise InvalidArgumentError("max_major", f"must allow at least one amount of "
                                   f"{currency.code} above the minimum", received=max_major)
    return st.integers(low, high).map(currency.to_major)


def annual_rates(*, max_rate: Any = "0.60", zero: bool = True,
                 min_rate: Any = "0") -> st.SearchStrategy[Decimal]:
    """Annual rates as Decimal fractions with up to 4 decimals (basis points), from
    ``min_rate`` to ``max_rate`` (``"0.60"`` is 60%); ``zero=False`` leaves out 0.

    Raises
    ------
    InvalidArgumentError
        ``min_rate`` or ``max_rate`` is not a rate, or ``max_rate`` is below ``min_rate``.
    """
    low = math.ceil(_basis_points(min_rate, "min_rate"))
    high = math.floor(_basis_points(max_rate, "max_rate"))
    if not zero:
        low = max(low, 1)
    if low < 0 or low > high:
        raise InvalidArgumentError("max_rate", "must be at least min_rate (and both "
                                   "non-negative)", received=(min_rate, max_rate))
    return st.integers(low, high).map(lambda bp: Decimal(bp).scaleb(-4, LIBRARY_CONTEXT))


def dates(*, min_year: int = 2000, max_year: int = 2040) -> st.SearchStrategy[date]:
    """Calendar dates, month ends and Feb 29 included.

    Raises
    ------
    InvalidArgumentError
        ``min_year`` or ``max_year`` is not a year from 1 to 9999, or ``max_year`` is
        before ``min_year``.
    """
    for name, year in (("min_year", min_year), ("max_year", max_year)):
        if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
            raise InvalidArgumentError(name, "must be a year from 1 to 9999", received=year)
    if max_year < min_year:
        raise InvalidArgumentError("max_year", f"must not be before min_year ({min_year})",
                                   received=max_year)
    return st.dates(date(min_year, 1, 1), date(max_year, 12, 31))


def frequencies(allowed: Iterable[Frequency | str] | None = None
                ) -> st.SearchStrategy[Frequency]:
    """Weekly, biweekly, both semi-monthly styles, monthly, every 2 months, quarterly;
    or the ``allowed`` ones (``Frequency`` objects or names such as ``"monthly"``).

    Raises
    ------
    InvalidArgumentError
        ``allowed`` names an unknown frequency, or selects none.
    """
    return st.sampled_from(_choices(allowed, ALL_FREQUENCIES, Frequency.parse, "frequencies"))


def day_counts(allowed: Iterable[DayCount | str] | None = None
               ) -> st.SearchStrategy[DayCount]:
    """Every :class:`~bnpl_restructure.daycount.DayCount`, or the ``allowed`` ones.

    Raises
    ------
    InvalidArgumentError
        ``allowed`` names an unknown day count, or selects none.
    """
    return st.sampled_from(_choices(allowed, tuple(DayCount), DayCount.parse, "day_counts"))


_currencies, _frequencies, _day_counts = currencies, frequencies, day_counts


def _policy_options(*, exact_balance: bool, modes: Any, payment_modes: Any,
                    interest_modes: Any, balances: Any, residuals: Any,
                    increments: Any) -> dict[str, tuple[Any, ...]]:
    every_mode = _choices(modes, tuple(RoundingMode), RoundingMode, "rounding_modes")
    return {
        "payment": _choices(payment_modes, every_mode, RoundingMode, "payment_modes"),
        "interest": _choices(interest_modes, every_mode, RoundingMode, "interest_modes"),
        "balance": _choices(balances, tuple(BalancePrecision) if exact_balance else
                            (_ROUNDED,), BalancePrecision, "balances"),
        "residual": _choices(residuals, tuple(Residual), Residual, "residuals"),
        "increment": _choices(increments, (None,), _increment, "increments"),
    }


def _policies(options: dict[str, tuple[Any, ...]], *, balances: Sequence[BalancePrecision],
              increments: Sequence[Decimal | None]) -> st.SearchStrategy[RoundingPolicy]:
    """Policies from ``options`` with the balance and increment among those given;
    an increment is never drawn with an exact balance (the two cannot be combined)."""
    pairs = [(b, i) for b in balances for i in increments if not (b is _EXACT and i)]
    return _policy(options, tuple(pairs))


@st.composite
def _policy(draw: st.DrawFn, options: dict[str, tuple[Any, ...]],
            pairs: tuple[tuple[BalancePrecision, Decimal | None], ...]) -> RoundingPolicy:
    # a composite, not st.builds: failure reports then print the policy's own short repr
    balance, increment = draw(st.sampled_from(pairs))
    return RoundingPolicy(payment=draw(st.sampled_from(options["payment"])),
                          interest=draw(st.sampled_from(options["interest"])),
                          residual=draw(st.sampled_from(options["residual"])),
                          balance=balance, increment=increment)


def rounding_policies(*, exact_balance: bool = False, modes: Any = None,
                      payment_modes: Any = None, interest_modes: Any = None,
                      balances: Any = None, residuals: Any = None,
                      increments: Any = None) -> st.SearchStrategy[RoundingPolicy]:
    """Rounding policies, optionally restricted to a team's conventions.

    Parameters
    ----------
    exact_balance
        Also draw the spreadsheet-style (``"exact"``) and carried (``"carried"``)
        balance precisions (default: the rounded balance only).
    modes
        :class:`~bnpl_restructure.rounding.RoundingMode` members or names for both the
        payment and the interest rounding (default: all five).
    payment_modes, interest_modes
        Restrict each of the two separately (default: ``modes``).
    balances
        :class:`~bnpl_restructure.rounding.BalancePrecision` members or names; overrides
        ``exact_balance``.
    residuals
        :class:`~bnpl_restructure.rounding.Residual` members or names.
    increments
        Installment increments in major units (``"1"``, ``"0.10"``) and/or ``None``
        (the currency's minor unit); default ``[None]``. An increment is never drawn
        together with an exact balance.

    Raises
    ------
    InvalidArgumentError
        A restriction names an unknown mode, balance precision or residual, or selects
        none; an increment is not a positive amount; ``increments`` without None while only
        the exact balance is allowed.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(rounding_policies(modes=["half_even"], increments=[None, "1"]))
    ... def test_half_even(policy):
    ...     assert policy.payment.value == policy.interest.value == "half_even"
    >>> test_half_even()
    """
    options = _policy_options(exact_balance=exact_balance, modes=modes,
                              payment_modes=payment_modes, interest_modes=interest_modes,
                              balances=balances, residuals=residuals, increments=increments)
    if all(b is _EXACT for b in options["balance"]) and None not in options["increment"]:
        raise InvalidArgumentError("increments", "an increment cannot be combined with "
                                   "balance='exact': allow None or another balance",
                                   received=options["increment"])
    return _policies(options, balances=options["balance"], increments=options["increment"])


# ---------------------------------------------------------------------------- programs


@st.composite
def programs(draw: st.DrawFn, *, max_periods: int = 24, exact_balance: bool = False,
             fixed_last: bool = False, min_periods: int = 1, rules: Any = None,
             unpaid: Any = None, interest_rounding: Any = None,
             max_principal: int = 10**9, max_factor: Fraction = Fraction(1, 5)) -> Program:
    """Core period programs with every payment rule and unpaid-interest rule.

    The last period pays off, so every program ends at a zero balance; with
    ``fixed_last=True`` it may instead pay a fixed amount (``PaymentRule.FIXED``), leaving
    a residual closing balance.

    Parameters
    ----------
    min_periods, max_periods
        The number of periods.
    rules
        :class:`~bnpl_restructure.core.PaymentRule` members (or names) allowed before
        the last period (default: all but ``FIXED``).
    unpaid
        :class:`~bnpl_restructure.core.UnpaidInterest` members (or names) allowed.
    interest_rounding
        Rounding modes allowed for the program's interest.
    max_principal
        The largest principal, minor units.
    max_factor
        The largest interest factor of a period (default 1/5).

    Raises
    ------
    InvalidArgumentError
        When drawn: ``rules``, ``unpaid`` or ``interest_rounding`` names an unknown member
        or selects nothing; the period counts leave no program to draw.
    """
    middle = _choices(rules, [r for r in PaymentRule if r is not PaymentRule.FIXED],
                      PaymentRule, "rules")
    unpaids = _choices(unpaid, tuple(UnpaidInterest), UnpaidInterest, "unpaid")
    modes = _choices(interest_rounding, tuple(RoundingMode), RoundingMode,
                     "interest_rounding")
    n = draw(st.integers(min_periods, max_periods))
    start = draw(dates())
    principal = draw(st.integers(0, max_principal))
    periods = []
    last = [PaymentRule.PAYOFF, PaymentRule.FIXED] if fixed_last else [PaymentRule.PAYOFF]
    for k in range(n):
        rule = draw(st.sampled_from(last if k == n - 1 else middle))
        periods.append(Period(
            due=start + timedelta(days=30 * k),
            factor=draw(st.fractions(min_value=0, max_value=max_factor,
                                     max_denominator=10**6)),
            rule=rule, amount=draw(st.integers(0, 10**8)), fee=draw(st.integers(0, 10**4)),
            unpaid=draw(st.sampled_from(unpaids))))
    return Program(principal=principal, periods=tuple(periods),
                   interest_rounding=draw(st.sampled_from(modes)),
                   exact_balance=exact_balance)


# ------------------------------------------------------------------------------- plans


def _kind_options(kind: PlanKind, options: dict[str, tuple[Any, ...]],
                  last_installments: tuple[LastInstallment, ...]
                  ) -> tuple[tuple[BalancePrecision, ...], tuple[Decimal | None, ...]] | None:
    """The balances and increments a plan of ``kind`` can have, or None if none."""
    balances = tuple(b for b in options["balance"]
                     if b is not _CARRIED or kind is PlanKind.ANNUITY)
    increments = tuple(i for i in options["increment"]
                       if i is None or kind not in _NO_INCREMENT_KINDS)
    if kind is PlanKind.ANNUITY and LastInstallment.PAYOFF not in last_installments:
        balances = tuple(b for b in balances if b is _ROUNDED)  # level needs rounded
    if not any(not (b is _EXACT and i) for b in balances for i in increments):
        return None
    return balances, increments


@st.composite
def plans(draw: st.DrawFn, *, kinds: Iterable[PlanKind | str] | None = None,
          currency: st.SearchStrategy[Currency] | None = None,
          max_installments: int = 36, exact_balance: bool = False,
          min_installments: int = 1,
          currencies: Iterable[Currency | str] | None = None,
          frequencies: Iterable[Frequency | str] | None = None,
          day_counts: Iterable[DayCount | str] | None = None,
          odd_days: Iterable[OddDays | str] | None = None,
          odd_first_period: bool | None = None,
          rounding: RoundingPolicy | Iterable[RoundingPolicy]
          | st.SearchStrategy[RoundingPolicy] | None = None,
          rounding_modes: Any = None, balances: Any = None, residuals: Any = None,
          increments: Any = None,
          payment_bases: Iterable[PaymentBasis | str] | None = None,
          last_installments: Iterable[LastInstallment | str] | None = None,
          min_amount: Any = None, max_amount: Any = 1_000_000,
          min_rate: Any = "0", max_rate: Any = "0.60",
          min_fee_rate: Any = "0", max_fee_rate: Any = "0.02",
          starts: st.SearchStrategy[date] | None = None) -> Plan:
    """Plans of every kind over random currencies, frequencies, dates and policies.

    Every keyword restricts one convention; the defaults draw everything the library
    supports (with the rounded balance, the level payment solved from the periods and a
    last installment that pays off, unless asked for more).

    Parameters
    ----------
    kinds
        Restrict to these plan kinds (members or names; default: all).
    currency
        A strategy for the currency (default: :func:`currencies`).
    currencies
        Or the currencies themselves (``["CNY", "USD"]``); not with ``currency``.
    min_installments, max_installments
        Bounds on the number of installments (pay-in-N plans: 2 to 6 within them).
    exact_balance
        Also draw spreadsheet-style (``"exact"``) and, for annuities, carried
        (``"carried"``) balance precisions.
    frequencies, day_counts, odd_days
        Allowed payment frequencies (``Frequency`` or names such as ``"monthly"``), day
        counts and odd-first-period rules (rated plans).
    odd_first_period
        ``False``: the first due date is always one regular period after the start;
        ``True``: always moved (an odd first period); ``None`` (default): either.
    rounding
        A :class:`~bnpl_restructure.rounding.RoundingPolicy`, a list of them or a
        strategy; a policy a plan kind cannot take (an increment on an interest-only
        plan, a carried balance on anything but an annuity) is not drawn for it.
    rounding_modes, balances, residuals, increments
        Otherwise the policy's parts, as in :func:`rounding_policies` (``increments``
        in major units, ``None`` for the currency's minor unit; an increment that is
        not a whole number of a currency's minor units is not drawn with it).
    payment_bases, last_installments
        For annuities: what the level payment is solved from (``"periods"``,
        ``"nominal"``) and the last installment (``"payoff"``, ``"level"``; level
        needs the rounded balance). Defaults: ``["periods"]`` and ``["payoff"]``.
    min_amount, max_amount
        The principal's range in major units (default: one minor unit to 1,000,000).
    min_rate, max_rate
        Annual rate range of rated plans (default 0 to 0.60, in basis points).
    min_fee_rate, max_fee_rate
        Per-period fee rate range of flat-fee plans (default 0 to 0.02).
    starts
        A strategy for the start (advance) date (default: :func:`dates`).

    Raises
    ------
    InvalidArgumentError
        When drawn: a restriction names an unknown member (kind, currency, frequency, day
        count, rounding mode, ...), selects nothing, or leaves no plan to draw (``kinds``);
        ``currency`` and ``currencies`` both given; ``rounding`` not a policy, a list of
        them or a strategy; a minimum above its maximum (amounts, rates, fee rates).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, deadline=None)
    ... @given(plans(kinds=["annuity"], currencies=["EUR"], frequencies=["monthly"],
    ...              day_counts=["act/365f"], rounding_modes=["half_even"],
    ...              increments=["1"], payment_bases=["nominal"], max_installments=24))
    ... def test_fineract_like(plan):
    ...     assert plan.currency.code == "EUR" and plan.installments <= 24
    ...     assert plan.rounding.increment == 1
    >>> test_fineract_like()
    """
    kind, money, policy, common = draw(_plan_frame(
        kinds=kinds, currency=currency, currencies=currencies,
        min_installments=min_installments, max_installments=max_installments,
        exact_balance=exact_balance, frequencies=frequencies, rounding=rounding,
        rounding_modes=rounding_modes, balances=balances, residuals=residuals,
        increments=increments, last_installments=last_installments,
        min_amount=min_amount, max_amount=max_amount, starts=starts,
        odd_first_period=odd_first_period))
    try:
        return _build(draw, kind, money, policy, common, day_counts=day_counts,
                      odd_days=odd_days, payment_bases=payment_bases,
                      last_installments=last_installments, min_rate=min_rate,
                      max_rate=max_rate, min_fee_rate=min_fee_rate,
                      max_fee_rate=max_fee_rate)
    except InvalidArgumentError as error:
        if error.argument != "rounding.increment":
            raise
        reject()  # an increment too large for this principal: draw another plan


@st.composite
def _plan_frame(draw: st.DrawFn, *, kinds: Any, currency: Any, currencies: Any,
                min_installments: int, max_installments: int, exact_balance: bool,
                frequencies: Any, rounding: Any, rounding_modes: Any, balances: Any,
                residuals: Any, increments: Any, last_installments: Any, min_amount: Any,
                max_amount: Any, starts: Any, odd_first_period: bool | None
                ) -> tuple[PlanKind, Currency, RoundingPolicy, dict[str, Any]]:
    """Kind, currency, rounding policy and the terms every kind shares."""
    if currency is not None and currencies is not None:
        raise InvalidArgumentError("currencies", "give currency (a strategy) or "
                                   "currencies (a list), not both", received=currencies)
    lasts = _choices(last_installments, (LastInstallment.PAYOFF,), LastInstallment,
                     "last_installments")
    options = _policy_options(exact_balance=exact_balance, modes=rounding_modes,
                              payment_modes=None, interest_modes=None, balances=balances,
                              residuals=residuals, increments=increments)
    allowed = _choices(kinds, tuple(PlanKind), PlanKind, "kinds")
    pay_in_n = (max(min_installments, 2), min(max_installments, 6))
    feasible = [k for k in allowed if (k is not PlanKind.PAY_IN_4 or
                                       pay_in_n[0] <= pay_in_n[1])
                and (rounding is not None or _kind_options(k, options, lasts) is not None)]
    if not feasible or min_installments > max_installments or min_installments < 1:
        raise InvalidArgumentError("kinds", "no plan kind can satisfy these restrictions "
                                   "(installments, balances, increments, last "
                                   "installments)", received=allowed)
    kind = draw(st.sampled_from(feasible))
    money: Currency = draw(currency if currency is not None else
                           _currencies(currencies))
    principal = draw(amounts(money, min_major=min_amount, max_major=max_amount))
    start = draw(starts if starts is not None else dates())
    policy = draw(_policy_for(kind, money, rounding, options, lasts))
    if kind is PlanKind.PAY_IN_4:
        n = draw(st.integers(*pay_in_n))
    else:
        n = draw(st.integers(min_installments, max_installments))
    frequency = draw(_frequencies(frequencies))
    common: dict[str, Any] = {"principal": principal, "start": start, "currency": money,
                              "rounding": policy, "installments": n, "frequency": frequency}
    moved = draw(st.booleans()) if odd_first_period is None else odd_first_period
    if moved and kind is not PlanKind.PAY_IN_4:
        shift = draw(st.integers(-10, 20).filter(bool) if odd_first_period else
                     st.integers(-10, 20))
        common["first_due"] = max(start, frequency.advance(start, 1) +
                                  timedelta(days=shift))
    return kind, money, policy, common


def _policy_for(kind: PlanKind, money: Currency, rounding: Any,
                options: dict[str, tuple[Any, ...]], lasts: tuple[LastInstallment, ...]
                ) -> st.SearchStrategy[RoundingPolicy]:
    """The policies a plan of ``kind`` in ``money`` can take."""
    if rounding is None:
        found = _kind_options(kind, options, lasts)
        assert found is not None  # the kind was chosen among the feasible ones
        balances, increments = found
        fitting = tuple(i for i in increments if _fits(i, money))
        if not fitting:
            reject()  # no increment is a whole number of this currency's minor units
        return _policies(options, balances=balances, increments=fitting)
    if isinstance(rounding, st.SearchStrategy):
        return rounding.filter(lambda p: _policy_fits(p, kind, money))
    policies = [rounding] if isinstance(rounding, RoundingPolicy) else list(rounding)
    if not all(isinstance(p, RoundingPolicy) for p in policies) or not policies:
        raise InvalidArgumentError("rounding", "must be a RoundingPolicy, a list of them or "
                                   "a strategy", received=rounding)
    fitting_policies = [p for p in policies if _policy_fits(p, kind, money)]
    if not fitting_policies:
        reject()
    return st.sampled_from(fitting_policies)


def _policy_fits(policy: RoundingPolicy, kind: PlanKind, money: Currency) -> bool:
    if policy.balance is _CARRIED and kind is not PlanKind.ANNUITY:
        return False
    if policy.increment is not None and kind in _NO_INCREMENT_KINDS:
        return False
    return _fits(policy.increment, money)


def _build(draw: st.DrawFn, kind: PlanKind, money: Currency, policy: RoundingPolicy,
           common: dict[str, Any], *, day_counts: Any, odd_days: Any, payment_bases: Any,
           last_installments: Any, min_rate: Any, max_rate: Any, min_fee_rate: Any,
           max_fee_rate: Any) -> Plan:
    """The plan of ``kind`` from the shared terms and the kind's own draws."""
    principal = common.pop("principal")
    if kind is PlanKind.PAY_IN_4:
        common.pop("first_due", None)
        return Plan.pay_in_4(principal, **common)
    if kind is PlanKind.FLAT_FEE:
        low = math.ceil(_basis_points(min_fee_rate, "min_fee_rate"))
        high = math.floor(_basis_points(max_fee_rate, "max_fee_rate"))
        if not 0 <= low <= high:
            raise InvalidArgumentError("max_fee_rate", "must be at least min_fee_rate (and "
                                       "both non-negative)", received=(min_fee_rate,
                                                                       max_fee_rate))
        fee_rate = Decimal(draw(st.integers(low, high))).scaleb(-4, LIBRARY_CONTEXT)
        return Plan.flat_fee(principal, fee_rate=fee_rate, **common)
    rated: dict[str, Any] = {
        "annual_rate": draw(annual_rates(min_rate=min_rate, max_rate=max_rate)),
        "day_count": draw(_day_counts(day_counts)),
        "odd_days": draw(st.sampled_from(_choices(odd_days, tuple(OddDays), OddDays,
                                                  "odd_days"))),
        **common,
    }
    if kind is PlanKind.ANNUITY:
        lasts = _choices(last_installments, (LastInstallment.PAYOFF,), LastInstallment,
                         "last_installments")
        if policy.balance is not _ROUNDED:
            lasts = tuple(x for x in lasts if x is not LastInstallment.LEVEL)
        if not lasts:
            reject()  # only a level last installment, which needs the rounded balance
        bases = _choices(payment_bases, (PaymentBasis.PERIODS,), PaymentBasis,
                         "payment_bases")
        return Plan.annuity(principal, payment_basis=draw(st.sampled_from(bases)),
                            last_installment=draw(st.sampled_from(lasts)), **rated)
    if kind is PlanKind.EQUAL_PRINCIPAL:
        return Plan.equal_principal(principal, **rated)
    if kind is PlanKind.INTEREST_ONLY:
        return Plan.interest_only(principal, **rated)
    # explicit rows: the due dates of the frequency, principal split at random cuts
    frequency: Frequency = common["frequency"]
    n = rated.pop("installments")
    dues = frequency.due_dates(rated.pop("first_due", frequency.advance(common["start"], 1)),
                               n)
    minor = money.to_minor(principal)
    cuts = sorted(draw(st.lists(st.integers(0, minor), min_size=n - 1, max_size=n - 1)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, minor], strict=True)]
    rows = [{"due": d, "principal": money.to_major(p)} for d, p in zip(dues, parts,
                                                                          strict=True)]
    return Plan.from_rows(principal, rows=rows, **rated)


# ------------------------------------------------------------------------ registration


def register_type_strategies() -> None:
    """Register the default strategies for the library's types with Hypothesis.

    After this (done when this module is imported, and by the pytest plugin),
    ``st.from_type(Plan)``, ``st.from_type(Program)``, ``st.from_type(RoundingPolicy)``,
    ``st.from_type(Frequency)``, ``st.from_type(DayCount)`` and
    ``st.from_type(Currency)`` draw from :func:`plans`, :func:`programs`,
    :func:`rounding_policies`, :func:`frequencies`, :func:`day_counts` and
    :func:`currencies`, as does ``st.builds`` for arguments annotated with those types.
    Calling it again changes nothing.
    """
    st.register_type_strategy(Plan, plans())
    st.register_type_strategy(Program, programs())
    st.register_type_strategy(RoundingPolicy, rounding_policies())
    st.register_type_strategy(Frequency, frequencies())
    st.register_type_strategy(DayCount, day_counts())
    st.register_type_strategy(Currency, currencies())


register_type_strategies()
