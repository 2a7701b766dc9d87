"""Servicing terms: the contract's rules for grace, penalty interest, late fees,
delinquency buckets, the payment waterfall, overpayments and early payoff.

Every rule is a field of :class:`ServicingTerms`; presets name the products whose rules
they follow and cite where each rule comes from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..daycount import DayCount
from ..errors import InvalidArgumentError, parse_enum
from ..money import to_decimal
from ..rates import parse_rate

__all__ = [
    "COMPONENTS",
    "ChargeDating",
    "Compounding",
    "EarlyPayoff",
    "InterestMethod",
    "LateFee",
    "LateFeeBase",
    "Overpayment",
    "PaymentOrder",
    "PenaltyBase",
    "PenaltyStart",
    "ServicingTerms",
]

#: The money components of an obligation, as named in waterfalls and the ledger:
#: ``charge`` is any named charge added on a date (:class:`~.records.Charge`: a returned
#: payment, an extension or collection fee), ``fee`` the plan's scheduled fees.
COMPONENTS = ("penalty", "late_fee", "charge", "fee", "interest", "principal")


class PenaltyBase(enum.Enum):
    """What penalty interest accrues on.

    ``OVERDUE_INSTALLMENT``: the unpaid principal, interest and fee of each overdue
    installment (应付未付金额; Ant Huabei, JD Baitiao instalments).
    ``UNPAID_PRINCIPAL_AND_FEES``: all unpaid principal (due or not) and unpaid fees of
    the loan while any installment is overdue (JD Baitiao order-system wording).
    ``OVERDUE_PRINCIPAL``: the unpaid principal of each overdue installment.
    """

    OVERDUE_INSTALLMENT = "overdue_installment"
    UNPAID_PRINCIPAL_AND_FEES = "unpaid_principal_and_fees"
    OVERDUE_PRINCIPAL = "overdue_principal"


class PenaltyStart(enum.Enum):
    """From when penalty interest runs once the grace days are over: ``DUE_DATE`` (the
    grace days are charged too) or ``GRACE_END`` (only the days after them)."""

    DUE_DATE = "due_date"
    GRACE_END = "grace_end"


class ChargeDating(enum.Enum):
    """When a penalty or late fee counts as due, which orders it in the waterfall:
    ``INSTALLMENT_DUE_DATE`` (with its installment) or ``CHARGE_DATE`` (its own date)."""

    INSTALLMENT_DUE_DATE = "installment_due_date"
    CHARGE_DATE = "charge_date"


class PaymentOrder(enum.Enum):
    """``HORIZONTAL``: oldest obligation first, each in waterfall order; ``VERTICAL``:
    the first waterfall component across all obligations, then the next."""

    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"


class Overpayment(enum.Enum):
    """What a payment beyond what is due does (when it does not pay the loan off).

    ``CREDIT_NEXT``: pays the next installments early, in order.
    ``PREPAY_SHORTEN``: pays principal; installments keep their amounts and the plan ends
    sooner. ``PREPAY_REDUCE``: pays principal; the remaining installments are re-computed
    over the same due dates (smaller installments).
    """

    CREDIT_NEXT = "credit_next"
    PREPAY_SHORTEN = "prepay_shorten"
    PREPAY_REDUCE = "prepay_reduce"


class EarlyPayoff(enum.Enum):
    """The finance charges (interest and fees of installments not yet due) an early
    payoff owes.

    ``NO_REBATE``: all of them (remaining flat fees all due).
    ``CURRENT_PERIOD``: only those of the period in progress.
    ``ACCRUED_TO_DATE``: the period in progress pro rata by days (actuarial).
    ``RULE_OF_78``: all of them less the sum-of-digits rebate
    ``F × k(k+1) / (n(n+1))`` (F the plan's total finance charge, k installments not yet
    due of n); refused on a term over 61 months (15 U.S.C. § 1615(b)) unless
    ``allow_rule_of_78_over_61_months``.
    ``ACTUARIAL``: all of them less the unearned charge by the actuarial method of
    15 U.S.C. § 1615(d) (the charge earned at the loan's own rate on its declining
    balance; :mod:`bnpl_restructure.precomputed`), for precomputed (add-on, flat-fee)
    loans.
    ``UK_2004``: all of them less the rebate of the UK Consumer Credit (Early
    Settlement) Regulations 2004 (SI 2004/1483 reg 4, with the settlement date deferred
    by ``rebate_deferral``; :mod:`bnpl_restructure.early_settlement`).

    The default is ``ACCRUED_TO_DATE``: a borrower who pays off early owes interest and
    fees only up to the day (EU Consumer Credit Directive 2008/48/EC art. 16(1), the UK
    Consumer Credit (Early Settlement) Regulations 2004 and US state rebate statutes all
    give the borrower that reduction); presets whose products charge otherwise say so.
    """

    NO_REBATE = "no_rebate"
    CURRENT_PERIOD = "current_period"
    ACCRUED_TO_DATE = "accrued_to_date"
    RULE_OF_78 = "rule_of_78"
    ACTUARIAL = "actuarial"
    UK_2004 = "uk_2004"


def _money_or_none(value: Any, argument: str) -> Decimal | None:
    if value is None:
        return None
    amount = to_decimal(value, argument=argument)
    if amount < 0:
        raise InvalidArgumentError(argument, "must not be negative", received=value)
    return amount


def _fraction_of(value: Any, argument: str) -> Fraction:
    return parse_rate(value, argument=argument)


class InterestMethod(enum.Enum):
    """How contractual interest is charged while the loan is serviced.

    ``PRECOMPUTED``: as the schedule computed it, per period, whatever the payment dates
    (add-on and flat-fee installment credit, BNPL plans; paying late costs penalty and
    fees, not interest; paying early saves interest only by the early-payoff rule).
    ``DAILY``: declining-balance simple interest on the actual days between payments
    (Apache Fineract's interest recalculation, US simple-interest installment loans):
    interest accrues each day on the unpaid principal at the annual rate under the day
    count; each installment falls due for its scheduled amount, of which the interest
    accrued since the last one comes first (the rest is principal); an early payment
    saves interest, a late one costs more, and the last installment settles what is left.
    """

    PRECOMPUTED = "precomputed"
    DAILY = "daily"


class Compounding(enum.Enum):
    """Under ``DAILY`` interest, what unpaid interest earns: ``NONE`` (simple interest on
    principal only), ``DUE_DATES`` (interest due and unpaid bears interest, from its due
    date), ``DAILY`` (accrued interest compounds every day)."""

    NONE = "none"
    DUE_DATES = "due_dates"
    DAILY = "daily"


class LateFeeBase(enum.Enum):
    """What a late fee's ``percent`` is a percentage of: the installment's unpaid
    ``PRINCIPAL`` only, its unpaid ``PRINCIPAL_AND_INTEREST``, or the whole unpaid
    ``INSTALLMENT`` (principal, interest and scheduled fee; the default)."""

    PRINCIPAL = "principal"
    PRINCIPAL_AND_INTEREST = "principal_and_interest"
    INSTALLMENT = "installment"


@dataclass(frozen=True, slots=True, kw_only=True)
class LateFee:
    """One late-fee tier: ``amount`` plus ``percent`` of the overdue amount (as
    :attr:`ServicingTerms.late_fee_base` says), charged when an installment is still
    unpaid ``days_past_due`` days after its due date (and never inside its grace days: a
    tier that would fall there is charged on the first day after them), and again every
    ``every`` days while it stays unpaid (``None``: once).

    ``order_at_least`` / ``order_below`` make the tier apply only to loans whose amount
    financed (the order value) is in that range, for fee tables by order value.

    >>> LateFee(days_past_due=1, amount="10", order_below="40")
    LateFee(days_past_due=1, amount=Decimal('10'), percent=Fraction(0, 1), every=None, \
order_at_least=None, order_below=Decimal('40'))

    Raises
    ------
    InvalidArgumentError
        ``late_fee.days_past_due`` or ``late_fee.every`` is not a whole number of at least
        1; ``late_fee.amount`` is negative or not an amount; ``late_fee.percent`` is not a
        rate; ``late_fee.order_at_least`` or ``late_fee.order_below`` is not an amount, or
        the range they make is empty.
    """

    days_past_due: int
    amount: Decimal = Decimal(0)
    percent: Fraction = Fraction(0)
    every: int | None = None
    order_at_least: Decimal | None = None
    order_below: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("days_past_due", "every"):
            value = getattr(self, name)
            if name == "every" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidArgumentError(f"late_fee.{name}", "must be an integer >= 1",
                                           received=value)
        amount = to_decimal(self.amount, argument="late_fee.amount")
        if amount < 0:
            raise InvalidArgumentError("late_fee.amount", "must not be negative",
                                       received=self.amount)
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "percent", _fraction_of(self.percent, "late_fee.percent"))
        for name in ("order_at_least", "order_below"):
            object.__setattr__(self, name, _money_or_none(getattr(self, name),
                                                          f"late_fee.{name}"))
        if self.order_at_least is not None and self.order_below is not None and \
                self.order_below <= self.order_at_least:
            raise InvalidArgumentError("late_fee.order_below", "must be above "
                                       f"order_at_least ({self.order_at_least})",
                                       received=self.order_below)

    def applies_to(self, order_value: Decimal) -> bool:
        """Whether this tier applies to a loan of this amount financed.

        Raises
        ------
        InvalidArgumentError
            ``order_value`` is not an amount (NaN, infinity, text that is not a number).
        """
        order_value = to_decimal(order_value, argument="order_value")
        return (self.order_at_least is None or order_value >= self.order_at_least) and (
            self.order_below is None or order_value < self.order_below)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServicingTerms:
    """The contract's servicing rules (see the module docstring). Amounts are in major
    units of the loan's currency; rates are fractions (``"0.0005"`` is 0.05% a day).

    Use a preset (:meth:`jd_baitiao`, :meth:`ant_huabei`, :meth:`afterpay`,
    :meth:`klarna_uk`, :meth:`us_card`, :meth:`cn_civil_code`) and change what differs
    with :meth:`with_`.

    Raises
    ------
    InvalidArgumentError
        Naming the term: ``name`` not a string; ``grace_days`` (0 to 365) or
        ``max_late_fees`` not a whole number;
        ``penalty_rate``, ``late_fee_cap_percent`` or ``annual_rate`` not a rate; an amount
        negative or not a number; an enum (``penalty_base``, ``order``, ``overpayment``,
        ``early_payoff``, ``late_fee_base``, ``interest``, ...) unknown; ``late_fees`` not
        :class:`LateFee` tiers; ``waterfall`` not ordering each component once;
        ``delinquency_buckets`` not increasing whole days; ``day_count`` not counting days;
        ``rebate_deferral`` not a deferral; a flag not True or False; a term that needs
        another (``annual_rate`` needs ``interest='daily'``).
    """

    name: str = "custom"
    grace_days: int = 0
    penalty_rate: Fraction = Fraction(0)
    penalty_base: PenaltyBase = PenaltyBase.OVERDUE_INSTALLMENT
    penalty_start: PenaltyStart = PenaltyStart.DUE_DATE
    penalty_minimum_per_day: Decimal = Decimal(0)
    count_due_date: bool = False
    count_payment_date: bool = True
    charge_dating: ChargeDating = ChargeDating.INSTALLMENT_DUE_DATE
    late_fees: tuple[LateFee, ...] = ()
    late_fee_cap_per_installment: Decimal | None = None
    late_fee_cap_per_plan: Decimal | None = None
    late_fee_cap_percent: Fraction | None = None
    max_late_fees: int | None = None
    late_fee_at_most_payment_due: bool = False
    waterfall: tuple[str, ...] = COMPONENTS
    order: PaymentOrder = PaymentOrder.HORIZONTAL
    overpayment: Overpayment = Overpayment.CREDIT_NEXT
    early_payoff: EarlyPayoff = EarlyPayoff.ACCRUED_TO_DATE
    late_fee_base: LateFeeBase = LateFeeBase.INSTALLMENT
    delinquency_buckets: tuple[int, ...] = (30, 60, 90)
    rebate_deferral: str | int = "one_month"
    allow_rule_of_78_over_61_months: bool = False
    interest: InterestMethod = InterestMethod.PRECOMPUTED
    compounding: Compounding = Compounding.NONE
    annual_rate: Fraction | None = None
    day_count: DayCount | None = None

    def __post_init__(self) -> None:
        put = object.__setattr__
        if not isinstance(self.name, str):
            raise InvalidArgumentError("name", "must be a string", received=self.name)
        for flag in ("count_due_date", "count_payment_date", "late_fee_at_most_payment_due",
                     "allow_rule_of_78_over_61_months"):
            if not isinstance(getattr(self, flag), bool):
                raise InvalidArgumentError(flag, "must be True or False",
                                           received=getattr(self, flag))
        if isinstance(self.grace_days, bool) or not isinstance(self.grace_days, int) or \
                not 0 <= self.grace_days <= 365:
            raise InvalidArgumentError("grace_days", "must be an integer from 0 to 365",
                                       received=self.grace_days)
        put(self, "penalty_rate", parse_rate(self.penalty_rate, argument="penalty_rate",
                                             plain_limit=Fraction(1, 100)))
        put(self, "penalty_base", parse_enum(PenaltyBase, self.penalty_base,
                                             argument="penalty_base"))
        put(self, "penalty_start", parse_enum(PenaltyStart, self.penalty_start,
                                              argument="penalty_start"))
        put(self, "penalty_minimum_per_day", _money_or_none(
            self.penalty_minimum_per_day, "penalty_minimum_per_day"))
        put(self, "charge_dating", parse_enum(ChargeDating, self.charge_dating,
                                              argument="charge_dating"))
        put(self, "order", parse_enum(PaymentOrder, self.order, argument="order"))
        put(self, "overpayment", parse_enum(Overpayment, self.overpayment,
                                            argument="overpayment"))
        put(self, "early_payoff", parse_enum(EarlyPayoff, self.early_payoff,
                                             argument="early_payoff"))
        if isinstance(self.late_fees, LateFee) or not isinstance(self.late_fees,
                                                                 (tuple, list)):
            raise InvalidArgumentError("late_fees", "must be a tuple of LateFee tiers",
                                       received=self.late_fees)
        fees = tuple(self.late_fees)
        if not all(isinstance(f, LateFee) for f in fees):
            raise InvalidArgumentError("late_fees", "must be LateFee tiers", received=fees)
        put(self, "late_fees", tuple(sorted(fees, key=lambda f: f.days_past_due)))
        for name in ("late_fee_cap_per_installment", "late_fee_cap_per_plan"):
            put(self, name, _money_or_none(getattr(self, name), name))
        if self.late_fee_cap_percent is not None:
            put(self, "late_fee_cap_percent",
                _fraction_of(self.late_fee_cap_percent, "late_fee_cap_percent"))
        if self.max_late_fees is not None and (
                isinstance(self.max_late_fees, bool) or not isinstance(self.max_late_fees, int)
                or self.max_late_fees < 0):
            raise InvalidArgumentError("max_late_fees", "must be a non-negative integer",
                                       received=self.max_late_fees)
        if not isinstance(self.waterfall, (tuple, list)):
            raise InvalidArgumentError("waterfall", f"must be a tuple ordering each of "
                                       f"{COMPONENTS} once", received=self.waterfall)
        waterfall = tuple(self.waterfall)
        if "charge" not in waterfall and "late_fee" in waterfall:  # written before dated
            # charges existed: they go right after late fees
            at = waterfall.index("late_fee") + 1
            waterfall = (*waterfall[:at], "charge", *waterfall[at:])
        if sorted(waterfall) != sorted(COMPONENTS):
            raise InvalidArgumentError("waterfall", f"must order each of {COMPONENTS} once",
                                       received=waterfall)
        put(self, "waterfall", waterfall)
        put(self, "late_fee_base", parse_enum(LateFeeBase, self.late_fee_base,
                                              argument="late_fee_base"))
        bounds = self.delinquency_buckets
        if not isinstance(bounds, (tuple, list)) or not all(
                isinstance(b, int) and not isinstance(b, bool) for b in tuple(bounds)) or \
                not bounds or list(bounds) != sorted(set(bounds)) or bounds[0] < 1:
            raise InvalidArgumentError("delinquency_buckets", "must be increasing whole "
                                       "days past due, each >= 1, e.g. (30, 60, 90)",
                                       received=bounds)
        put(self, "delinquency_buckets", tuple(bounds))
        put(self, "interest", parse_enum(InterestMethod, self.interest, argument="interest"))
        put(self, "compounding", parse_enum(Compounding, self.compounding,
                                            argument="compounding"))
        if self.annual_rate is not None:
            put(self, "annual_rate", parse_rate(self.annual_rate, argument="annual_rate"))
        if self.day_count is not None:
            put(self, "day_count", DayCount.parse(self.day_count))
            if self.day_count is DayCount.PER_PERIOD:
                raise InvalidArgumentError("day_count", "must count days (act/365f, act/360, "
                                           "act/act or 30/360) for daily interest",
                                           received="per_period")
        if self.interest is InterestMethod.PRECOMPUTED and (
                self.annual_rate is not None or self.day_count is not None
                or self.compounding is not Compounding.NONE):
            raise InvalidArgumentError("interest", "must be 'daily' for annual_rate, "
                                       "day_count or compounding to apply",
                                       received=self.interest.value)
        if self.interest is InterestMethod.DAILY and self.early_payoff in (
                EarlyPayoff.ACTUARIAL, EarlyPayoff.UK_2004, EarlyPayoff.RULE_OF_78):
            raise InvalidArgumentError(
                "early_payoff", "must be accrued_to_date, current_period or no_rebate under "
                "daily interest (interest is owed to the day; the rule applies to fees)",
                received=self.early_payoff.value)
        from ..early_settlement import Deferral
        deferral = Deferral.parse(self.rebate_deferral, argument="rebate_deferral")
        put(self, "rebate_deferral", deferral if isinstance(deferral, int) else
            deferral.value)
        if self.early_payoff in (EarlyPayoff.ACTUARIAL, EarlyPayoff.UK_2004) and \
                self.overpayment is not Overpayment.CREDIT_NEXT:
            raise InvalidArgumentError(
                "overpayment", f"must be 'credit_next' with early_payoff="
                f"'{self.early_payoff.value}': that rebate is defined on the contract's "
                "schedule, which a prepayment against principal would re-run",
                received=self.overpayment.value)

    def bucket(self, days_past_due: int) -> str:
        """The delinquency bucket of ``days_past_due`` under :attr:`delinquency_buckets`
        (bounds ``(30, 60, 90)`` give current, 1-30, 31-60, 61-90 and 90+).

        >>> ServicingTerms(delinquency_buckets=(15, 45)).bucket(16)
        '16-45'

        Raises
        ------
        InvalidArgumentError
            ``days_past_due`` is not a whole number.
        """
        if isinstance(days_past_due, bool) or not isinstance(days_past_due, int):
            raise InvalidArgumentError("days_past_due", "must be a whole number of days",
                                       received=days_past_due)
        if days_past_due <= 0:
            return "current"
        low = 1
        for high in self.delinquency_buckets:
            if days_past_due <= high:
                return f"{low}-{high}"
            low = high + 1
        return f"{self.delinquency_buckets[-1]}+"

    def with_(self, **changes: Any) -> ServicingTerms:
        """A copy with some terms changed (validated again).

        Raises
        ------
        InvalidArgumentError
            A name in ``changes`` is not a servicing term, or a new value is refused as by
            :class:`ServicingTerms`.
        """
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        unknown = set(changes) - set(values)
        if unknown:
            raise InvalidArgumentError(sorted(unknown)[0], "is not a servicing term",
                                       received=changes[sorted(unknown)[0]])
        values.update(changes)
        return ServicingTerms(**values)

    def to_dict(self) -> dict[str, Any]:
        """A versioned, JSON-safe document of these terms (rates as exact strings).

        >>> ServicingTerms.from_dict(ServicingTerms.jd_baitiao().to_dict()) == \\
        ...     ServicingTerms.jd_baitiao()
        True
        """
        from .persist import terms_to_dict
        return terms_to_dict(self)

    @classmethod
    def from_dict(cls, document: Any) -> ServicingTerms:
        """Inverse of :meth:`to_dict`; a malformed document raises
        :class:`~bnpl_restructure.errors.InvalidDocumentError` naming the field.

        Raises
        ------
        InvalidDocumentError
            ``document`` is not a servicing-terms document, or a field is missing, malformed
            or refused (named by its path, ``servicing_terms.grace_days``).
        """
        from .persist import terms_from_dict
        return terms_from_dict(document)

    # ------------------------------------------------------------------ presets

    @classmethod
    def jd_baitiao(cls) -> ServicingTerms:
        """JD Baitiao-style instalments: 3 grace days, 违约金 0.05% a day on the overdue
        amount from the due date, at least 0.01 a day; fee/penalty before principal.

        Early payoff owes the remaining installment fees (``NO_REBATE``: 提前还款需支付
        剩余手续费, as aggregators report it; reports conflict, so check the contract).

        References: JD Baitiao 违约金 = 应付未付金额 × 违约金比例 × 违约天数 (JD fee
        standard, as quoted by aggregators); 0.05%/day and 3-day grace as reported.
        """
        return cls(name="jd_baitiao", grace_days=3, penalty_rate=Fraction(5, 10_000),
                   penalty_minimum_per_day=Decimal("0.01"),
                   early_payoff=EarlyPayoff.NO_REBATE)

    @classmethod
    def ant_huabei(cls) -> ServicingTerms:
        """Ant Huabei-style: overdue amount × 0.05% × overdue days, no grace days; an early
        payoff of an installment bill owes its remaining installment fees (``NO_REBATE``)."""
        return cls(name="ant_huabei", penalty_rate=Fraction(5, 10_000),
                   early_payoff=EarlyPayoff.NO_REBATE)

    @classmethod
    def afterpay(cls) -> ServicingTerms:
        """Afterpay-style: $10 when an installment is missed, $7 more if still unpaid 7
        days later, late fees capped at 25% of the order and $68 an order; no interest.

        References: Afterpay help centre, "Does Afterpay want me to miss payments...".
        """
        return cls(name="afterpay",
                   late_fees=(LateFee(days_past_due=1, amount=Decimal(10)),
                              LateFee(days_past_due=8, amount=Decimal(7))),
                   late_fee_cap_percent=Fraction(1, 4), late_fee_cap_per_plan=Decimal(68))

    @classmethod
    def klarna_uk(cls) -> ServicingTerms:
        """Klarna UK-style: £5 once a payment is 8 days late (after a 7-day grace), at most
        two fees an order, capped at 25% of the order; no interest on missed payments."""
        return cls(name="klarna_uk", grace_days=7,
                   late_fees=(LateFee(days_past_due=8, amount=Decimal(5)),),
                   max_late_fees=2, late_fee_cap_percent=Fraction(1, 4))

    @classmethod
    def us_card(cls) -> ServicingTerms:
        """US card-style: a late fee when a payment is missed, never more than the
        payment due (12 CFR 1026.52(b)(2)(i)(A)); set the safe-harbor amount with
        ``with_(late_fees=...)`` (default tier: $32)."""
        return cls(name="us_card", late_fees=(LateFee(days_past_due=1, amount=Decimal(32)),),
                   late_fee_at_most_payment_due=True)

    @classmethod
    def cn_civil_code(cls) -> ServicingTerms:
        """China's default payment order, Civil Code Art. 561: costs of realizing the
        claim (late fees, fees) first, then interest (penalty interest included), then
        principal, across all overdue amounts."""
        return cls(name="cn_civil_code",
                   waterfall=("late_fee", "fee", "penalty", "interest", "principal"),
                   order=PaymentOrder.VERTICAL)


