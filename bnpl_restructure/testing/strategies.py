"""Hypothesis strategies that generate currencies, amounts, rates and plans.

Public API for users' own property tests (needs the ``test`` extra: ``hypothesis``).

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

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from .._context import LIBRARY_CONTEXT
from ..calendar import Frequency
from ..core import PaymentRule, Period, Program, UnpaidInterest
from ..daycount import DayCount
from ..money import BHD, CNY, EUR, GBP, JPY, USD, Currency
from ..plans import OddDays, Plan, PlanKind
from ..rounding import BalancePrecision, Residual, RoundingMode, RoundingPolicy

__all__ = [
    "amounts",
    "annual_rates",
    "currencies",
    "dates",
    "day_counts",
    "frequencies",
    "plans",
    "programs",
    "rounding_policies",
]

ALL_CURRENCIES = (CNY, USD, EUR, GBP, JPY, BHD)
ALL_FREQUENCIES = (Frequency.WEEKLY, Frequency.BIWEEKLY, Frequency.SEMI_MONTHLY,
                   Frequency.SEMI_MONTHLY_15_DAYS, Frequency.MONTHLY, Frequency.QUARTERLY,
                   Frequency.every_months(2))


def currencies() -> st.SearchStrategy[Currency]:
    """CNY, USD, EUR, GBP (2 decimals), JPY (0) and BHD (3)."""
    return st.sampled_from(ALL_CURRENCIES)


def amounts(currency: Currency, *, min_minor: int = 1,
            max_major: int = 1_000_000) -> st.SearchStrategy[Decimal]:
    """Amounts in major units with at most the currency's decimals."""
    return st.integers(min_minor, max_major * currency.minor_per_major).map(
        currency.to_major)


def annual_rates(*, max_rate: str = "0.60", zero: bool = True) -> st.SearchStrategy[Decimal]:
    """Annual rates as Decimal fractions with up to 4 decimals (basis points)."""
    low = 0 if zero else 1
    return st.integers(low, int(LIBRARY_CONTEXT.multiply(Decimal(max_rate), 10_000))).map(
        lambda bp: Decimal(bp).scaleb(-4, LIBRARY_CONTEXT))


def dates(*, min_year: int = 2000, max_year: int = 2040) -> st.SearchStrategy[date]:
    """Calendar dates, month ends and Feb 29 included."""
    return st.dates(date(min_year, 1, 1), date(max_year, 12, 31))


def frequencies() -> st.SearchStrategy[Frequency]:
    """Weekly, biweekly, both semi-monthly styles, monthly, every 2 months, quarterly."""
    return st.sampled_from(ALL_FREQUENCIES)


def day_counts() -> st.SearchStrategy[DayCount]:
    """Every :class:`~bnpl_restructure.daycount.DayCount`."""
    return st.sampled_from(list(DayCount))


def rounding_policies(*, exact_balance: bool = False) -> st.SearchStrategy[RoundingPolicy]:
    """Rounding policies; ``exact_balance`` includes the spreadsheet-style precision."""
    balances = list(BalancePrecision) if exact_balance else [BalancePrecision.ROUNDED]
    return st.builds(RoundingPolicy, payment=st.sampled_from(list(RoundingMode)),
                     interest=st.sampled_from(list(RoundingMode)),
                     balance=st.sampled_from(balances),
                     residual=st.sampled_from(list(Residual)))


@st.composite
def programs(draw: st.DrawFn, *, max_periods: int = 24,
             exact_balance: bool = False, fixed_last: bool = False) -> Program:
    """Core period programs with every payment rule and unpaid-interest rule.

    The last period pays off, so every program ends at a zero balance; with
    ``fixed_last=True`` it may instead pay a fixed amount (``PaymentRule.FIXED``), leaving
    a residual closing balance.
    """
    n = draw(st.integers(1, max_periods))
    start = draw(dates())
    principal = draw(st.integers(0, 10**9))
    periods = []
    middle = [r for r in PaymentRule if r is not PaymentRule.FIXED]
    last = [PaymentRule.PAYOFF, PaymentRule.FIXED] if fixed_last else [PaymentRule.PAYOFF]
    for k in range(n):
        rule = draw(st.sampled_from(last if k == n - 1 else middle))
        periods.append(Period(
            due=start + timedelta(days=30 * k),
            factor=draw(st.fractions(min_value=0, max_value=Fraction(1, 5),
                                     max_denominator=10**6)),
            rule=rule, amount=draw(st.integers(0, 10**8)), fee=draw(st.integers(0, 10**4)),
            unpaid=draw(st.sampled_from(list(UnpaidInterest)))))
    return Program(principal=principal, periods=tuple(periods),
                   interest_rounding=draw(st.sampled_from(list(RoundingMode))),
                   exact_balance=exact_balance)


@st.composite
def plans(draw: st.DrawFn, *, kinds: tuple[PlanKind, ...] | None = None,
          currency: st.SearchStrategy[Currency] | None = None,
          max_installments: int = 36, exact_balance: bool = False) -> Plan:
    """Plans of every kind over random currencies, frequencies, dates and policies.

    Parameters
    ----------
    kinds
        Restrict to these plan kinds (default: all).
    currency
        A strategy for the currency (default: :func:`currencies`).
    max_installments
        Upper bound on the number of installments.
    exact_balance
        Also draw spreadsheet-style (exact balance) rounding policies.
    """
    kind = draw(st.sampled_from(kinds or tuple(PlanKind)))
    money: Currency = draw(currency if currency is not None else currencies())
    principal = draw(amounts(money, min_minor=1))
    start = draw(dates())
    rounding = draw(rounding_policies(exact_balance=exact_balance))
    if rounding.balance is BalancePrecision.CARRIED and kind is not PlanKind.ANNUITY:
        rounding = replace(rounding, balance=BalancePrecision.EXACT)  # annuities only
    n = draw(st.integers(1, max_installments))
    common: dict[str, Any] = {"start": start, "currency": money, "rounding": rounding}
    if kind is PlanKind.PAY_IN_4:
        return Plan.pay_in_4(principal, installments=min(max(n, 2), 6),
                             frequency=draw(frequencies()), **common)
    frequency = draw(frequencies())
    common.update(installments=n, frequency=frequency)
    if draw(st.booleans()):
        shift = timedelta(days=draw(st.integers(-10, 20)))
        common["first_due"] = max(start, frequency.advance(start, 1) + shift)
    if kind is PlanKind.FLAT_FEE:
        # 0% to 2% a period
        fee_rate = Decimal(draw(st.integers(0, 200))).scaleb(-4, LIBRARY_CONTEXT)
        return Plan.flat_fee(principal, fee_rate=fee_rate, **common)
    rated: dict[str, Any] = {
        "annual_rate": draw(annual_rates()),
        "day_count": draw(day_counts()),
        "odd_days": draw(st.sampled_from(list(OddDays))),
        **common,
    }
    if kind is PlanKind.ANNUITY:
        return Plan.annuity(principal, **rated)
    if kind is PlanKind.EQUAL_PRINCIPAL:
        return Plan.equal_principal(principal, **rated)
    if kind is PlanKind.INTEREST_ONLY:
        return Plan.interest_only(principal, **rated)
    # explicit rows: the due dates of the frequency, principal split at random cuts
    dues = frequency.due_dates(rated.pop("first_due", frequency.advance(start, 1)), n)
    rated.pop("installments")
    minor = money.to_minor(principal)
    cuts = sorted(draw(st.lists(st.integers(0, minor), min_size=n - 1, max_size=n - 1)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, minor], strict=True)]
    rows = [{"due": d, "principal": money.to_major(p)} for d, p in zip(dues, parts,
                                                                          strict=True)]
    return Plan.from_rows(principal, rows=rows, **rated)

