"""PrecomputedLoan: the loan, its constructors and its Regulation Z amounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .._context import LIBRARY_CONTEXT
from ..calendar import Frequency, parse_date
from ..errors import InvalidArgumentError, InvalidTermsError
from ..money import Currency, format_money, parse_money
from ..plans import MAX_INSTALLMENTS, Plan
from ..rates import parse_rate
from ..rounding import RoundingPolicy, round_ratio
from ..schedule import Schedule
from ._actuarial import _SCALE, _Actuarial, _solve_actuarial
from ._inputs import _not_whole, _plan_terms, _policy, _whole_count, _years
from ._methods import EarnedRounding, EarningMethod

if TYPE_CHECKING:
    from ._earnings import Earnings


@dataclass(frozen=True, slots=True, kw_only=True)
class PrecomputedLoan:
    """A loan whose finance charge was fixed at signing. Build one with :meth:`add_on`,
    :meth:`from_level_payment` or :meth:`from_schedule`.

    Amounts are integer minor units of ``currency``.

    Parameters
    ----------
    principal
        The amount financed, minor units.
    payments
        The installments, minor units, in order; they add up to the total of payments,
        the amount financed plus the finance charge.
    currency, start, due_dates, frequency
        The currency, the date of signing (the advance), the due dates (one per payment,
        strictly increasing, none before ``start``) and the payment frequency.
    rounding
        :class:`~bnpl_restructure.rounding.RoundingPolicy`: ``interest`` rounds the
        finance charge of an add-on rate and every earned or unearned amount,
        ``payment`` / ``residual`` / ``increment`` split the total of payments.
    add_on_rate
        The annual add-on rate the finance charge was computed from, if any (exact).

    Raises
    ------
    InvalidArgumentError
        For a field of the wrong type or out of range, naming it; ``InvalidTermsError``
        when the payments add up to less than the principal (a negative finance charge)
        or the due dates are out of order.

    Examples
    --------
    >>> loan = PrecomputedLoan.from_level_payment("1122.00", payment="100.00",
    ...                                           installments=12, start="2024-01-31",
    ...                                           currency="USD")
    >>> loan
    <PrecomputedLoan USD 1,122.00 · finance charge 78.00 · 12 × 100.00 monthly \
2024-02-29..2025-01-31 · total of payments 1,200.00>
    >>> loan.earnings(method="rule_of_78").rebate(after_installments=3)
    Decimal('45.00')
    """

    principal: int
    payments: tuple[int, ...]
    currency: Currency
    start: date
    due_dates: tuple[date, ...]
    frequency: Frequency = Frequency.MONTHLY
    rounding: RoundingPolicy = field(default_factory=RoundingPolicy)
    add_on_rate: Fraction | None = None
    _actuarial: _Actuarial | None = field(default=None, init=False, repr=False,
                                          compare=False)

    def __post_init__(self) -> None:
        if type(self.principal) is not int or self.principal <= 0:
            raise InvalidArgumentError("principal", "must be a positive int of minor units "
                                       "(the constructors take major units)",
                                       received=self.principal)
        if not isinstance(self.payments, tuple) or not self.payments:
            raise InvalidArgumentError("payments", "must be a non-empty tuple of ints of "
                                       "minor units", received=self.payments)
        _whole_count(len(self.payments), argument="installments", low=1,
                     high=MAX_INSTALLMENTS)
        for k, payment in enumerate(self.payments):
            if type(payment) is not int or payment < 0:
                raise InvalidArgumentError(f"payments[{k}]", "must be a non-negative int of "
                                           "minor units", received=payment)
        object.__setattr__(self, "currency", Currency.of(self.currency))
        object.__setattr__(self, "start", parse_date(self.start, argument="start"))
        object.__setattr__(self, "frequency", Frequency.parse(self.frequency))
        if not isinstance(self.rounding, RoundingPolicy):
            raise InvalidArgumentError("rounding", "must be a RoundingPolicy",
                                       received=self.rounding)
        if isinstance(self.due_dates, str) or not isinstance(self.due_dates, Iterable):
            raise InvalidArgumentError("due_dates", "must be a sequence of dates",
                                       received=self.due_dates)
        dates = tuple(parse_date(d, argument=f"due_dates[{k}]")
                      for k, d in enumerate(self.due_dates))
        if len(dates) != len(self.payments):
            raise InvalidArgumentError("due_dates", f"must have one date per payment "
                                       f"({len(self.payments)})", received=len(dates))
        if dates[0] < self.start:
            raise InvalidTermsError("due_dates[0]", f"must not be before start "
                                    f"({self.start.isoformat()})",
                                    received=dates[0].isoformat())
        for k in range(1, len(dates)):
            if dates[k] <= dates[k - 1]:
                raise InvalidTermsError(f"due_dates[{k}]", "due dates must strictly increase",
                                        received=dates[k].isoformat())
        object.__setattr__(self, "due_dates", dates)
        if sum(self.payments) < self.principal:
            raise InvalidTermsError(
                "payments", f"must add up to at least the principal "
                f"{format_money(self.principal, self.currency)} (a finance charge cannot "
                "be negative)", received=format_money(sum(self.payments), self.currency))
        if self.add_on_rate is not None and (type(self.add_on_rate) is not Fraction
                                             or self.add_on_rate < 0):
            raise InvalidArgumentError("add_on_rate", "must be None or a non-negative "
                                       "fractions.Fraction", received=self.add_on_rate)

    # ------------------------------------------------------------------ constructors

    @classmethod
    def add_on(cls, principal: Any, *, add_on_rate: Any, installments: int | str,
               start: Any, years: Any = None, first_due: Any = None,
               frequency: Any = "monthly", currency: Any = "CNY",
               rounding: RoundingPolicy | None = None) -> PrecomputedLoan:
        """An add-on loan: finance charge = principal × add-on rate × years.

        Parameters
        ----------
        principal
            The amount financed in major units (``"1700.00"``, ``Decimal``, ``int``).
        add_on_rate
            The annual add-on rate as a fraction (``"0.12"`` or ``"12%"``), charged on the
            *original* principal for the whole term.
        installments
            Number of installments, 1 to 2,600 (an int, or its digits as text).
        start
            Date of signing (the advance).
        years
            The term in years the rate is charged for; default ``installments`` divided
            by the frequency's periods per year (18 monthly installments: 1.5 years).
        first_due, frequency, currency
            As in :meth:`~bnpl_restructure.plans.Plan.annuity`: the due dates are that
            plan's, anchored on ``start`` (or on ``first_due``).
        rounding
            :class:`~bnpl_restructure.rounding.RoundingPolicy`; the charge is rounded
            once by its ``interest`` mode, and the total of payments is split into equal
            installments with the leftover minor units on the ``residual`` installment (in
            multiples of ``increment`` if one is set).

        Raises
        ------
        InvalidArgumentError
            Naming ``principal``, ``add_on_rate``, ``installments``, ``years``, ``start``,
            ``first_due``, ``frequency``, ``currency`` or ``rounding``.

        Examples
        --------
        The Wikipedia example: a finance charge of 3,000 on 10,000 lent, 13,000 owed.

        >>> loan = PrecomputedLoan.add_on("10000", add_on_rate="0.10", years=3,
        ...                               installments=36, start="2024-01-01",
        ...                               currency="USD")
        >>> loan.finance_charge, loan.total_of_payments, loan.level_payment
        (Decimal('3000.00'), Decimal('13000.00'), Decimal('361.11'))
        >>> loan.payments[-1]
        36115
        """
        terms = _plan_terms(principal, installments=installments, start=start,
                            first_due=first_due, frequency=frequency, currency=currency)
        policy = _policy(rounding, terms.currency)
        rate = parse_rate(add_on_rate, argument="add_on_rate")
        n = len(terms.due_dates)
        term_years = n / terms.frequency.periods_per_year if years is None else _years(years)
        exact = terms.principal * rate * term_years
        charge = round_ratio(exact.numerator, exact.denominator, policy.interest)
        payments = policy.split(terms.principal + charge, n,
                                increment=policy.increment_in(terms.currency))
        return cls(principal=terms.principal, payments=tuple(payments),
                   currency=terms.currency, start=terms.start, due_dates=terms.due_dates,
                   frequency=terms.frequency, rounding=policy, add_on_rate=rate)

    @classmethod
    def from_level_payment(cls, principal: Any, *, payment: Any, installments: int | str,
                           start: Any, first_due: Any = None, frequency: Any = "monthly",
                           currency: Any = "CNY",
                           rounding: RoundingPolicy | None = None) -> PrecomputedLoan:
        """A loan of ``installments`` equal payments: finance charge = installments ×
        payment − principal.

        Parameters are those of :meth:`add_on`, with ``payment`` (major units) instead of
        the rate.

        Raises
        ------
        InvalidTermsError
            ``argument="payment"`` when the payments add up to less than the principal.

        Examples
        --------
        >>> loan = PrecomputedLoan.from_level_payment("1000", payment="329.23",
        ...     installments=4, frequency="annual", start="2024-01-01", currency="USD")
        >>> loan.finance_charge, loan.periodic_rate
        (Decimal('316.92'), Decimal('0.1199936021426518590525345564'))
        """
        terms = _plan_terms(principal, installments=installments, start=start,
                            first_due=first_due, frequency=frequency, currency=currency)
        policy = _policy(rounding, terms.currency)
        level = parse_money(payment, terms.currency, argument="payment")
        n = len(terms.due_dates)
        if n * level < terms.principal:
            raise InvalidTermsError(
                "payment", f"times {n} installments must be at least the principal "
                f"{format_money(terms.principal, terms.currency)} (a finance charge cannot "
                "be negative)", received=payment)
        return cls(principal=terms.principal, payments=(level,) * n, currency=terms.currency,
                   start=terms.start, due_dates=terms.due_dates, frequency=terms.frequency,
                   rounding=policy)

    @classmethod
    def from_schedule(cls, schedule: Schedule | Plan, *,
                      rounding: RoundingPolicy | None = None) -> PrecomputedLoan:
        """The precomputed loan of a plan's schedule: finance charge = total of payments −
        amount financed (interest and fees).

        Parameters
        ----------
        schedule
            A whole :class:`~bnpl_restructure.schedule.Schedule` of a new plan (from its
            first installment, nothing capitalized, waived or forgiven), or a
            :class:`~bnpl_restructure.plans.Plan` (its schedule is used): an annuity whose
            interest is precomputed, or a flat-fee plan whose fees are the charge.
        rounding
            Default: the plan's rounding policy, else ``RoundingPolicy()``.

        Raises
        ------
        InvalidArgumentError
            ``argument="schedule"`` for anything else, naming what is wrong.

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> plan = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
        ...                      start="2024-01-10")
        >>> loan = PrecomputedLoan.from_schedule(plan)
        >>> loan.finance_charge, loan.earnings(method="straight_line").earned_in(1)
        (Decimal('72.00'), Decimal('6.00'))
        """
        source = schedule
        if isinstance(schedule, Plan):
            schedule = schedule.schedule()
        if not isinstance(schedule, Schedule):
            raise InvalidArgumentError("schedule", "must be a Schedule or a Plan, not "
                                       + type(schedule).__name__, received=schedule)
        problem = _not_whole(schedule)
        if problem:
            raise InvalidArgumentError("schedule", "must be the whole schedule of a new plan "
                                       f"({problem})", received=repr(schedule))
        if rounding is None:
            plan = source if isinstance(source, Plan) else schedule.source
            rounding = plan.rounding if isinstance(plan, Plan) else RoundingPolicy()
        return cls(principal=schedule.principal, payments=schedule.payment,
                   currency=schedule.currency, start=schedule.start,
                   due_dates=schedule.due_dates,
                   frequency=schedule.frequency or Frequency.MONTHLY,
                   rounding=_policy(rounding, schedule.currency))

    # -------------------------------------------------------------------- measures

    def _major(self, minor: int) -> Decimal:
        return self.currency.to_major(minor)

    @property
    def installments(self) -> int:
        """Number of installments."""
        return len(self.payments)

    @property
    def amount_financed(self) -> Decimal:
        """The amount financed (Regulation Z's term), major units."""
        return self._major(self.principal)

    @property
    def finance_charge(self) -> Decimal:
        """The finance charge fixed at signing: total of payments − amount financed."""
        return self._major(self._charge)

    @property
    def _charge(self) -> int:
        return sum(self.payments) - self.principal

    @property
    def total_of_payments(self) -> Decimal:
        """The sum of the installments, major units."""
        return self._major(sum(self.payments))

    @property
    def level_payment(self) -> Decimal:
        """The regular installment: the one most installments have (the first on a tie)."""
        return self._major(self._level)

    @property
    def _level(self) -> int:
        payments = self.payments
        return max(payments, key=payments.count)

    @property
    def maturity(self) -> date:
        """The last due date."""
        return self.due_dates[-1]

    @property
    def term_months(self) -> int:
        """The term in calendar months from :attr:`start` to the last due date, a part
        month counted as a whole one (what 15 U.S.C. § 1615(b) measures).

        Examples
        --------
        >>> loan = PrecomputedLoan.add_on("1000", add_on_rate="0.1", installments=61,
        ...                               start="2024-01-31")
        >>> loan.term_months, loan.maturity.isoformat()
        (61, '2029-02-28')
        """
        start, maturity = self.start, self.due_dates[-1]
        months = (maturity.year - start.year) * 12 + maturity.month - start.month
        monthly = Frequency.MONTHLY
        while months > 0 and monthly.advance(start, months - 1) >= maturity:
            months -= 1
        while monthly.advance(start, months) < maturity:
            months += 1
        return months

    @property
    def periodic_rate(self) -> Decimal:
        """The loan's own rate per period: the rate at which the payments, one per period,
        repay the amount financed (its IRR; ``Σ payment[k] / (1 + r)^k = amount
        financed``), to 28 significant digits. The actuarial method earns the finance
        charge at this rate."""
        solved = self._solved()
        if solved.exact_v is not None:
            rate = 1 / solved.exact_v - 1
            return LIBRARY_CONTEXT.divide(Decimal(rate.numerator), Decimal(rate.denominator))
        return LIBRARY_CONTEXT.divide(Decimal(_SCALE - solved.scaled_v),
                                      Decimal(solved.scaled_v))

    def _solved(self) -> _Actuarial:
        """The actuarial rate and balances, solved once (the loan is immutable)."""
        if self._actuarial is None:
            object.__setattr__(self, "_actuarial",
                               _solve_actuarial(self.principal, self.payments))
        assert self._actuarial is not None
        return self._actuarial

    # ------------------------------------------------------------- earned / unearned

    def earnings(self, *, method: EarningMethod | str = EarningMethod.ACTUARIAL,
                 earned_rounding: EarnedRounding | str = EarnedRounding.CUMULATIVE,
                 allow_rule_of_78_over_61_months: bool = False) -> Earnings:
        """The finance charge split into earned and unearned amounts by installment.

        Parameters
        ----------
        method
            :class:`EarningMethod`: ``"actuarial"`` (default), ``"rule_of_78"`` or
            ``"straight_line"``.
        earned_rounding
            :class:`EarnedRounding`: ``"cumulative"`` (default) or ``"each"``.
        allow_rule_of_78_over_61_months
            Allow the rule of 78 on a term of more than 61 months, which 15 U.S.C.
            § 1615(b) prohibits for US consumer credit: only for a loan the statute does
            not govern.

        Raises
        ------
        InvalidArgumentError
            ``method`` or ``earned_rounding`` is unknown;
            ``allow_rule_of_78_over_61_months`` is not True or False.
        InvalidTermsError
            ``argument="method"`` for the rule of 78 on a term over 61 months (without the
            override); ``argument="earned_rounding"`` when rounding each share on its own
            overshoots the charge by more than the residual installment's share.

        Examples
        --------
        >>> loan = PrecomputedLoan.add_on("10000", add_on_rate="0.05", installments=72,
        ...                               start="2024-01-01", currency="USD")
        >>> loan.earnings(method="rule_of_78")
        Traceback (most recent call last):
        ...
        bnpl_restructure.errors.InvalidTermsError: method: the rule of 78 is prohibited...
        >>> loan.earnings(method="rule_of_78",
        ...               allow_rule_of_78_over_61_months=True).rebate(after_installments=12)
        Decimal('2089.04')
        """
        from ._earnings import Earnings  # imports this module: import it when used

        return Earnings(loan=self, method=EarningMethod.parse(method),
                        earned_rounding=EarnedRounding.parse(earned_rounding),
                        allow_rule_of_78_over_61_months=allow_rule_of_78_over_61_months)

    def rebate(self, *, after_installments: int,
               method: EarningMethod | str = EarningMethod.ACTUARIAL,
               allow_rule_of_78_over_61_months: bool = False) -> Decimal:
        """The unearned finance charge after ``after_installments`` installments were paid:
        the rebate on a payoff at that point, before any legal adjustment.
        ``earnings(method=...).rebate(after_installments=k)``.

        Raises
        ------
        InvalidArgumentError
            ``after_installments`` is not a whole number from 0 to the number of
            installments; ``method`` is unknown; ``allow_rule_of_78_over_61_months`` is not a
            bool.
        InvalidTermsError
            ``method``: the rule of 78 on a term over 61 months without the override.
        """
        return self.earnings(method=method,
                             allow_rule_of_78_over_61_months=allow_rule_of_78_over_61_months
                             ).rebate(after_installments=after_installments)

    def payoff(self, *, after_installments: int,
               method: EarningMethod | str = EarningMethod.ACTUARIAL,
               allow_rule_of_78_over_61_months: bool = False) -> Decimal:
        """The payments still scheduled after ``after_installments`` installments, less the
        rebate. ``earnings(method=...).payoff(after_installments=k)``.

        Raises
        ------
        InvalidArgumentError
            ``after_installments`` is not a whole number from 0 to the number of
            installments; ``method`` is unknown; ``allow_rule_of_78_over_61_months`` is not a
            bool.
        InvalidTermsError
            ``method``: the rule of 78 on a term over 61 months without the override.
        """
        return self.earnings(method=method,
                             allow_rule_of_78_over_61_months=allow_rule_of_78_over_61_months
                             ).payoff(after_installments=after_installments)

    # ----------------------------------------------------------------- presentation

    def __repr__(self) -> str:
        fmt = self._fmt
        level = self._level
        others = sum(1 for p in self.payments if p != level)
        shape = f"{self.installments} × {fmt(level)}"
        if others:
            shape += f" ({others} other{'s' if others > 1 else ''})"
        return (f"<PrecomputedLoan {self.currency.code} {fmt(self.principal)} · finance "
                f"charge {fmt(self._charge)} · {shape} {self.frequency.name} "
                f"{self.due_dates[0].isoformat()}..{self.due_dates[-1].isoformat()} · total "
                f"of payments {fmt(sum(self.payments))}>")

    def _fmt(self, minor: int) -> str:
        return format_money(minor, self.currency)

    def to_text(self) -> str:
        """The actuarial earnings table (:meth:`earnings` for the other methods)."""
        return self.earnings().to_text()

    def _repr_html_(self) -> str:
        return self.earnings()._repr_html_()

