"""Re-aging: :class:`ReAge`, :class:`ReAgePolicy` and :func:`re_age`."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any

from ..calendar import Frequency
from ..errors import (
    RestructureNotAllowedError,
    parse_enum,
)
from ..money import format_money, parse_money
from ..schedule import Schedule
from ..servicing import LoanState, ServicingTerms
from .changes import Change
from .positions import Position, _Draft, _plus
from .result import Restructuring, restructure


def _months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (day of month respected)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and Frequency.MONTHLY.advance(start, months) > end:
        months -= 1
    return max(months, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReAgePolicy:
    """When an account may be re-aged. Defaults: the FFIEC Uniform Retail Credit
    Classification and Account Management Policy (65 FR 36903, June 12, 2000): the
    account has existed at least 9 months; the borrower made at least 3 consecutive
    minimum payments (or the same amount in total over those periods); at most once in
    12 months and twice in 5 years."""

    min_account_age_months: int = 9
    consecutive_payments: int = 3
    max_per_12_months: int = 1
    max_per_5_years: int = 2
    minimum_payment: Any = None  # default: the plan's regular installment

    def check(self, pos: Position) -> None:
        """Raise :class:`~bnpl_restructure.errors.RestructureNotAllowedError` naming the
        first rule the position fails."""
        age = _months_between(pos.opened, pos.as_of)
        if age < self.min_account_age_months:
            raise RestructureNotAllowedError(
                f"re-age not allowed: the account is {age} months old, the policy needs at "
                f"least {self.min_account_age_months} (FFIEC account management policy)")
        recent = [d for d in pos.history if (pos.as_of - d).days < 365]
        if len(recent) >= self.max_per_12_months:
            raise RestructureNotAllowedError(
                f"re-age not allowed: already re-aged on {recent[-1].isoformat()}; at most "
                f"{self.max_per_12_months} in 12 months")
        five = [d for d in pos.history if (pos.as_of - d).days < 5 * 365 + 1]
        if len(five) >= self.max_per_5_years:
            raise RestructureNotAllowedError(
                f"re-age not allowed: re-aged {len(five)} times in 5 years; at most "
                f"{self.max_per_5_years}")
        cur = pos.currency
        minimum = pos.original.payment[0] if self.minimum_payment is None else parse_money(
            self.minimum_payment, cur, argument="minimum_payment")
        freq = pos.remaining.frequency or Frequency.MONTHLY
        payments = [] if pos.state is None else [
            (e.date, cur.to_minor(e.amount)) for e in pos.state.ledger if e.kind == "payment"]
        windows = []
        for k in range(self.consecutive_payments):
            end = freq.advance(pos.as_of, -k)
            begin = freq.advance(pos.as_of, -k - 1)
            windows.append(sum(a for d, a in payments if begin < d <= end))
        each = all(w >= minimum for w in windows)
        total = sum(windows) >= minimum * self.consecutive_payments
        if not (each or total):
            raise RestructureNotAllowedError(
                f"re-age not allowed: the policy needs {self.consecutive_payments} "
                f"consecutive payments of at least {format_money(minimum, cur)} (or as much "
                f"in total); the last {self.consecutive_payments} periods had "
                + ", ".join(format_money(w, cur) for w in reversed(windows)))


class ReAgeInterest(enum.Enum):
    """How a re-age treats interest: ``FIRST_INSTALLMENT`` puts the overdue interest and
    charges on the first new installment while interest keeps accruing on the principal;
    ``SPREAD_FROZEN`` spreads principal and overdue interest equally over the remaining
    installments with interest frozen."""

    FIRST_INSTALLMENT = "first_installment"
    SPREAD_FROZEN = "spread_frozen"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReAge(Change):
    """Re-age: fold the overdue amounts into the remaining installments and bring the
    account current, if the :class:`ReAgePolicy` allows it."""

    interest: ReAgeInterest | str = ReAgeInterest.FIRST_INSTALLMENT
    policy: ReAgePolicy = field(default_factory=ReAgePolicy)
    kind = "re_age"

    def describe(self) -> str:
        """E.g. ``re-age (first installment)``."""
        how = parse_enum(ReAgeInterest, self.interest, argument="interest").value
        return f"re-age ({how.replace('_', ' ')})"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        self.policy.check(pos)
        if not any(draft.arrears.values()):
            raise RestructureNotAllowedError("re-age not needed: nothing is overdue")
        how = parse_enum(ReAgeInterest, self.interest, argument="interest")
        arrears = dict(draft.arrears)
        overdue_principal = arrears.pop("principal", 0)
        principal = draft.principal + overdue_principal
        capitalized = _plus(draft.capitalized, "principal", overdue_principal)
        charges = {k: arrears.pop(k, 0) for k in ("interest", "fee", "penalty", "late_fee")}
        if how is ReAgeInterest.SPREAD_FROZEN:
            for k, v in charges.items():
                if v:
                    capitalized = _plus(capitalized, k, v)
            principal += sum(charges.values())
            frozen = sum(pos.remaining.interest)  # the interest the plan no longer charges
            return replace(draft, principal=principal, arrears=arrears,
                           capitalized=capitalized, method="split",
                           waived=_plus(draft.waived, "interest", frozen),
                           factors=(Fraction(0),) * len(draft.factors), reamortize=True)
        return replace(draft, principal=principal, arrears=arrears, capitalized=capitalized,
                       first_interest=draft.first_interest + charges["interest"],
                       first_fee=draft.first_fee + charges["fee"] + charges["penalty"]
                       + charges["late_fee"], reamortize=True)


def re_age(loan: Schedule | LoanState | Position, *, interest: ReAgeInterest | str =
           ReAgeInterest.FIRST_INSTALLMENT, policy: ReAgePolicy | None = None,
           as_of: Any = None, payments: Iterable[Any] = (),
           terms: ServicingTerms | None = None, history: Iterable[Any] = ()
           ) -> Restructuring:
    """Re-age the account (see :class:`ReAge`); ``history`` holds the dates of earlier
    restructurings (a :class:`Restructuring`'s ``history``). Raises
    :class:`~bnpl_restructure.errors.RestructureNotAllowedError` naming the failed rule."""
    return restructure(loan, [ReAge(interest=interest, policy=policy or ReAgePolicy())],
                       as_of=as_of, payments=payments, terms=terms, history=history)
