"""Re-aging and re-amortization.

:class:`ReAge`, :class:`ReAgePolicy` and :func:`re_age`: the FFIEC re-age (bring the
account current within the remaining installments, if the policy allows it).
:class:`ReAmortize` and :class:`FineractReAge` (with :func:`re_amortize` and
:func:`fineract_re_age`): Apache Fineract's re-amortization and re-aging of progressive
loans, each a rewrite of the remaining plan run through the same core.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any

from ..calendar import Frequency, parse_date
from ..core import PaymentRule, UnpaidInterest, level_payment
from ..errors import (
    InvalidArgumentError,
    RestructureNotAllowedError,
    parse_enum,
)
from ..money import format_money, parse_money
from ..plans import MAX_INSTALLMENTS
from ..rounding import round_ratio
from ..schedule import Schedule
from ..servicing import LoanState, ServicingTerms
from .changes import Change, _check_amount, _count
from .positions import Position, _Draft, _plus, _Special
from .result import Restructuring, _one, restructure


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
    12 months and twice in 5 years.

    Raises
    ------
    InvalidArgumentError
        A count (``min_account_age_months``, ``consecutive_payments``, ...) not a whole
        number from 0 to 1,200; ``minimum_payment`` negative or not an amount.
    """

    min_account_age_months: int = 9
    consecutive_payments: int = 3
    max_per_12_months: int = 1
    max_per_5_years: int = 2
    minimum_payment: Any = None  # default: the plan's regular installment

    def __post_init__(self) -> None:
        for name in ("min_account_age_months", "consecutive_payments", "max_per_12_months",
                     "max_per_5_years"):
            value = getattr(self, name)
            if type(value) is not int or not 0 <= value <= 1200:
                raise InvalidArgumentError(name, "must be a whole number from 0 to 1200",
                                           received=value)
        _check_amount(self.minimum_payment, "minimum_payment", optional=True)

    def check(self, pos: Position) -> None:
        """Raise :class:`~bnpl_restructure.errors.RestructureNotAllowedError` naming the
        first rule the position fails.

        Raises
        ------
        InvalidArgumentError
            ``pos`` is not a :class:`~bnpl_restructure.restructure.positions.Position`.
        RestructureNotAllowedError
            A rule of the policy fails (the message names it): the account is too young, too
            few consecutive payments, or re-aged too recently or too often.
        """
        if not isinstance(pos, Position):
            raise InvalidArgumentError("pos", "must be a Position (restructure.position())",
                                       received=pos)
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
    account current, if the :class:`ReAgePolicy` allows it.

    Raises
    ------
    InvalidArgumentError
        Built: ``interest`` unknown; ``policy`` not a :class:`ReAgePolicy`. Applied:
        :func:`restructure`'s errors.
    RestructureNotAllowedError
        Applied: nothing is overdue, or a rule of ``policy`` fails.
    """

    interest: ReAgeInterest | str = ReAgeInterest.FIRST_INSTALLMENT
    policy: ReAgePolicy = field(default_factory=ReAgePolicy)
    kind = "re_age"

    def _check(self) -> None:
        parse_enum(ReAgeInterest, self.interest, argument="interest")
        if not isinstance(self.policy, ReAgePolicy):
            raise InvalidArgumentError("policy", "must be a ReAgePolicy",
                                       received=self.policy)

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
    :class:`~bnpl_restructure.errors.RestructureNotAllowedError` naming the failed rule.

    Raises
    ------
    InvalidArgumentError
        ``interest`` or ``policy`` as for :class:`ReAge`; the errors of
        :func:`restructure` (``loan``, ``as_of``, ``payments``, ``terms``, ``history``).
    RestructureNotAllowedError
        Nothing is overdue, or a rule of the policy fails.
    """
    return restructure(loan, [ReAge(interest=interest, policy=policy or ReAgePolicy())],
                       as_of=as_of, payments=payments, terms=terms, history=history)


# ------------------------------------------------------------- Fineract re-amortize / re-age


class ReAmortizationInterestHandling(enum.Enum):
    """How :class:`ReAmortize` moves the overdue interest (Fineract's
    ``reAmortizationInterestHandling``).

    ``DEFAULT``: onto the first remaining installment, booked as its interest; the
    level installment is solved with it included, so every installment stays level.
    ``EQUAL_AMORTIZATION_INTEREST_SPLIT``: split equally over the remaining
    installments and booked as interest: installment = the annuity of the outstanding
    principal + moved interest / n. ``CAPITALIZE`` (not a Fineract option): added to
    the interest-bearing balance and booked as capitalized *interest*, not principal.
    """

    DEFAULT = "default"
    EQUAL_AMORTIZATION_INTEREST_SPLIT = "equal_amortization_interest_split"
    CAPITALIZE = "capitalize"


class ReAgeInterestHandling(enum.Enum):
    """How :class:`FineractReAge` treats interest (Fineract's ``reAgeInterestHandling``).

    ``DEFAULT``: the overdue interest and the interest accrued to the re-age date go
    on the first new installment (booked as interest, the level installment solved with
    it included); overdue fees and charges go on it too; interest keeps accruing on
    the outstanding principal. ``EQUAL_AMORTIZATION_PAYABLE_INTEREST``: outstanding
    principal, that interest (payable to date) and the overdue charges are each split
    equally over the new installments, and no interest accrues after the re-age.
    """

    DEFAULT = "default"
    EQUAL_AMORTIZATION_PAYABLE_INTEREST = "equal_amortization_payable_interest"


def _regular(pos: Position, draft: _Draft) -> Fraction:
    """The plan's regular periodic factor (the most common one)."""
    factors = list(draft.factors)
    if not factors and pos.original.program is not None:  # after maturity: the plan's own
        factors = [p.factor for p in pos.original.program.periods]
    return max(factors, key=factors.count) if factors else Fraction(0)


def _no_specials(draft: _Draft, what: str) -> None:
    if any(s is not None for s in draft.special) or draft.shortfall:
        raise RestructureNotAllowedError(
            f"{what} rewrites the installments: apply it before payment holidays and "
            "reduced payments")


def _fold(draft: _Draft) -> tuple[int, int, int, dict[str, int], dict[str, int]]:
    """Overdue principal folded into the interest-bearing principal: (principal,
    overdue interest, overdue charges, arrears left, capitalized)."""
    arrears = dict(draft.arrears)
    overdue = arrears.pop("principal", 0)
    interest = arrears.pop("interest", 0)
    charges = sum(arrears.pop(k, 0) for k in ("fee", "penalty", "late_fee"))
    return (draft.principal + overdue, interest, charges, arrears,
            _plus(draft.capitalized, "principal", overdue))


def _level_first(pos: Position, principal: int, moved: int,
                 factors: tuple[Fraction, ...]) -> _Special | None:
    """The first installment of a level plan that carries ``moved`` interest on top
    (non-interest-bearing), so that every installment is the same: the level payment
    ``A`` solves ``principal * G_n + moved * G_n / G_1 = A * sum_k G_n / G_k`` exactly
    (the annuity of ``principal + moved / (1 + f_1)``), rounded as the plan rounds its
    payment; the first row's interest-bearing part pays ``A - moved``."""
    if len(factors) < 2 or not moved:
        return None
    policy = pos.original.rounding_policy
    increment = policy.increment_in(pos.currency)
    exact = level_payment(principal, factors, mode=None) + Fraction(moved) / (
        1 + factors[0]) * level_payment(1, factors, mode=None)
    pay = round_ratio(exact.numerator, exact.denominator * increment,
                      policy.payment) * increment
    return _Special(rule=PaymentRule.AMOUNT, amount=max(pay - moved, 0),
                    unpaid=UnpaidInterest.CAPITALIZE)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReAmortize(Change):
    """Re-amortize as Apache Fineract does (``command=reAmortize``): the overdue
    principal is re-spread over the installments still to come, keeping their number
    and due dates, and the installment re-solved in the plan's own method; the overdue
    interest is moved into those installments as ``interest_handling`` says
    (:class:`ReAmortizationInterestHandling`); overdue fees and charges go on the first
    one (split equally with ``EQUAL_AMORTIZATION_INTEREST_SPLIT``).

    Unlike the FFIEC :class:`ReAge`, no eligibility policy is applied (Fineract checks
    only that the loan is active and not past maturity), and the overdue interest is
    part of the level installment rather than added on top of the first one. Use
    :class:`FineractReAge` for a new schedule (new start, frequency, count).

    Raises
    ------
    InvalidArgumentError
        Built: ``interest_handling`` unknown. Applied: :func:`restructure`'s errors.
    RestructureNotAllowedError
        Applied: no installment falls due after the restructuring date (re-age instead,
        :class:`FineractReAge`), or it follows a payment holiday or reduced payment.

    References
    ----------
    .. [1] Apache Fineract, *Loan Re-Amortization* (fineract-doc, features/
       re-amortization.adoc): "Outstanding principal from installments with due date
       <= transaction date is redistributed equally across future installments";
       ``reAmortizationInterestHandling`` ``DEFAULT`` | ``EQUAL_AMORTIZATION_INTEREST_SPLIT``.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("100", annual_rate="0.07", installments=6, currency="EUR",
    ...                  start="2024-01-01").schedule()
    >>> r = restructure(s, [ReAmortize()], as_of="2024-03-15",
    ...                 payments=[("2024-02-01", "17.01")])
    >>> [str(row.payment) for row in r.schedule]
    ['21.32', '21.32', '21.32', '21.33']
    """

    interest_handling: ReAmortizationInterestHandling | str = \
        ReAmortizationInterestHandling.DEFAULT
    kind = "re_amortize"

    def _check(self) -> None:
        parse_enum(ReAmortizationInterestHandling, self.interest_handling,
                   argument="interest_handling")

    def describe(self) -> str:
        """E.g. ``re-amortize (default)``."""
        how = parse_enum(ReAmortizationInterestHandling, self.interest_handling,
                         argument="interest_handling").value
        return f"re-amortize ({how.replace('_', ' ')})"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        how = parse_enum(ReAmortizationInterestHandling, self.interest_handling,
                         argument="interest_handling")
        if not draft.dues:
            raise RestructureNotAllowedError(
                "re-amortize keeps the installments still to come and none falls due after "
                f"{pos.as_of.isoformat()}: re-age instead (FineractReAge)")
        _no_specials(draft, "re-amortize")
        principal, interest, charges, arrears, capitalized = _fold(draft)
        draft = replace(draft, principal=principal, arrears=arrears, capitalized=capitalized,
                        reamortize=True)
        if how is ReAmortizationInterestHandling.EQUAL_AMORTIZATION_INTEREST_SPLIT:
            return replace(draft, spread_interest=draft.spread_interest + interest,
                           spread_fee=draft.spread_fee + charges)
        if how is ReAmortizationInterestHandling.CAPITALIZE:
            return replace(draft, principal=principal + interest,
                           capitalized=_plus(capitalized, "interest", interest),
                           first_fee=draft.first_fee + charges)
        return _moved_first(pos, draft, interest, charges)


def _moved_first(pos: Position, draft: _Draft, interest: int, charges: int) -> _Draft:
    """Moved interest and charges on the first installment, the level solved with it."""
    first = _level_first(pos, draft.principal, interest, draft.factors) \
        if draft.method == "level" else None
    special = draft.special if first is None else (first, *draft.special[1:])
    return replace(draft, special=special, first_interest=draft.first_interest + interest,
                   first_fee=draft.first_fee + charges)


_FREQUENCY_TYPES = ("days", "weeks", "months", "years")


@dataclass(frozen=True, slots=True, kw_only=True)
class FineractReAge(Change):
    """Re-age as Apache Fineract does (``command=reAge``, a "settlement plan"): a new
    schedule of ``installments`` installments, the first due on ``start`` and then every
    ``frequency_number`` ``frequency_type`` (``"days"``, ``"weeks"``, ``"months"``,
    ``"years"``), replacing the installments still to come; the outstanding principal
    (overdue and not yet due) is re-amortized over it, and the interest and overdue
    charges handled as ``interest_handling`` says (:class:`ReAgeInterestHandling`).

    Interest: the first period runs from the re-age date to ``start`` and is
    pro-rated; the interest accrued from the last due date to the re-age date moves with
    the overdue interest. With ``days_in_month=30`` (Fineract's 30-day months) a month
    is one periodic rate (``annual * 30 / days_in_year``) and a part of a period is
    pro-rated by its actual days over the actual days of the period it falls in; with
    ``days_in_month="actual"`` every period costs ``annual * days / days_in_year``.
    ``days_in_year`` is 360, 364 or 365. The annual rate is the plan's periodic rate
    times its periods a year. Future fees of the replaced installments are waived.

    Allowed when every installment is already past due (a re-age after maturity):
    pass it first in the list. How it differs from the FFIEC :class:`ReAge`: that
    keeps the remaining installments and their dates, checks a
    :class:`ReAgePolicy` (account age, 3 payments, once a year), and puts the overdue
    interest on top of the first installment; this one builds a new schedule from a
    start date, frequency and count of the lender's choosing, applies no eligibility
    policy, and solves the level installment with the moved interest in it.

    Raises
    ------
    InvalidArgumentError
        Built: ``start`` not a date; ``installments`` or ``frequency_number`` not a whole
        number of at least 1 (at most 2,600 installments); ``frequency_type`` unknown;
        ``days_in_year`` not 360, 364 or 365; ``days_in_month`` not 30 or ``'actual'``;
        ``interest_handling`` unknown. Applied (also :func:`restructure`'s errors): the
        first re-aged installment before the restructuring date, or dates past 9999.
    RestructureNotAllowedError
        Applied: a rule of the re-age policy fails.

    References
    ----------
    .. [1] Apache Fineract, *Loan Re-Aging* (fineract-doc, features/re-ageing.adoc):
       start date, number of installments, period type and frequency, interest handling
       ``DEFAULT`` ("Overdue interest ... moved 100% to the first new re-aged
       installment; future interest continues") and equal amortization ("split
       equally ... No new interest accrues after re-age").

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("100", annual_rate="0.07", installments=6, currency="EUR",
    ...                  start="2024-01-01").schedule()
    >>> r = restructure(s, [FineractReAge(start="2024-04-01", installments=6)],
    ...                 as_of="2024-03-15", payments=[("2024-02-01", "17.01")])
    >>> [str(row.payment) for row in r.schedule]
    ['14.30', '14.30', '14.30', '14.30', '14.30', '14.29']
    """

    start: date | str
    installments: int
    frequency_type: str = "months"
    frequency_number: int = 1
    interest_handling: ReAgeInterestHandling | str = ReAgeInterestHandling.DEFAULT
    days_in_year: int = 360
    days_in_month: int | str = 30
    kind = "fineract_re_age"
    builds_schedule = True  # restructure() lets it follow maturity

    def describe(self) -> str:
        """E.g. ``re-age 6 months from 2024-04-01 (default)``."""
        how = parse_enum(ReAgeInterestHandling, self.interest_handling,
                         argument="interest_handling").value
        every = self.frequency_type if self.frequency_number == 1 else \
            f"x{self.frequency_number} {self.frequency_type}"
        return (f"re-age {self.installments} {every} from "
                f"{parse_date(self.start, argument='start').isoformat()} "
                f"({how.replace('_', ' ')})")

    def _frequency(self) -> Frequency:
        kind = self.frequency_type.strip().lower() if isinstance(
            self.frequency_type, str) else None
        if kind not in _FREQUENCY_TYPES:
            raise InvalidArgumentError("frequency_type", "must be one of "
                                       + ", ".join(map(repr, _FREQUENCY_TYPES)),
                                       received=self.frequency_type)
        step = _count(self.frequency_number, "frequency_number")
        if kind == "days":
            return Frequency.every_days(step)
        if kind == "weeks":
            return Frequency.every_days(7 * step)
        return Frequency.every_months(step * (12 if kind == "years" else 1))

    def _basis(self) -> tuple[int, bool]:
        """(days in a year, whether months count 30 days)."""
        year, month = self.days_in_year, self.days_in_month
        if type(year) is not int or year not in (360, 364, 365):
            raise InvalidArgumentError("days_in_year", "must be 360, 364 or 365",
                                       received=year)
        if not ((type(month) is int and month == 30) or month == "actual"):
            raise InvalidArgumentError("days_in_month", "must be 30 or 'actual'",
                                       received=month)
        return year, month == 30

    def _check(self) -> None:
        parse_enum(ReAgeInterestHandling, self.interest_handling,
                   argument="interest_handling")
        parse_date(self.start, argument="start")
        count = _count(self.installments, "installments")
        if count > MAX_INSTALLMENTS:
            raise InvalidArgumentError("installments", f"a plan has at most "
                                       f"{MAX_INSTALLMENTS} installments", received=count)
        self._frequency()
        self._basis()

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        how = parse_enum(ReAgeInterestHandling, self.interest_handling,
                         argument="interest_handling")
        start = parse_date(self.start, argument="start")
        if start <= pos.as_of:
            raise InvalidArgumentError("start", "the first re-aged installment must fall "
                                       f"due after the re-age date ({pos.as_of.isoformat()})",
                                       received=start.isoformat())
        count = self.installments  # checked when the change was built
        freq = self._frequency()
        year, thirty = self._basis()
        _no_specials(draft, "a re-age")
        try:
            dues = tuple(freq.advance(start, k) for k in range(count))
        except (OverflowError, ValueError):
            raise InvalidArgumentError("installments", "run past the last representable "
                                       "date (9999-12-31)", received=count) from None
        old = pos.original.frequency or Frequency.MONTHLY
        annual = _regular(pos, draft) * old.periods_per_year
        principal, overdue_interest, charges, arrears, capitalized = _fold(draft)
        accrued = _accrued(pos, draft, principal, annual, year, thirty)
        moved = overdue_interest + accrued
        draft = replace(draft, principal=principal, arrears=arrears, capitalized=capitalized,
                        dues=dues, special=(None,) * count, fees=(0,) * count,
                        waived=_plus(draft.waived, "fee", sum(draft.fees)), frequency=freq,
                        reamortize=True)
        if how is ReAgeInterestHandling.EQUAL_AMORTIZATION_PAYABLE_INTEREST:
            # no interest after the re-age; equal shares rounded, the last the rest
            return replace(draft, factors=(Fraction(0),) * count, method="level",
                           spread_interest=draft.spread_interest + moved,
                           spread_fee=draft.spread_fee + charges)
        factors = (_first_factor(pos.as_of, start, freq, annual, year, thirty), *(
            _period_factor(a, b, freq, annual, year, thirty)
            for a, b in itertools.pairwise(dues)))
        method = "split" if draft.method in ("split", "flat") else "level"
        draft = replace(draft, factors=factors, method=method)
        return _moved_first(pos, draft, moved, charges)


def _period_factor(begin: date, end: date, freq: Frequency, annual: Fraction, year: int,
                   thirty: bool) -> Fraction:
    """One whole period's factor: 30-day months (``30 * step`` days a period of months)
    or the actual days, over ``year``."""
    if thirty and freq.unit == "month":
        return annual * 30 * freq.step / year
    return annual * (end - begin).days / year


def _first_factor(as_of: date, start: date, freq: Frequency, annual: Fraction, year: int,
                  thirty: bool) -> Fraction:
    """The factor from the re-age date to the first new due date: whole periods counted
    back from ``start``, and the part of the period the re-age date falls in, pro-rated
    by its actual days (30-day months) or charged by them."""
    if not thirty:
        return annual * (start - as_of).days / year
    factor, end, k = Fraction(0), start, 1
    while True:
        begin = freq.advance(start, -k)
        whole = _period_factor(begin, end, freq, annual, year, thirty)
        if begin <= as_of:
            return factor + whole * (end - as_of).days / (end - begin).days
        factor, end, k = factor + whole, begin, k + 1


def _accrued(pos: Position, draft: _Draft, principal: int, annual: Fraction, year: int,
             thirty: bool) -> int:
    """Interest accrued on the outstanding principal from the last due date (or the
    loan's start) to the re-age date, rounded as the plan rounds interest."""
    past = [d for d in pos.original.due_dates if d <= pos.as_of]
    begin = past[-1] if past else pos.opened
    if begin >= pos.as_of or not principal or not annual:
        return 0
    if thirty:
        freq = pos.original.frequency or Frequency.MONTHLY
        ahead = [d for d in pos.original.due_dates if d > pos.as_of]
        end = ahead[0] if ahead else freq.advance(begin, 1)
        share = _period_factor(begin, end, freq, annual, year, thirty) * (
            pos.as_of - begin).days / (end - begin).days
    else:
        share = annual * (pos.as_of - begin).days / year
    exact = principal * share
    mode = pos.original.rounding_policy.interest
    return round_ratio(exact.numerator, exact.denominator, mode)


re_amortize = _one(ReAmortize)
"""One :class:`ReAmortize` applied by :func:`restructure`: ``re_amortize(loan, **fields,
as_of=..., payments=..., terms=..., history=...)`` takes its fields as keywords."""
fineract_re_age = _one(FineractReAge)
"""One :class:`FineractReAge` applied by :func:`restructure`: ``fineract_re_age(loan, **fields,
as_of=..., payments=..., terms=..., history=...)`` takes its fields as keywords."""
