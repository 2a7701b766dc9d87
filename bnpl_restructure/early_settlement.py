"""Early settlement: the UK 2004 statutory rebate, and one entry point for every rebate method.

:func:`uk_2004_settlement` computes the rebate of charges for credit that the Consumer
Credit (Early Settlement) Regulations 2004 (SI 2004/1483) require on the early settlement of
a regulated consumer credit agreement in the United Kingdom, with the deferral of the
settlement date that regulation 6 allows the creditor, and the amount the debtor pays.
:func:`_rebate_minor` is the one internal entry point the servicing module calls for a
payoff quote under any method: ``"uk_2004"`` here, ``"actuarial"``, ``"rule_of_78"`` and
``"straight_line"`` in :mod:`~bnpl_restructure.precomputed`.

The UK rebate (SI 2004/1483 reg 4(1))
-------------------------------------
The rebate is "the difference between the total amount of the repayments of credit that
would fall due for payment after the settlement date if early settlement did not take
place and the amount given by the following formula"::

    Σ_{i=1..m} A_i (1 + r)^{a_i}  −  Σ_{j=1..n} B_j (1 + r)^{b_j}

with ``A_i`` the advances of credit and ``B_j`` the repayments of credit made before the
settlement date, ``a_i`` / ``b_j`` the time from each to the settlement date, and ``r`` the
APR. The formula is the value *at the settlement date*, at the APR, of what was advanced
less what was repaid: the actuarial balance then. So the rebate is the repayments still to
fall due less that balance, and, when ``r`` is the agreement's own APR, exactly the
repayments after the settlement date less their present value at the APR.

Here, the advance is the amount of credit (``schedule.principal``) on ``schedule.start``
(the relevant date); the repayments are the installments (they include every charge in the
total charge for credit: reg 1(4)); a repayment due on the settlement date counts as made
before it (its time is 0, so it changes the amount payable but not the rebate).

Time is counted as the regulations' Schedule counts it: in whole calendar months back from
the settlement date, each one twelfth of a year ("The instalments are exact numbers of
calendar months from the settlement date and the periods are calculated in months, counting
each month equal to one-twelfth of a year", Schedule, example 1, as amended), and a
remaining part month in days over 365 (CCD 2008/48/EC Annex I remark (c), which the total
charge for credit rules follow): :attr:`~bnpl_restructure.apr.TimeBasis.EQUAL_MONTHS`, the
default. ``(1 + r)^{a}`` with ``a`` in years of twelve equal months is the same as the
"periodic rate equivalent" of the APR raised to ``a`` in months.

The APR (reg 1(2)) is "the annual percentage rate of charge for credit determined in
accordance with the total charge for credit rules": by default it is solved from the
schedule's own cash flows with :func:`~bnpl_restructure.apr.eu_aprc` (the CCD equation the
rules adopt) on the same time basis and rounded half-up to one decimal place of a
percentage, the figure the agreement discloses and the Schedule uses ("the APR on the loan
required for the calculation of the rebate is 14.0% per annum" for a loan whose unrounded
rate is 13.9994%); ``apr_places=None`` keeps it unrounded, ``apr=`` gives it.

The settlement date and its deferral (regs 5 and 6)
--------------------------------------------------
The caller gives the settlement date (reg 5): the day the debtor settles. Regulation 6
lets the creditor compute the rebate as if settlement took place later: "by a month (or, at
the option of the creditor, 30 days) in the case of agreements for a term of more than a
year" (Explanatory Note to SI 2004/1483). ``deferral`` is ``"one_month"`` (default; the
same day of the next month, clipped to its end), ``"30_days"``, ``"none"`` (``None``), or
a whole number of days from 0 to 30: a shorter deferral gives a larger rebate, which the
regulations allow (reg 2(1): a rebate "at least equal to" the one calculated). On an
agreement of a year or less (the last due date no later than one year after ``start``) no
deferral applies, whatever ``deferral`` says. Installments that fall due between the
settlement date and the deferred date are counted in the formula as repayments made on
their due dates, and the debtor pays them as part of the settlement, as the Schedule's
example does ("the debtor must also pay the 13th repayment").

The amount to settle is every installment not yet paid (``paid_installments``; by default
the installments due on or before the settlement date count as paid) less the rebate.

Rounding
--------
The formula is evaluated with 60 significant digits (``(1 + r)^a`` is irrational for a
part year), its value in minor units rounded to 1e-30 of a minor unit, and the rebate is
then rounded **up** to a whole minor unit (``rounding="up"``): the regulations require a
rebate at least equal to the calculated one (reg 2(1)), so rounding up is in the debtor's
favour and always compliant. The rebate is at least zero and at most both the total charge
for credit and the installments still to fall due after the (deferred) settlement date.
The amount to settle is the unpaid installments less the rounded rebate, exact.

What could not be verified
--------------------------
The full texts of regulations 5 and 6 as in force (after the Consumer Credit (EU Directive)
Regulations 2010, SI 2010/1010) were not available to this library's authors; what is
implemented follows reg 1(2), reg 2(1) and reg 4(1) as quoted above, the Explanatory Note
and the Schedule's examples. In particular: whether a partial settlement or an agreement
under the 2010 regulations is treated differently by reg 6; how "a term of more than a
year" is measured (here: from ``start``, the relevant date, to the last due date); and how
a part month is counted in the Schedule (its original example 1 counts the 28 days after
the 13th installment as 28/30 of a month: 776.90, where day/365 gives 777.46). The "58
days" often quoted is not one rule of the 2004 regulations: it is the 28 days the debtor
has to pay after giving notice (Consumer Credit Act 1974 s. 94, as amended in 2010; and the
28-day settlement date of the Consumer Credit (Settlement Information) Regulations 1983 as
amended by SI 2004/1483) plus the 30-day deferral of reg 6. The 1983 regulations (SI
1983/1562, rule of 78 with a deferral of two months, or one month for terms over five
years) applied only to agreements made before 31 May 2005 and only until 2007 or 2010;
they are not implemented.

References
----------
.. [1] The Consumer Credit (Early Settlement) Regulations 2004, SI 2004/1483
   (https://www.legislation.gov.uk/uksi/2004/1483): reg 1(2) ("the APR", "the settlement
   date"), 1(4), 2(1), 4(1), 5, 6, Schedule; and its Explanatory Note.
.. [2] Directive 2008/48/EC, Annex I, remark (c): a year of 365 days, 52 weeks or twelve
   equal months; the APR to at least one decimal place, rounded half-up.
.. [3] Consumer Credit Act 1974, ss. 94, 95 and 97.

Examples
--------
The Schedule's example 1: £5,000 repaid by 48 monthly installments of £134.57 from one
month after 1 March 2010; the debtor settles on 1 March 2011, after the 12th installment:

>>> from bnpl_restructure.precomputed import PrecomputedLoan
>>> loan = PrecomputedLoan.from_level_payment("5000", payment="134.57", installments=48,
...                                           start="2010-03-01", currency="GBP")
>>> quote = uk_2004_settlement(loan, "2011-03-01")
>>> quote
<UkEarlySettlement GBP settled 2011-03-01, rebate as at 2011-04-01 (one month) · APR \
14.0% · 12 paid, 13 counted · outstanding 4,844.52 − rebate 816.79 = 4,027.73>
>>> quote.rebate, quote.amount_to_settle
(Decimal('816.79'), Decimal('4027.73'))

The rebate is computed as at 1 April 2011 (13 installments counted, 35 still to fall due);
the debtor pays the 13th installment with the settlement. Without the deferral, or with
the creditor's 30 days:

>>> uk_2004_settlement(loan, "2011-03-01", deferral=None).rebate
Decimal('860.53')
>>> uk_2004_settlement(loan, "2011-03-01", deferral="30_days").rebate
Decimal('817.04')
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Context, Decimal
from fractions import Fraction
from typing import Any, Final, NamedTuple

from .apr import TimeBasis, _eu_years, eu_aprc, format_rate
from .calendar import Frequency, parse_date
from .errors import InvalidArgumentError, parse_enum
from .money import Currency, format_money
from .plans import Plan
from .precomputed import EarningMethod, PrecomputedLoan, _not_whole
from .rates import parse_rate
from .rounding import RoundingMode, round_ratio
from .schedule import Schedule

__all__ = [
    "MAX_DEFERRAL_DAYS",
    "Deferral",
    "RebateMethod",
    "UkEarlySettlement",
    "uk_2004_settlement",
]

MAX_DEFERRAL_DAYS: Final[int] = 30
"""The longest deferral in days: reg 6's 30-day option (a shorter one favours the debtor)."""

_DIGITS: Final[int] = 60  # significant digits of the formula's evaluation
_NOISE: Final[Decimal] = Decimal("1e-30")  # of a minor unit, below which digits are dropped


class Deferral(enum.Enum):
    """How far regulation 6 of SI 2004/1483 defers the settlement date for the rebate.

    ``ONE_MONTH``: to the same day of the next month (clipped to the month's end).
    ``THIRTY_DAYS``: by 30 days, at the creditor's option. ``NONE``: not deferred.
    A whole number of days from 0 to 30 may be given instead of a member.
    """

    ONE_MONTH = "one_month"
    THIRTY_DAYS = "30_days"
    NONE = "none"

    @classmethod
    def parse(cls, value: Any, *, argument: str = "deferral") -> Deferral | int:
        """A member, its value, ``None`` (no deferral) or whole days 0 to 30; an error
        names ``argument`` (``"rebate_deferral"`` for servicing terms).

        Raises
        ------
        InvalidArgumentError
            Naming ``argument``: not a member, its value or name, None, or whole days from 0
            to 30.
        """
        if value is None:
            return cls.NONE
        if isinstance(value, int) and not isinstance(value, bool):
            if not 0 <= value <= MAX_DEFERRAL_DAYS:
                raise InvalidArgumentError(
                    argument, "must be 'one_month', '30_days', 'none' or whole days from 0 "
                    f"to {MAX_DEFERRAL_DAYS} (SI 2004/1483 reg 6 allows one month or 30 days; "
                    "a shorter deferral favours the debtor)", received=value)
            return value
        return parse_enum(cls, value, argument=argument)


class RebateMethod(enum.Enum):
    """The rebate methods :func:`_rebate_minor` computes.

    ``UK_2004``: SI 2004/1483 reg 4 on dates (this module). ``ACTUARIAL``, ``RULE_OF_78``,
    ``STRAIGHT_LINE``: :class:`~bnpl_restructure.precomputed.EarningMethod` by installments.
    """

    UK_2004 = "uk_2004"
    ACTUARIAL = "actuarial"
    RULE_OF_78 = "rule_of_78"
    STRAIGHT_LINE = "straight_line"


class _Agreement(NamedTuple):
    """An agreement's cash flows, minor units: one advance, then the installments."""

    principal: int
    payments: tuple[int, ...]
    due_dates: tuple[date, ...]
    start: date
    currency: Currency
    loan: PrecomputedLoan | None  # as given, for the installment-count methods
    schedule: Schedule | None


def _agreement(value: Any) -> _Agreement:
    """A :class:`Schedule`, :class:`Plan` or :class:`PrecomputedLoan` read as an agreement."""
    if isinstance(value, PrecomputedLoan):
        return _Agreement(value.principal, value.payments, value.due_dates, value.start,
                          value.currency, value, None)
    schedule = value.schedule() if isinstance(value, Plan) else value
    if not isinstance(schedule, Schedule):
        raise InvalidArgumentError("schedule", "must be a Schedule, a Plan or a "
                                   "PrecomputedLoan, not " + type(value).__name__,
                                   received=value)
    problem = _not_whole(schedule)
    if problem:
        raise InvalidArgumentError("schedule", "must be the whole schedule of an agreement, "
                                   f"from its advance ({problem})", received=repr(schedule))
    return _Agreement(schedule.principal, schedule.payment, schedule.due_dates,
                      schedule.start, schedule.currency, None, schedule)


def _settlement_date(agreement: _Agreement, value: Any) -> date:
    day = parse_date(value, argument="settlement_date")
    if day < agreement.start:
        raise InvalidArgumentError("settlement_date", "must not be before the start of the "
                                   f"agreement ({agreement.start.isoformat()})",
                                   received=day.isoformat())
    if day > agreement.due_dates[-1]:
        raise InvalidArgumentError("settlement_date", "must not be after the last due date "
                                   f"({agreement.due_dates[-1].isoformat()}): nothing is left "
                                   "to settle early", received=day.isoformat())
    return day


def _due_by(agreement: _Agreement, day: date) -> int:
    """How many installments fall due on or before ``day``."""
    return sum(1 for due in agreement.due_dates if due <= day)


def _paid(agreement: _Agreement, value: Any, settlement: date) -> int:
    if value is None:
        return _due_by(agreement, settlement)
    count = len(agreement.payments)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= count:
        raise InvalidArgumentError("paid_installments", f"must be a whole number from 0 to "
                                   f"{count}", received=value)
    return value


def _deferred(agreement: _Agreement, settlement: date, deferral: Deferral | int
              ) -> tuple[date, str]:
    """The date the rebate is computed for (reg 6) and a word for the deferral applied."""
    one_year_on = Frequency.MONTHLY.advance(agreement.start, 12)
    if deferral is Deferral.NONE or deferral == 0 or agreement.due_dates[-1] <= one_year_on:
        return settlement, "none"
    if deferral is Deferral.ONE_MONTH:
        return Frequency.MONTHLY.advance(settlement, 1), "one month"
    days = MAX_DEFERRAL_DAYS if deferral is Deferral.THIRTY_DAYS else int(deferral)
    return settlement + timedelta(days=days), f"{days} day{'s' if days > 1 else ''}"


def _solved_apr(agreement: _Agreement, basis: TimeBasis, places: int | None) -> Decimal:
    """The agreement's APR from its own flows (reg 1(2)), rounded half-up to ``places``
    decimals of a percentage unless ``places`` is None."""
    if sum(agreement.payments) == agreement.principal:
        return Decimal(0)
    major = agreement.currency.to_major
    rate = eu_aprc([(agreement.start, major(agreement.principal))],
                   [(d, major(p)) for d, p in zip(agreement.due_dates, agreement.payments,
                                                  strict=True)],
                   time_basis=basis)
    if places is None:
        return rate
    return Decimal(format_rate(rate, places)[:-1]).scaleb(-2)


def _apr_places(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InvalidArgumentError("apr_places", "must be None or a whole number of decimal "
                                   "places of a percentage from 0 to 10", received=value)
    return value


class _Uk2004(NamedTuple):
    """One computation of reg 4 (amounts in minor units)."""

    settlement: date
    deferred: date
    deferral: str
    apr: Decimal
    counted: int
    paid: int
    outstanding: int
    rebate: int


def _uk_2004(agreement: _Agreement, settlement_date: Any, *, deferral: Any, apr: Any,
             apr_places: Any, time_basis: Any, paid_installments: Any,
             rounding: Any) -> _Uk2004:
    """SI 2004/1483 reg 4(1) at the (deferred) settlement date, in minor units."""
    basis = parse_enum(TimeBasis, time_basis, argument="time_basis")
    mode = RoundingMode.parse(rounding, argument="rounding")
    settlement = _settlement_date(agreement, settlement_date)
    deferred, applied = _deferred(agreement, settlement, Deferral.parse(deferral))
    paid = _paid(agreement, paid_installments, settlement)
    places = _apr_places(apr_places)
    context = Context(prec=_DIGITS)
    if apr is None:
        annual = _solved_apr(agreement, basis, places)
    else:
        given = parse_rate(apr, argument="apr")
        annual = context.divide(given.numerator, given.denominator)
    counted = _due_by(agreement, deferred)
    payments = agreement.payments
    charge = sum(payments) - agreement.principal
    after = sum(payments[counted:])
    log_growth = context.ln(context.add(1, annual))

    def grown(amount: int, when: date) -> Decimal:
        years = _eu_years(when, deferred, basis) if when <= deferred else Fraction(0)
        exponent = context.divide(context.multiply(log_growth, years.numerator),
                                  years.denominator)
        return context.multiply(amount, context.exp(exponent))

    balance = grown(agreement.principal, agreement.start)
    for k in range(counted):
        balance = context.subtract(balance, grown(payments[k], agreement.due_dates[k]))
    exact = context.subtract(after, balance).quantize(_NOISE, context=context)
    rebate = round_ratio(*exact.as_integer_ratio(), mode) if charge else 0
    rebate = min(max(rebate, 0), charge, after)
    return _Uk2004(settlement, deferred, applied,
                   context.plus(annual).normalize(context) if annual else Decimal(0),
                   counted, paid, sum(payments[paid:]), rebate)


@dataclass(frozen=True, slots=True, kw_only=True)
class UkEarlySettlement:
    """An early settlement under SI 2004/1483, money in major units. Built by
    :func:`uk_2004_settlement`.

    Attributes
    ----------
    currency
        The agreement's currency.
    settlement_date
        The day the debtor settles (reg 5).
    deferred_date
        The date the rebate is computed for: the settlement date deferred under reg 6, or
        the settlement date itself when no deferral applies.
    deferral
        The deferral applied: ``"one month"``, ``"30 days"``, ``"N days"`` or ``"none"``.
    annual_percentage_rate
        The APR ``r`` used in reg 4, as a fraction (``Decimal('0.14')`` is 14%).
    installments_counted
        ``n`` of reg 4: the installments due on or before the deferred date, counted as
        repayments made on their due dates.
    installments_paid
        The installments the debtor has already paid.
    outstanding
        The installments not yet paid, their total.
    rebate
        The rebate of charges for credit (reg 4), rounded as documented (up by default).
    amount_to_settle
        ``outstanding − rebate``: what the debtor pays on the settlement date.
    """

    currency: Currency
    settlement_date: date
    deferred_date: date
    deferral: str
    annual_percentage_rate: Decimal
    installments_counted: int
    installments_paid: int
    outstanding: Decimal
    rebate: Decimal
    amount_to_settle: Decimal

    def __repr__(self) -> str:
        def fmt(amount: Decimal) -> str:
            minor = int(amount.scaleb(self.currency.exponent))
            return format_money(minor, self.currency)

        when = (f"rebate as at {self.deferred_date.isoformat()} ({self.deferral})"
                if self.deferred_date != self.settlement_date else "not deferred")
        return (f"<UkEarlySettlement {self.currency.code} settled "
                f"{self.settlement_date.isoformat()}, {when} · APR "
                f"{format_rate(self.annual_percentage_rate, 1)} · "
                f"{self.installments_paid} paid, {self.installments_counted} counted · "
                f"outstanding {fmt(self.outstanding)} − rebate {fmt(self.rebate)} = "
                f"{fmt(self.amount_to_settle)}>")


def uk_2004_settlement(schedule: Schedule | Plan | PrecomputedLoan, settlement_date: Any, *,
                       deferral: Deferral | str | int | None = Deferral.ONE_MONTH,
                       apr: Any = None, apr_places: int | None = 1,
                       time_basis: TimeBasis | str = TimeBasis.EQUAL_MONTHS,
                       paid_installments: int | None = None,
                       rounding: RoundingMode | str = RoundingMode.UP) -> UkEarlySettlement:
    """The rebate and the amount to settle on early settlement under SI 2004/1483.

    Parameters
    ----------
    schedule
        The agreement: the whole :class:`~bnpl_restructure.schedule.Schedule` of a plan
        (from its advance), a :class:`~bnpl_restructure.plans.Plan`, or a
        :class:`~bnpl_restructure.precomputed.PrecomputedLoan`. Its installments are the
        repayments of credit, charges included (reg 1(4)).
    settlement_date
        The day the debtor settles (reg 5), from ``start`` to the last due date.
    deferral
        Regulation 6: ``"one_month"`` (default), ``"30_days"``, ``"none"`` / ``None``, or
        whole days 0 to 30. Not applied to an agreement of a year or less.
    apr
        The APR ``r`` of reg 4 as a fraction or a percentage (``"14%"``); default: solved
        from the agreement's flows (:func:`~bnpl_restructure.apr.eu_aprc`, ``time_basis``)
        and rounded half-up to ``apr_places`` decimals of a percentage.
    apr_places
        Decimals of the percentage the solved APR is rounded to: 1 (default, as
        disclosed), or ``None`` for the unrounded rate. Ignored when ``apr`` is given.
    time_basis
        :class:`~bnpl_restructure.apr.TimeBasis` of ``a_i`` and ``b_j`` (and of the solved
        APR): ``"equal_months"`` (default, as the Schedule counts), ``"calendar"`` or
        ``"weeks"``.
    paid_installments
        How many installments the debtor has paid; default: those due on or before the
        settlement date. Only the amount to settle depends on it.
    rounding
        :class:`~bnpl_restructure.rounding.RoundingMode` of the rebate to minor units;
        ``"up"`` (default) never gives less than the regulations' rebate (reg 2(1)).

    Returns
    -------
    UkEarlySettlement

    Raises
    ------
    InvalidArgumentError
        Naming ``schedule``, ``settlement_date`` (before the start or after the last due
        date), ``deferral``, ``apr``, ``apr_places``, ``time_basis``, ``paid_installments``
        or ``rounding``.

    References
    ----------
    SI 2004/1483, regs 1(2), 1(4), 2(1), 4(1), 5, 6 and the Schedule (module docs; what
    could not be verified is listed there).

    Examples
    --------
    A 12-month plan: no deferral applies (reg 6 is for terms over a year).

    >>> from bnpl_restructure import Plan
    >>> plan = Plan.annuity("1200", annual_rate="0.12", installments=12,
    ...                     start="2024-01-15", currency="GBP")
    >>> quote = uk_2004_settlement(plan, "2024-07-15")
    >>> quote.deferred_date == quote.settlement_date, quote.installments_paid
    (True, 6)
    >>> quote.outstanding - quote.rebate == quote.amount_to_settle
    True
    """
    agreement = _agreement(schedule)
    done = _uk_2004(agreement, settlement_date, deferral=deferral, apr=apr,
                    apr_places=apr_places, time_basis=time_basis,
                    paid_installments=paid_installments, rounding=rounding)
    major = agreement.currency.to_major
    return UkEarlySettlement(
        currency=agreement.currency, settlement_date=done.settlement,
        deferred_date=done.deferred, deferral=done.deferral,
        annual_percentage_rate=done.apr, installments_counted=done.counted,
        installments_paid=done.paid, outstanding=major(done.outstanding),
        rebate=major(done.rebate), amount_to_settle=major(done.outstanding - done.rebate))


def _rebate_minor(schedule: Schedule | Plan | PrecomputedLoan, settlement_date: Any, *,
                  method: RebateMethod | str, paid_installments: int | None = None,
                  allow_rule_of_78_over_61_months: bool = False,
                  deferral: Deferral | str | int | None = Deferral.ONE_MONTH,
                  apr: Any = None, apr_places: int | None = 1,
                  time_basis: TimeBasis | str = TimeBasis.EQUAL_MONTHS,
                  rounding: RoundingMode | str = RoundingMode.UP) -> int:
    """The rebate of charges on an early payoff at ``settlement_date``, in minor units: the
    single entry point servicing calls for a payoff quote.

    Parameters
    ----------
    schedule
        As in :func:`uk_2004_settlement`.
    settlement_date
        The payoff date, from ``start`` to the last due date.
    method
        :class:`RebateMethod`: ``"uk_2004"`` (:func:`uk_2004_settlement`, on dates, with
        ``deferral``, ``apr``, ``apr_places``, ``time_basis`` and ``rounding``), or
        ``"actuarial"``, ``"rule_of_78"``, ``"straight_line"``: the unearned charge of
        :meth:`PrecomputedLoan.earnings <bnpl_restructure.precomputed.PrecomputedLoan.earnings>`
        after ``k`` installments, rounded by the loan's ``rounding.interest``, with its
        15 U.S.C. § 1615(b) refusal of the rule of 78 beyond 61 months (and
        ``allow_rule_of_78_over_61_months``).
    paid_installments
        ``k`` for the installment-count methods; default: the installments due on or
        before ``settlement_date`` (a payoff between due dates earns nothing of the
        current period). For ``"uk_2004"`` it only changes the amount to settle, so it is
        validated and otherwise unused here.

    Returns
    -------
    int
        The rebate in minor units of the agreement's currency, 0 to the finance charge.

    Raises
    ------
    InvalidArgumentError
        Naming ``method`` or an argument of :func:`uk_2004_settlement`;
        :class:`~bnpl_restructure.errors.InvalidTermsError` (``argument="method"``) for the
        rule of 78 on a term over 61 months without the override.

    Examples
    --------
    >>> from bnpl_restructure.precomputed import PrecomputedLoan
    >>> loan = PrecomputedLoan.add_on("1700", add_on_rate="0.12", installments=18,
    ...                               start="2024-01-15", currency="USD")
    >>> _rebate_minor(loan, "2024-04-20", method="rule_of_78")  # after 3 installments
    21474
    >>> _rebate_minor(loan, "2024-04-20", method="actuarial")
    21842
    """
    chosen = parse_enum(RebateMethod, method, argument="method")
    agreement = _agreement(schedule)
    if chosen is RebateMethod.UK_2004:
        return _uk_2004(agreement, settlement_date, deferral=deferral, apr=apr,
                        apr_places=apr_places, time_basis=time_basis,
                        paid_installments=paid_installments, rounding=rounding).rebate
    settlement = _settlement_date(agreement, settlement_date)
    paid = _paid(agreement, paid_installments, settlement)
    loan = agreement.loan
    if loan is None:
        assert agreement.schedule is not None
        loan = PrecomputedLoan.from_schedule(agreement.schedule)
    unearned = loan.earnings(method=EarningMethod.parse(chosen.value),
                             allow_rule_of_78_over_61_months=allow_rule_of_78_over_61_months
                             ).unearned_after(paid)
    return int(unearned.scaleb(agreement.currency.exponent))
