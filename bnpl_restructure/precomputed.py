"""Precomputed (add-on) finance-charge loans: the charge fixed at signing, earned over the term.

In a *precomputed* loan the finance charge is computed once, when the contract is signed,
and added to the amount financed; the borrower owes the total of payments, split into
installments. The charge is either quoted as an **add-on rate** (principal × add-on rate ×
years: 1,700.00 at 12% add-on for 18 months is a charge of 306.00) or follows from a
**level payment** (installments × payment − amount financed). What the lender has *earned*
of that charge after each installment, and so what it must rebate when the loan is paid off
early, is a separate rule, :class:`EarningMethod`:

``ACTUARIAL``
    The charge is earned as interest at the loan's own periodic rate ``r`` (its internal
    rate of return: the rate at which the payments repay the amount financed) on the
    declining actuarial balance ``B``: installment ``k`` earns ``r · B[k-1]``, with
    ``B[0]`` the amount financed and ``B[k] = B[k-1] · (1 + r) − payment[k]``. The
    unearned charge after ``k`` installments is the payments still scheduled less the
    actuarial balance, ``Σ payment[j > k] − B[k]``. For a level payment this is the
    interest column of the annuity at the IRR.
``RULE_OF_78``
    The sum of the digits: with ``n`` installments, installment ``k`` earns
    ``(n − k + 1) / (n (n + 1) / 2)`` of the charge (12/78 of it in the first month of a
    12-month loan, hence the name), so the unearned charge after ``k`` installments is
    ``charge × (n − k)(n − k + 1) / (n (n + 1))``. It front-loads the charge beyond the
    actuarial method: the rebate is smaller.
``STRAIGHT_LINE``
    Equal shares, ``charge / n`` each (for comparison; it back-loads the charge).

Exactness
---------
Shares are exact rationals; what is rounded is the **unearned charge after each
installment**, once, by the loan's ``rounding.interest`` mode (half-up by default), and the
amount earned in installment ``k`` is the difference of two consecutive rounded unearned
amounts (:attr:`EarnedRounding.CUMULATIVE`, the default). The rebate is the amount rounded,
not the cumulative earned charge (the finance charge less it), because it is the figure a
lender quotes and the law speaks of: the two roundings agree except at an exact tie, where
half-up rounds the rebate up, as :mod:`~bnpl_restructure.servicing` does; ``interest="up"``
rounds rebates up, in the borrower's favour. So the earned amounts always add
up to the finance charge exactly, the unearned charge after ``k`` installments is the
rebate a lender quotes for a payoff at that point (the same figure
:mod:`~bnpl_restructure.servicing` computes for ``early_payoff="rule_of_78"``), and every
earned amount is within one minor unit of its exact share. Tables in textbooks round each
installment's share on its own instead (:attr:`EarnedRounding.EACH`); their amounts can
differ by a minor unit from the cumulative ones and need not add up, so there the
difference is booked to the installment that ``rounding.residual`` names.

The actuarial rate is solved by Newton's method in fixed-point integers with 60 decimals
(the discount factor ``1 / (1 + r)``); every balance is carried with 60 decimals, so an
unearned amount is within 1e-20 of a minor unit of its exact value. Where that could change
the rounding (an amount within 1e-20 of a rounding boundary), the loan's rate is checked
for being a rational number (the rate of an interest-only or a constructed loan is) and, if
it is, the amount is computed exactly. Only an irrational rate whose unearned amount falls
within 1e-20 of a minor unit of a boundary could round otherwise than the exact value.

Legal limits
------------
In the United States, 15 U.S.C. § 1615(b) requires, for any precomputed consumer credit
transaction with a term exceeding 61 months (consummated after September 30, 1993), a
refund "based on a method which is at least as favorable to the consumer as the actuarial
method": the rule of 78 is prohibited there. :meth:`PrecomputedLoan.earnings` refuses
``method="rule_of_78"`` on such a term with :class:`~bnpl_restructure.errors.InvalidTermsError`
unless ``allow_rule_of_78_over_61_months=True`` says the statute does not govern the loan.
§ 1615(a)(2) requires no refund below $1; rebates here are before any such adjustment.

References
----------
.. [1] 15 U.S.C. § 1615, *Prohibition on use of "Rule of 78's" in connection with mortgage
   refinancings and other consumer loans* (Pub. L. 102-550, title IX, § 933, 1992),
   (a) prompt refund of unearned interest, (b) use of "Rule of 78's" prohibited,
   (d)(1) the actuarial method: a payment "applied first to the accumulated finance charge
   and any remainder is subtracted from, or any deficiency is added to, the unpaid balance
   of the amount financed" (the actuarial balance here).
.. [2] 12 CFR 1026.18(d), (h) (Regulation Z): finance charge, total of payments;
   1026.18(k)(2) and its commentary 18(k)(2)-1.i.A: whether the consumer is entitled to a
   rebate of a precomputed finance charge on prepayment; a refund computed by a method
   less favorable than the actuarial method of § 1615(d) is a penalty to disclose.

Examples
--------
An 18-month add-on loan of 1,700.00 at 12% a year (the Jiskha business-math example, see
``docs/explanation/precomputed-loans.md``):

>>> from bnpl_restructure.precomputed import PrecomputedLoan
>>> loan = PrecomputedLoan.add_on("1700", add_on_rate="0.12", installments=18,
...                               start="2024-01-15", currency="USD")
>>> loan.finance_charge, loan.total_of_payments
(Decimal('306.00'), Decimal('2006.00'))
>>> by_78 = loan.earnings(method="rule_of_78")
>>> by_78.earned_in(1), by_78.earned_in(18), by_78.rebate(after_installments=3)
(Decimal('32.21'), Decimal('1.79'), Decimal('214.74'))
>>> loan.earnings(method="actuarial").rebate(after_installments=3)
Decimal('218.42')
"""

from __future__ import annotations

import enum
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import accumulate
from typing import Any, Final, NamedTuple

from ._context import LIBRARY_CONTEXT
from .calendar import Frequency, parse_date
from .errors import ConvergenceError, InvalidArgumentError, InvalidTermsError, parse_enum
from .money import Currency, format_money, parse_money, to_decimal
from .plans import MAX_INSTALLMENTS, Plan
from .rates import parse_rate
from .rounding import Residual, RoundingMode, RoundingPolicy, round_ratio
from .schedule import Schedule

__all__ = [
    "RULE_OF_78_MAX_TERM_MONTHS",
    "EarnedRounding",
    "EarningMethod",
    "EarningRow",
    "Earnings",
    "PrecomputedLoan",
]

RULE_OF_78_MAX_TERM_MONTHS: Final[int] = 61
"""The longest term, in months, on which 15 U.S.C. § 1615(b) allows the rule of 78."""

_SCALE: Final[int] = 10**60  # fixed point of the actuarial discount factor and balances
_NEAR: Final[int] = 10**40  # within 1e-20 minor units of a rounding boundary (scaled)
_MAX_DENOMINATOR: Final[int] = 10**12  # of a rational discount factor looked for
_MAX_STEPS: Final[int] = 200


class EarningMethod(enum.Enum):
    """How a precomputed finance charge is earned over the installments (module docs).

    ``ACTUARIAL``: as interest at the loan's own rate on the declining actuarial balance.
    ``RULE_OF_78``: by the sum of the digits, ``(n − k + 1) / (n (n + 1) / 2)`` in
    installment ``k``. ``STRAIGHT_LINE``: ``1 / n`` in every installment.
    """

    ACTUARIAL = "actuarial"
    RULE_OF_78 = "rule_of_78"
    STRAIGHT_LINE = "straight_line"

    @classmethod
    def parse(cls, value: Any) -> EarningMethod:
        """Accept a member, its value or its name (``"rule of 78"``), any letter case.

        Raises
        ------
        InvalidArgumentError
            ``method``: not a member or the value or name of one.
        """
        return parse_enum(cls, value, argument="method")


class EarnedRounding(enum.Enum):
    """What is rounded to minor units when the charge is split by installment.

    ``CUMULATIVE`` (default): the unearned charge after each installment, once; an
    installment's earned amount is the difference of two of them, so the amounts add up
    to the finance charge and the rebate after ``k`` installments is the rounded exact
    rebate. ``EACH``: each installment's share on its own, as printed tables do; the
    difference between their sum and the finance charge goes to the installment that
    ``rounding.residual`` names (the last by default).
    """

    CUMULATIVE = "cumulative"
    EACH = "each"

    @classmethod
    def parse(cls, value: Any) -> EarnedRounding:
        """Accept a member or its value, any letter case.

        Raises
        ------
        InvalidArgumentError
            ``earned_rounding``: not a member or the value or name of one.
        """
        return parse_enum(cls, value, argument="earned_rounding")


class EarningRow(NamedTuple):
    """One installment of :attr:`Earnings.rows`, money in major units.

    ``unearned`` is the finance charge not yet earned once installment ``number`` is paid:
    the rebate if the loan is paid off then; ``payoff`` is the payments still scheduled
    less that rebate.
    """

    number: int
    due_date: date
    payment: Decimal
    earned: Decimal
    unearned: Decimal
    payoff: Decimal


class _Actuarial(NamedTuple):
    """The loan's own rate, solved: discount factor ``v = 1 / (1 + r)``."""

    scaled_v: int  # v × _SCALE
    balances: tuple[int, ...]  # actuarial balance after k = 0..n installments, × _SCALE
    exact_v: Fraction | None  # v itself, when it is rational (checked exactly)
    # the exact balance after k = 0..n, as (numerator, denominator), when v is rational
    exact_balances: tuple[tuple[int, int], ...] | None


def _remaining(payments: tuple[int, ...]) -> tuple[int, ...]:
    """The payments still scheduled after k = 0..n installments."""
    return tuple(accumulate(reversed(payments), initial=0))[::-1]


def _discounted(payments: tuple[int, ...], scaled_v: int) -> tuple[list[int], int]:
    """Actuarial balances ``B[k] = (B[k+1] + payment[k+1]) · v`` from the end, in fixed
    point (× ``_SCALE``, each step floored), for k = n .. 0, and the derivative of
    ``B[0]`` in ``v`` (× ``_SCALE``) for Newton's method."""
    balance = slope = 0
    balances = [0]
    for payment in reversed(payments):
        carried = balance + payment * _SCALE
        slope = slope * scaled_v // _SCALE + carried
        balance = carried * scaled_v // _SCALE
        balances.append(balance)
    return balances, slope


def _exact_discounted(payments: tuple[int, ...], v: Fraction) -> list[tuple[int, int]]:
    """The same balances exactly at a rational ``v = a / b``, for k = n .. 0: ``B[k] =
    N[k] / b^(n − k)`` with ``N[k] = (N[k+1] + payment[k+1] · b^(n − k − 1)) · a``, in
    integers (no fraction reduced: one multiplication by a small number per step)."""
    numerator, power = 0, 1
    balances = [(0, 1)]
    for payment in reversed(payments):
        numerator = (numerator + payment * power) * v.numerator
        power *= v.denominator
        balances.append((numerator, power))
    return balances


def _float_discount_factor(principal: int, payments: tuple[int, ...]) -> float:
    """A first ``v`` with ``Σ payment[k] · v^k = principal``, by Newton's method in floats
    from ``v = 1`` (the sum is increasing and convex in ``v``: the iterates decrease to the
    root)."""
    v = 1.0
    for _ in range(_MAX_STEPS):
        value = slope = 0.0
        for payment in reversed(payments):
            slope = slope * v + value + payment
            value = (value + payment) * v
        step = (value - principal) / slope
        v -= step
        if abs(step) <= 1e-15 * v:
            break
    return v


def _solve_actuarial(principal: int, payments: tuple[int, ...]) -> _Actuarial:
    """The discount factor at which the payments repay ``principal`` exactly, to 60
    decimals, and the actuarial balances; exactly too when ``v`` is rational."""
    n = len(payments)
    if sum(payments) == principal:  # no finance charge: rate 0, balance = what is due
        due = _remaining(payments)
        return _Actuarial(_SCALE, tuple(b * _SCALE for b in due), Fraction(1),
                          tuple((b, 1) for b in due))
    scaled = max(int(_float_discount_factor(principal, payments) * _SCALE), 1)
    target = principal * _SCALE
    for _ in range(_MAX_STEPS):
        balances, slope = _discounted(payments, scaled)
        step = (balances[-1] - target) * _SCALE // slope
        scaled -= step
        if abs(step) <= 1:
            break
    else:  # pragma: no cover - Newton on an increasing convex polynomial converges
        raise ConvergenceError("the actuarial rate did not converge")
    balances, _ = _discounted(payments, scaled)
    balances.reverse()
    candidate = Fraction(scaled, _SCALE).limit_denominator(_MAX_DENOMINATOR)
    if abs(candidate * _SCALE - scaled) < n + 2:  # a rational rate? check it exactly
        exact_balances = _exact_discounted(payments, candidate)
        numerator, power = exact_balances[-1]
        if numerator == principal * power:
            exact_balances.reverse()
            return _Actuarial(scaled, tuple(balances), candidate, tuple(exact_balances))
    return _Actuarial(scaled, tuple(balances), None, None)


def _near_boundary(numerator: int, denominator: int) -> bool:
    """Whether ``numerator / denominator`` is within ``_NEAR / _SCALE`` of a multiple of
    one half, where a rounding mode may decide."""
    offset = 2 * numerator % denominator
    tolerance = 2 * _NEAR * denominator // _SCALE
    return offset <= tolerance or denominator - offset <= tolerance


def _round(numerator: int, denominator: int, mode: RoundingMode,
           exact: Callable[[], Fraction] | None) -> int:
    """``numerator / denominator`` rounded; from ``exact()`` instead when the value is an
    approximation close enough to a boundary for the approximation to matter."""
    if exact is not None and _near_boundary(numerator, denominator):
        value = exact()
        return round_ratio(value.numerator, value.denominator, mode)
    return round_ratio(numerator, denominator, mode)


def _whole_count(value: Any, *, argument: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidArgumentError(argument, f"must be a whole number from {low} to {high}",
                                   received=value)
    return value


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


class _Terms(NamedTuple):
    principal: int
    currency: Currency
    start: date
    due_dates: tuple[date, ...]
    frequency: Frequency


def _plan_terms(principal: Any, *, installments: Any, start: Any, first_due: Any,
                frequency: Any, currency: Any) -> _Terms:
    """Principal, currency and due dates as a :class:`~bnpl_restructure.plans.Plan` reads
    them (the same validation and the same anchored dates)."""
    plan = Plan.equal_principal(principal, annual_rate=0, installments=installments,
                                start=start, first_due=first_due, frequency=frequency,
                                currency=currency)
    return _Terms(plan.principal, plan.currency, plan.start, plan.due_dates, plan.frequency)


def _years(value: Any) -> Fraction:
    """A term in years: positive, at most 100 (a ``Fraction`` such as 7/12 as it is)."""
    years = value if isinstance(value, Fraction) else Fraction(to_decimal(value,
                                                                         argument="years"))
    if not 0 < years <= 100:
        raise InvalidArgumentError("years", "must be a positive number of years, at most 100",
                                   received=value)
    return years


def _policy(rounding: Any, currency: Currency) -> RoundingPolicy:
    if rounding is None:
        return RoundingPolicy()
    if not isinstance(rounding, RoundingPolicy):
        raise InvalidArgumentError("rounding", "must be a RoundingPolicy", received=rounding)
    rounding.increment_in(currency)  # a multiple of the currency's minor unit
    return rounding


def _not_whole(schedule: Schedule) -> str:
    """Why ``schedule`` is not the whole schedule of a new plan ('' when it is)."""
    if not schedule.due_dates:
        return "it has no installments"
    if schedule.first_number != 1 or schedule.opening_arrears:
        return f"it starts at installment {schedule.first_number}"
    if any(schedule.capitalized) or any(schedule.waived) or any(schedule.forgiven):
        return "interest capitalized or waived, or principal forgiven, is not precomputed"
    if sum(schedule.principal_paid) != schedule.principal or schedule.balance[-1] != 0:
        return "its principal parts do not repay the principal"
    return ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Earnings:
    """A precomputed loan's finance charge split by installment under one method.

    Build with :meth:`PrecomputedLoan.earnings`. Installment ``k`` runs from 1 to ``n``;
    "after ``k``" means once installments 1 to ``k`` are paid (``k = 0``: at signing).

    Parameters
    ----------
    loan
        The :class:`PrecomputedLoan`.
    method, earned_rounding, allow_rule_of_78_over_61_months
        See :meth:`PrecomputedLoan.earnings`.

    Raises
    ------
    InvalidArgumentError
        ``loan`` is not a :class:`PrecomputedLoan`; ``method`` or ``earned_rounding`` is
        unknown; ``allow_rule_of_78_over_61_months`` is not True or False.
    InvalidTermsError
        ``method``: the rule of 78 on a term over 61 months without the override;
        ``earned_rounding``: rounding each share on its own overshoots the charge.

    Examples
    --------
    >>> loan = PrecomputedLoan.add_on("1000", add_on_rate="0.10", installments=3,
    ...                               start="2024-01-15", currency="USD")
    >>> table = loan.earnings(method="rule_of_78")
    >>> table
    <Earnings rule_of_78: USD finance charge 25.00 over 3 installments, cumulative rounding>
    >>> print(table.to_text())
    #  due date     payment  earned  unearned = rebate    payoff
    ------------------------------------------------------------
    0  2024-01-15                               25.00  1,000.00
    1  2024-02-15    341.66   12.50              12.50    670.84
    2  2024-03-15    341.66    8.33               4.17    337.51
    3  2024-04-15    341.68    4.17               0.00      0.00
    ------------------------------------------------------------
       total       1,025.00   25.00
    """

    loan: PrecomputedLoan
    method: EarningMethod = EarningMethod.ACTUARIAL
    earned_rounding: EarnedRounding = EarnedRounding.CUMULATIVE
    allow_rule_of_78_over_61_months: bool = False
    _unearned: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _remaining: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.loan, PrecomputedLoan):
            raise InvalidArgumentError("loan", "must be a PrecomputedLoan",
                                       received=self.loan)
        method = EarningMethod.parse(self.method)
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "earned_rounding",
                           EarnedRounding.parse(self.earned_rounding))
        if not isinstance(self.allow_rule_of_78_over_61_months, bool):
            raise InvalidArgumentError("allow_rule_of_78_over_61_months", "must be True or "
                                       "False", received=self.allow_rule_of_78_over_61_months)
        months = self.loan.term_months
        if method is EarningMethod.RULE_OF_78 and months > RULE_OF_78_MAX_TERM_MONTHS \
                and not self.allow_rule_of_78_over_61_months:
            raise InvalidTermsError(
                "method", "the rule of 78 is prohibited for a precomputed consumer credit "
                f"transaction with a term exceeding {RULE_OF_78_MAX_TERM_MONTHS} months (15 "
                f"U.S.C. § 1615(b): the refund must be at least as favorable to the consumer "
                f"as the actuarial method); this loan's term is {months} months. Use "
                "method='actuarial', or pass allow_rule_of_78_over_61_months=True for a loan "
                "the statute does not govern", received=method.value)
        object.__setattr__(self, "_remaining", _remaining(self.loan.payments))
        object.__setattr__(self, "_unearned", self._compute())

    def _exact_shares(self) -> tuple[list[int], int, Callable[[int], Fraction] | None]:
        """The unearned charge after k = 0..n installments as numerators over one
        denominator (exact for the rule of 78 and straight line, 60 decimals for the
        actuarial method), and the exact value after k where the numerators are not."""
        loan = self.loan
        charge, n = loan._charge, loan.installments
        if self.method is EarningMethod.RULE_OF_78:
            return [charge * (n - k) * (n - k + 1) for k in range(n + 1)], n * (n + 1), None
        if self.method is EarningMethod.STRAIGHT_LINE:
            return [charge * (n - k) for k in range(n + 1)], n, None
        solved = loan._solved()
        remaining = self._remaining
        numerators = [remaining[k] * _SCALE - solved.balances[k] for k in range(n + 1)]
        numerators[0], numerators[n] = charge * _SCALE, 0  # by definition of the rate
        exact_balances = solved.exact_balances
        if exact_balances is None:
            return numerators, _SCALE, None

        def exact(k: int) -> Fraction:
            numerator, power = exact_balances[k]
            return Fraction(remaining[k] * power - numerator, power)

        return numerators, _SCALE, exact

    def _compute(self) -> tuple[int, ...]:
        """The rounded unearned charge after k = 0..n installments, minor units."""
        loan = self.loan
        mode = loan.rounding.interest
        numerators, denominator, exact = self._exact_shares()
        n = loan.installments

        def at(k: int) -> Callable[[], Fraction] | None:
            return None if exact is None else (lambda: exact(k))

        if self.earned_rounding is EarnedRounding.CUMULATIVE:
            return tuple(_round(numerators[k], denominator, mode, at(k)) for k in range(n + 1))

        def share_exact(k: int) -> Callable[[], Fraction] | None:
            return None if exact is None else (lambda: exact(k - 1) - exact(k))

        earned = [_round(numerators[k - 1] - numerators[k], denominator, mode, share_exact(k))
                  for k in range(1, n + 1)]
        residual_at = -1 if loan.rounding.residual is Residual.LAST else 0
        earned[residual_at] += loan._charge - sum(earned)
        if earned[residual_at] < 0:
            raise InvalidTermsError(
                "earned_rounding", "rounding each installment's share on its own overshoots "
                f"the finance charge {loan._fmt(loan._charge)} by more than the share of the "
                "installment that takes the difference; use earned_rounding='cumulative'",
                received=self.earned_rounding.value)
        unearned = [loan._charge]
        for amount in earned:
            unearned.append(unearned[-1] - amount)
        return tuple(unearned)

    # -------------------------------------------------------------------- measures

    def _after(self, value: Any, argument: str) -> int:
        return _whole_count(value, argument=argument, low=0, high=self.loan.installments)

    @property
    def finance_charge(self) -> Decimal:
        """The finance charge being earned, major units."""
        return self.loan.finance_charge

    @property
    def earned(self) -> tuple[Decimal, ...]:
        """The charge earned in each installment, 1 to ``n``; they add up to the finance
        charge exactly."""
        u = self._unearned
        return tuple(self.loan._major(u[k - 1] - u[k]) for k in range(1, len(u)))

    def earned_in(self, installment: int) -> Decimal:
        """The charge earned in installment ``installment`` (1 to ``n``).

        Raises
        ------
        InvalidArgumentError
            ``installment`` is not a whole number from 1 to the number of installments.
        """
        k = _whole_count(installment, argument="installment", low=1,
                         high=self.loan.installments)
        return self.loan._major(self._unearned[k - 1] - self._unearned[k])

    def unearned_after(self, installments_paid: int) -> Decimal:
        """The charge not yet earned once ``installments_paid`` installments (0 to ``n``)
        are paid: the whole charge at 0, nothing at ``n``.

        Raises
        ------
        InvalidArgumentError
            ``installments_paid`` is not a whole number from 0 to the number of installments.
        """
        return self.loan._major(self._unearned[self._after(installments_paid,
                                                           "installments_paid")])

    def rebate(self, *, after_installments: int) -> Decimal:
        """The rebate of the finance charge on a payoff after ``after_installments``
        installments: the unearned charge then, before any legal adjustment (such as
        15 U.S.C. § 1615(a)(2): no refund below $1).

        Raises
        ------
        InvalidArgumentError
            ``after_installments`` is not a whole number from 0 to the number of installments.
        """
        return self.loan._major(self._unearned[self._after(after_installments,
                                                           "after_installments")])

    def payoff(self, *, after_installments: int) -> Decimal:
        """What pays the loan off after ``after_installments`` installments: the payments
        still scheduled less the rebate (the amount financed at 0, nothing at ``n``; the
        actuarial balance under the actuarial method).

        Raises
        ------
        InvalidArgumentError
            ``after_installments`` is not a whole number from 0 to the number of installments.
        """
        k = self._after(after_installments, "after_installments")
        return self.loan._major(self._remaining[k] - self._unearned[k])

    @property
    def rows(self) -> tuple[EarningRow, ...]:
        """One :class:`EarningRow` per installment."""
        loan, u = self.loan, self._unearned
        major = loan._major
        return tuple(EarningRow(k, loan.due_dates[k - 1], major(loan.payments[k - 1]),
                                major(u[k - 1] - u[k]), major(u[k]),
                                major(self._remaining[k] - u[k]))
                     for k in range(1, loan.installments + 1))

    # ----------------------------------------------------------------- presentation

    def __repr__(self) -> str:
        loan = self.loan
        word = "installment" if loan.installments == 1 else "installments"
        return (f"<Earnings {self.method.value}: {loan.currency.code} finance charge "
                f"{loan._fmt(loan._charge)} over {loan.installments} {word}, "
                f"{self.earned_rounding.value} rounding>")

    def _table(self) -> tuple[list[str], list[list[str]], list[str]]:
        loan, u, fmt = self.loan, self._unearned, self.loan._fmt
        header = ["#", "due date", "payment", "earned", "unearned = rebate", "payoff"]
        body = [["0", loan.start.isoformat(), "", "", fmt(u[0]), fmt(loan.principal)]]
        body += [[str(k), loan.due_dates[k - 1].isoformat(), fmt(loan.payments[k - 1]),
                  fmt(u[k - 1] - u[k]), fmt(u[k]), fmt(self._remaining[k] - u[k])]
                 for k in range(1, loan.installments + 1)]
        total = ["", "total", fmt(sum(loan.payments)), fmt(loan._charge), "", ""]
        return header, body, total

    def to_text(self) -> str:
        """A plain-text table: per installment the payment, the charge earned, the
        unearned charge (the rebate on a payoff then) and the payoff; row 0 is signing."""
        header, body, total = self._table()
        widths = [max(map(len, column)) for column in zip(header, *body, total, strict=True)]

        def line(cells: list[str]) -> str:
            return "  ".join(cell.ljust(width) if i == 1 else cell.rjust(width)
                             for i, (cell, width) in enumerate(zip(cells, widths,
                                                                   strict=True))).rstrip()

        rule = "-" * len(line(header))
        return "\n".join([line(header), rule, *map(line, body), rule, line(total)])

    def __str__(self) -> str:
        return f"{self!r}\n{self.to_text()}"

    def _repr_html_(self) -> str:
        header, body, total = self._table()

        def row(cells: list[str], tag: str) -> str:
            return "<tr>" + "".join(
                f'<{tag} style="text-align:{"left" if i == 1 else "right"}">'
                f"{html.escape(cell)}</{tag}>" for i, cell in enumerate(cells)) + "</tr>"

        return (f"<div><p>{html.escape(repr(self))}</p><table><thead>{row(header, 'th')}"
                "</thead><tbody>" + "".join(row(cells, "td") for cells in body)
                + f"</tbody><tfoot>{row(total, 'th')}</tfoot></table></div>")
