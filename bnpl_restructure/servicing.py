"""Servicing: payments applied by a waterfall, arrears, penalties, late fees, payoff quotes.

:func:`loan_state` replays dated payments against a schedule and tells where the loan
stands on a day: what was paid and how each payment was split, what is overdue and for
how long, what penalty interest (罚息 / 违约金) and late fees have accrued, and what it
would take to pay the loan off. :func:`payoff_quote` is the last figure on its own.

Model (every number a parameter of :class:`ServicingTerms`):

- **Obligations.** Each installment's principal, interest and fee fall due on its due
  date (contractual interest follows the schedule: precomputed-interest installment
  credit). Penalty interest and late fees are further obligations, dated on the
  installment's due date or on their own charge date (``charge_dating``).
- **Penalty interest** accrues per day on a base (the overdue installment, or all unpaid
  principal and fees, or the overdue principal) at ``penalty_rate`` per day with an
  optional minimum per day, exactly, rounded half-up once when booked (amount × rate ×
  days, as the JD Baitiao formula reads), from the due date (or from the end of the
  grace days). An installment paid in full within its grace days is charged none.
  Whether the due date and the payment date count as penalty days is set by
  ``count_due_date`` / ``count_payment_date`` (Chinese card practice counts both).
- **Late fees** are tiers (a flat amount and/or a percentage of the overdue amount, each
  charged once when an installment is that many days past due), cut down to fit the
  caps: per installment, per plan, a percentage of the amount financed, a maximum number
  of fees, and never more than the installment's payment due (the US card safe harbor).
- **Payments** are applied on their date to obligations already due, in the waterfall
  order of components (``waterfall``), oldest installment first (``HORIZONTAL``) or
  component by component across installments (``VERTICAL``; China's Civil Code
  Art. 561 preset). What is left settles the loan when it covers the payoff amount,
  else goes by ``overpayment``: to the next installments, or against principal with the
  remaining plan shortened or its installments reduced (re-run through the core).
- **Early payoff** charges future finance charges (interest and fees of installments not
  yet due) by ``early_payoff``: all of them (no rebate), the current period's only,
  those earned to date (actuarial, by days), or all less the rule-of-78 rebate.

Every event is in the ledger (due, payment, allocation, penalty, late fee, rebate,
prepayment, credit); it reconciles to the minor unit.

Examples
--------
>>> from bnpl_restructure import Plan
>>> schedule = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
...                          start="2026-01-10").schedule()
>>> state = loan_state(schedule, [("2026-02-10", "106.00")], as_of="2026-03-20",
...                    terms=ServicingTerms.jd_baitiao())
>>> state.days_past_due, state.bucket, str(state.accrued_penalty)
(10, '1-30', '0.53')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .calendar import parse_date
from .core import PaymentRule, Period, Program, level_payment, run_single
from .errors import CurrencyMismatchError, InvalidArgumentError, InvalidTermsError, parse_enum
from .money import Currency, format_money, parse_money, to_decimal
from .rates import parse_rate
from .rounding import RoundingMode, RoundingPolicy, round_ratio
from .schedule import Schedule

__all__ = [
    "COMPONENTS",
    "ChargeDating",
    "EarlyPayoff",
    "LateFee",
    "LedgerEvent",
    "LoanState",
    "OverdueInstallment",
    "Overpayment",
    "Payment",
    "PaymentOrder",
    "PenaltyBase",
    "PenaltyStart",
    "ServicingTerms",
    "loan_state",
    "payoff_quote",
]

#: The money components of an obligation, as named in waterfalls and the ledger.
COMPONENTS = ("penalty", "late_fee", "fee", "interest", "principal")


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
    due of n).
    """

    NO_REBATE = "no_rebate"
    CURRENT_PERIOD = "current_period"
    ACCRUED_TO_DATE = "accrued_to_date"
    RULE_OF_78 = "rule_of_78"


def _money_or_none(value: Any, argument: str) -> Decimal | None:
    if value is None:
        return None
    amount = to_decimal(value, argument=argument)
    if amount < 0:
        raise InvalidArgumentError(argument, "must not be negative", received=value)
    return amount


def _fraction_of(value: Any, argument: str) -> Fraction:
    return parse_rate(value, argument=argument)


@dataclass(frozen=True, slots=True, kw_only=True)
class LateFee:
    """One late-fee tier: charged once per installment still unpaid ``days_past_due``
    days after its due date: ``amount`` plus ``percent`` of the overdue amount."""

    days_past_due: int
    amount: Decimal = Decimal(0)
    percent: Fraction = Fraction(0)

    def __post_init__(self) -> None:
        if isinstance(self.days_past_due, bool) or not isinstance(self.days_past_due, int) \
                or self.days_past_due < 1:
            raise InvalidArgumentError("late_fee.days_past_due", "must be an integer >= 1",
                                       received=self.days_past_due)
        amount = to_decimal(self.amount, argument="late_fee.amount")
        if amount < 0:
            raise InvalidArgumentError("late_fee.amount", "must not be negative",
                                       received=self.amount)
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "percent", _fraction_of(self.percent, "late_fee.percent"))


@dataclass(frozen=True, slots=True, kw_only=True)
class ServicingTerms:
    """The contract's servicing rules (see the module docstring). Amounts are in major
    units of the loan's currency; rates are fractions (``"0.0005"`` is 0.05% a day).

    Use a preset (:meth:`jd_baitiao`, :meth:`ant_huabei`, :meth:`afterpay`,
    :meth:`klarna_uk`, :meth:`us_card`, :meth:`cn_civil_code`) and change what differs
    with :meth:`with_`.
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
    early_payoff: EarlyPayoff = EarlyPayoff.NO_REBATE

    def __post_init__(self) -> None:
        put = object.__setattr__
        if isinstance(self.grace_days, bool) or not isinstance(self.grace_days, int) or \
                not 0 <= self.grace_days <= 365:
            raise InvalidArgumentError("grace_days", "must be an integer from 0 to 365",
                                       received=self.grace_days)
        put(self, "penalty_rate", _fraction_of(self.penalty_rate, "penalty_rate"))
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
        waterfall = tuple(self.waterfall)
        if sorted(waterfall) != sorted(COMPONENTS):
            raise InvalidArgumentError("waterfall", f"must order each of {COMPONENTS} once",
                                       received=waterfall)
        put(self, "waterfall", waterfall)

    def with_(self, **changes: Any) -> ServicingTerms:
        """A copy with some terms changed (validated again)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        unknown = set(changes) - set(values)
        if unknown:
            raise InvalidArgumentError(sorted(unknown)[0], "is not a servicing term",
                                       received=changes[sorted(unknown)[0]])
        values.update(changes)
        return ServicingTerms(**values)

    # ------------------------------------------------------------------ presets

    @classmethod
    def jd_baitiao(cls) -> ServicingTerms:
        """JD Baitiao-style instalments: 3 grace days, 违约金 0.05% a day on the overdue
        amount from the due date, at least 0.01 a day; fee/penalty before principal.

        References: JD Baitiao 违约金 = 应付未付金额 × 违约金比例 × 违约天数 (JD fee
        standard, as quoted by aggregators); 0.05%/day and 3-day grace as reported.
        """
        return cls(name="jd_baitiao", grace_days=3, penalty_rate=Fraction(5, 10_000),
                   penalty_minimum_per_day=Decimal("0.01"))

    @classmethod
    def ant_huabei(cls) -> ServicingTerms:
        """Ant Huabei-style: overdue amount × 0.05% × overdue days, no grace days."""
        return cls(name="ant_huabei", penalty_rate=Fraction(5, 10_000))

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
        """Klarna UK-style: £5 after a 7-day grace, at most two fees an order, capped at
        25% of the order; no interest on missed payments."""
        return cls(name="klarna_uk", grace_days=7,
                   late_fees=(LateFee(days_past_due=7, amount=Decimal(5)),),
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


# ------------------------------------------------------------------------ records


@dataclass(frozen=True, slots=True, kw_only=True)
class Payment:
    """A payment received: its date, amount (major units) and optionally currency."""

    date: date
    amount: Decimal
    currency: Currency | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEvent:
    """One ledger line. ``kind`` is ``due``, ``payment``, ``allocation``, ``penalty``,
    ``late_fee``, ``rebate``, ``prepayment``, ``reschedule`` or ``credit``; ``amount`` is
    in major units (positive)."""

    date: date
    kind: str
    amount: Decimal
    installment: int | None = None
    component: str | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (amount as a Decimal string, date ISO)."""
        return {"date": self.date.isoformat(), "kind": self.kind, "amount": str(self.amount),
                "installment": self.installment, "component": self.component,
                "note": self.note}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LedgerEvent:
        """Inverse of :meth:`to_dict`."""
        return cls(date=parse_date(data["date"], argument="date"), kind=data["kind"],
                   amount=Decimal(data["amount"]), installment=data.get("installment"),
                   component=data.get("component"), note=data.get("note", ""))


@dataclass(frozen=True, slots=True, kw_only=True)
class OverdueInstallment:
    """An installment with money still unpaid after its due date."""

    number: int
    due_date: date
    days_past_due: int
    principal: Decimal
    interest: Decimal
    fee: Decimal
    penalty: Decimal
    late_fee: Decimal

    @property
    def total(self) -> Decimal:
        """Everything unpaid on this installment."""
        return self.principal + self.interest + self.fee + self.penalty + self.late_fee


def _bucket_of(days: int) -> str:
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


@dataclass(frozen=True, slots=True, kw_only=True)
class LoanState:
    """Where a loan stands on ``as_of`` (money in major units).

    ``outstanding_principal`` is all principal not yet paid (due or not);
    ``unpaid_interest`` / ``unpaid_fees`` are what fell due and is unpaid;
    ``accrued_penalty`` / ``late_fees`` are unpaid penalty interest and late fees;
    ``credit_balance`` is money received beyond everything owed; ``payoff_amount`` settles
    the loan on ``as_of`` under the terms' early-payoff rule; ``remaining`` is the plan
    still to come (installments due after ``as_of``, after any rescheduling).
    """

    as_of: date
    currency: Currency
    amount_financed: Decimal
    outstanding_principal: Decimal
    unpaid_interest: Decimal
    unpaid_fees: Decimal
    accrued_penalty: Decimal
    late_fees: Decimal
    credit_balance: Decimal
    total_paid: Decimal
    paid: dict[str, Decimal]
    overdue: tuple[OverdueInstallment, ...]
    days_past_due: int
    payoff_amount: Decimal
    ledger: tuple[LedgerEvent, ...]
    terms_name: str = "custom"
    remaining: Schedule | None = field(default=None, compare=False)

    @property
    def bucket(self) -> str:
        """Delinquency bucket: current, 1-30, 31-60, 61-90 or 90+ days past due."""
        return _bucket_of(self.days_past_due)

    @property
    def overdue_amount(self) -> Decimal:
        """Everything past due: unpaid interest, fees, penalty, late fees and the
        principal of overdue installments."""
        return sum((o.total for o in self.overdue), Decimal(0)).quantize(
            self.currency.quantum)

    @property
    def is_settled(self) -> bool:
        """Nothing left to pay."""
        return self.payoff_amount == 0 and self.outstanding_principal == 0

    def _fmt(self, amount: Decimal) -> str:
        return format_money(self.currency.to_minor(amount), self.currency)

    def __repr__(self) -> str:
        fmt = self._fmt
        return (f"<LoanState {self.as_of.isoformat()} {self.currency.code}: principal "
                f"{fmt(self.outstanding_principal)} outstanding, overdue "
                f"{fmt(self.overdue_amount)} ({self.days_past_due} days, {self.bucket}), "
                f"payoff {fmt(self.payoff_amount)}>")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: Decimal strings, ISO dates, no floats."""
        money = ("amount_financed", "outstanding_principal", "unpaid_interest", "unpaid_fees",
                 "accrued_penalty", "late_fees", "credit_balance", "total_paid",
                 "payoff_amount")
        out: dict[str, Any] = {"as_of": self.as_of.isoformat(),
                               "currency": self.currency.code,
                               "terms": self.terms_name,
                               "days_past_due": self.days_past_due, "bucket": self.bucket}
        out.update({name: str(getattr(self, name)) for name in money})
        out["paid"] = {k: str(v) for k, v in self.paid.items()}
        out["overdue"] = [{"number": o.number, "due_date": o.due_date.isoformat(),
                           "days_past_due": o.days_past_due, "principal": str(o.principal),
                           "interest": str(o.interest), "fee": str(o.fee),
                           "penalty": str(o.penalty), "late_fee": str(o.late_fee)}
                          for o in self.overdue]
        out["ledger"] = [e.to_dict() for e in self.ledger]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoanState:
        """Inverse of :meth:`to_dict` (the remaining plan is not serialized)."""
        money: dict[str, Any] = {name: Decimal(data[name]) for name in (
            "amount_financed", "outstanding_principal", "unpaid_interest", "unpaid_fees",
            "accrued_penalty", "late_fees", "credit_balance", "total_paid", "payoff_amount")}
        overdue = tuple(OverdueInstallment(
            number=o["number"], due_date=parse_date(o["due_date"], argument="due_date"),
            days_past_due=o["days_past_due"], principal=Decimal(o["principal"]),
            interest=Decimal(o["interest"]), fee=Decimal(o["fee"]),
            penalty=Decimal(o["penalty"]), late_fee=Decimal(o["late_fee"]))
            for o in data["overdue"])
        return cls(as_of=parse_date(data["as_of"], argument="as_of"),
                   currency=Currency.of(data["currency"]), terms_name=data.get("terms", ""),
                   paid={k: Decimal(v) for k, v in data["paid"].items()}, overdue=overdue,
                   days_past_due=data["days_past_due"],
                   ledger=tuple(LedgerEvent.from_dict(e) for e in data["ledger"]), **money)


# ----------------------------------------------------------------------- the replay


@dataclass(slots=True)
class _Bucket:
    when: date            # the date it counts as due (orders the waterfall)
    number: int           # installment number
    component: str
    amount: int           # unpaid, minor units


@dataclass(slots=True)
class _Installment:
    number: int
    due: date
    principal: int
    interest: int
    fee: int
    payment: int          # scheduled payment (for the safe-harbor cap)
    is_due: bool = False
    grace_penalty: Fraction = Fraction(0)  # accrued in the grace days; booked if unpaid
    late_fee_count: int = 0
    late_fee_total: int = 0


class _Replay:
    """Mutable replay state for one loan (internal; the public result is LoanState)."""

    def __init__(self, schedule: Schedule, terms: ServicingTerms) -> None:
        self.schedule = schedule
        self.terms = terms
        self.currency = schedule.currency
        cur = self.currency
        self.rank = {c: k for k, c in enumerate(terms.waterfall)}
        self.installments = [
            _Installment(number=schedule.first_number + k, due=d,
                         principal=schedule.principal_paid[k], interest=schedule.interest[k],
                         fee=schedule.fee[k], payment=schedule.payment[k])
            for k, d in enumerate(schedule.due_dates)]
        self.buckets: list[_Bucket] = []
        self.ledger: list[LedgerEvent] = []
        self.paid = dict.fromkeys(COMPONENTS, 0)
        self.credit = 0
        self.total_paid = 0
        self.late_fee_count = 0
        self.late_fee_total = 0
        self.penalty_pending: dict[int, Fraction] = {}  # exact penalty not yet booked
        self.penalty_exact: dict[int, Fraction] = {}  # exact penalty booked so far
        self.penalty_booked: dict[int, int] = {}  # its rounded total
        self.min_penalty = cur.to_minor(terms.penalty_minimum_per_day,
                                        argument="penalty_minimum_per_day")
        self.fee_cap_plan = None if terms.late_fee_cap_per_plan is None else cur.to_minor(
            terms.late_fee_cap_per_plan, argument="late_fee_cap_per_plan")
        if terms.late_fee_cap_percent is not None:
            cap = terms.late_fee_cap_percent * schedule.principal
            pct_cap = round_ratio(cap.numerator, cap.denominator, RoundingMode.DOWN)
            self.fee_cap_plan = pct_cap if self.fee_cap_plan is None else min(
                self.fee_cap_plan, pct_cap)
        self.fee_cap_installment = None if terms.late_fee_cap_per_installment is None else \
            cur.to_minor(terms.late_fee_cap_per_installment,
                         argument="late_fee_cap_per_installment")
        self.tiers = [(t.days_past_due, cur.to_minor(t.amount, argument="late_fee.amount"),
                       t.percent) for t in terms.late_fees]
        self.total_finance_charge = sum(i.interest + i.fee for i in self.installments)
        self.original_count = len(self.installments)

    # ------------------------------------------------------------ helpers

    def major(self, minor: int) -> Decimal:
        return self.currency.to_major(minor)

    def log(self, when: date, kind: str, minor: int, number: int | None = None,
            component: str | None = None, note: str = "") -> None:
        if minor:
            self.ledger.append(LedgerEvent(date=when, kind=kind, amount=self.major(minor),
                                           installment=number, component=component,
                                           note=note))

    def unpaid(self, number: int, components: Iterable[str]) -> int:
        wanted = set(components)
        return sum(b.amount for b in self.buckets if b.number == number
                   and b.component in wanted)

    def scheduled_unpaid(self, inst: _Installment) -> int:
        return self.unpaid(inst.number, ("principal", "interest", "fee"))

    def add(self, when: date, number: int, component: str, minor: int) -> None:
        if minor <= 0:
            return
        for b in self.buckets:
            if (b.when, b.number, b.component) == (when, number, component):
                b.amount += minor
                return
        self.buckets.append(_Bucket(when, number, component, minor))

    def order_key(self, b: _Bucket) -> tuple[Any, ...]:
        if self.terms.order is PaymentOrder.HORIZONTAL:
            return (b.when, b.number, self.rank[b.component])
        return (self.rank[b.component], b.when, b.number)

    # ------------------------------------------------------------ the day's steps

    def fall_due(self, day: date) -> None:
        for inst in self.installments:
            if not inst.is_due and inst.due <= day:
                inst.is_due = True
                for component in ("principal", "interest", "fee"):
                    amount = getattr(inst, component)
                    self.add(inst.due, inst.number, component, amount)
                    self.log(inst.due, "due", amount, inst.number, component)

    def overdue_installments(self, day: date, *, counting_today: bool) -> list[_Installment]:
        """Installments whose scheduled money is unpaid and late on ``day``."""
        out = []
        for inst in self.installments:
            if not inst.is_due:
                continue
            late = inst.due < day or (counting_today and inst.due == day)
            if late and self.scheduled_unpaid(inst) > 0:
                out.append(inst)
        return out

    def penalty_day(self, day: date) -> None:
        """Accrue one day of penalty interest (see the module docstring)."""
        terms = self.terms
        if terms.penalty_rate == 0 and self.min_penalty == 0:
            return
        late = self.overdue_installments(day, counting_today=terms.count_due_date)
        if not late:
            return
        rate = terms.penalty_rate
        if terms.penalty_base is PenaltyBase.UNPAID_PRINCIPAL_AND_FEES:
            oldest = late[0]
            future_principal = sum(i.principal for i in self.installments if not i.is_due)
            base = future_principal + sum(b.amount for b in self.buckets
                                          if b.component in ("principal", "fee"))
            charges = [(oldest, base)]
        else:
            parts = ("principal",) if terms.penalty_base is PenaltyBase.OVERDUE_PRINCIPAL \
                else ("principal", "interest", "fee")
            charges = [(inst, self.unpaid(inst.number, parts)) for inst in late]
        for inst, base in charges:
            if base <= 0:
                continue
            amount = max(base * rate, Fraction(self.min_penalty))  # exact; rounded when booked
            grace_end = inst.due + timedelta(days=terms.grace_days)
            if day <= grace_end:
                if terms.penalty_start is PenaltyStart.DUE_DATE:
                    inst.grace_penalty += amount  # booked only if unpaid after grace
                continue
            self.penalty_pending[inst.number] = self.penalty_pending.get(
                inst.number, Fraction(0)) + amount

    def end_of_grace(self, day: date) -> None:
        """Book (or drop) penalty accrued during grace days that end today."""
        for inst in self.installments:
            if inst.is_due and inst.due + timedelta(days=self.terms.grace_days) == day:
                if inst.grace_penalty and self.scheduled_unpaid(inst) > 0:
                    self.penalty_pending[inst.number] = self.penalty_pending.get(
                        inst.number, Fraction(0)) + inst.grace_penalty
                inst.grace_penalty = Fraction(0)

    def book_penalties(self, day: date) -> None:
        """Book accrued penalty: amount × rate × days, rounded half-up once per booking
        on the running total (so no day's rounding is lost)."""
        for number, exact in sorted(self.penalty_pending.items()):
            total = self.penalty_exact.get(number, Fraction(0)) + exact
            self.penalty_exact[number] = total
            rounded = round_ratio(total.numerator, total.denominator, RoundingMode.HALF_UP)
            amount = rounded - self.penalty_booked.get(number, 0)
            self.penalty_booked[number] = rounded
            inst = self._by_number(number)
            when = inst.due if self.terms.charge_dating is ChargeDating.INSTALLMENT_DUE_DATE \
                else day
            self.add(when, number, "penalty", amount)
            self.log(day, "penalty", amount, number, "penalty")
        self.penalty_pending.clear()

    def _by_number(self, number: int) -> _Installment:
        for inst in self.installments:
            if inst.number == number:
                return inst
        raise KeyError(number)  # pragma: no cover - penalties belong to installments

    def late_fee_day(self, day: date) -> None:
        for inst in self.installments:
            if not inst.is_due:
                continue
            overdue = self.scheduled_unpaid(inst)
            if overdue <= 0:
                continue
            for days, flat, percent in self.tiers:
                if inst.due + timedelta(days=days) != day:
                    continue
                fee = flat + round_ratio(overdue * percent.numerator, percent.denominator,
                                         RoundingMode.HALF_UP)
                fee = self.capped_fee(inst, fee)
                if fee <= 0:
                    continue
                inst.late_fee_count += 1
                inst.late_fee_total += fee
                self.late_fee_count += 1
                self.late_fee_total += fee
                when = inst.due if self.terms.charge_dating is \
                    ChargeDating.INSTALLMENT_DUE_DATE else day
                self.add(when, inst.number, "late_fee", fee)
                self.log(day, "late_fee", fee, inst.number, "late_fee",
                         note=f"{days} days past due")

    def capped_fee(self, inst: _Installment, fee: int) -> int:
        terms = self.terms
        if terms.max_late_fees is not None and self.late_fee_count >= terms.max_late_fees:
            return 0
        if self.fee_cap_installment is not None:
            fee = min(fee, self.fee_cap_installment - inst.late_fee_total)
        if self.fee_cap_plan is not None:
            fee = min(fee, self.fee_cap_plan - self.late_fee_total)
        if terms.late_fee_at_most_payment_due:
            fee = min(fee, inst.payment - inst.late_fee_total)
        return max(fee, 0)

    # ------------------------------------------------------------ payments

    def allocate(self, day: date, amount: int, buckets: list[_Bucket], kind: str) -> int:
        for b in sorted(buckets, key=self.order_key):
            if amount == 0:
                break
            take = min(amount, b.amount)
            if take:
                b.amount -= take
                amount -= take
                self.paid[b.component] += take
                self.log(day, kind, take, b.number, b.component)
        self.buckets = [b for b in self.buckets if b.amount > 0]
        return amount

    def future(self, day: date) -> list[_Installment]:
        """Installments not yet due on ``day`` (and not already paid early)."""
        return [i for i in self.installments if i.due > day and not i.is_due]

    def future_charge(self, day: date) -> int:
        """Finance charges of installments not yet due (nor paid early) that an early
        payoff on ``day`` owes under the terms' rule.

        The period in progress is the one ending at the first installment due after
        ``day``; if that installment was paid early its charge is already collected. The
        rule-of-78 rebate counts every installment due after ``day`` and is taken off
        the finance charges not yet collected.
        """
        future = self.future(day)
        if not future:
            return 0
        rule = self.terms.early_payoff
        charges = [i.interest + i.fee for i in future]
        if rule is EarlyPayoff.NO_REBATE:
            return sum(charges)
        upcoming = [i for i in self.installments if i.due > day]
        current = upcoming[0]
        if rule in (EarlyPayoff.CURRENT_PERIOD, EarlyPayoff.ACCRUED_TO_DATE):
            if current.is_due:  # paid early: its charge is in the buckets already
                return 0
            if rule is EarlyPayoff.CURRENT_PERIOD:
                return charges[0]
            past = [i.due for i in self.installments if i.due <= day]
            opened = max(past) if past else self.schedule.start
            length = (current.due - opened).days
            if length <= 0:
                return charges[0]
            return round_ratio(charges[0] * (day - opened).days, length, RoundingMode.HALF_UP)
        k, n = len(upcoming), self.original_count
        rebate = round_ratio(self.total_finance_charge * k * (k + 1), n * (n + 1),
                             RoundingMode.HALF_UP)
        return max(sum(charges) - rebate, 0)

    def payoff(self, day: date) -> int:
        self.book_penalties(day)
        due = sum(b.amount for b in self.buckets)
        future_principal = sum(i.principal for i in self.future(day))
        return due + future_principal + self.future_charge(day)

    def settle(self, day: date, amount: int) -> int:
        """Pay everything off on ``day``; returns what is left over."""
        self.book_penalties(day)
        amount = self.allocate(day, amount, list(self.buckets), "allocation")
        charge = self.future_charge(day)
        future = self.future(day)
        full = sum(i.interest + i.fee for i in future)
        for inst in future:
            # the future principal, then the finance charge the payoff rule keeps
            take = inst.principal
            self.paid["principal"] += take
            self.log(day, "allocation", take, inst.number, "principal", note="payoff")
            amount -= take
        # the finance charge owed goes to fees/interest in installment order
        owed = charge
        for inst in future:
            for component in ("interest", "fee"):
                take = min(owed, getattr(inst, component))
                if take:
                    self.paid[component] += take
                    self.log(day, "allocation", take, inst.number, component, note="payoff")
                    owed -= take
                    amount -= take
        self.log(day, "rebate", full - charge, None, None,
                 note=f"future finance charges not owed ({self.terms.early_payoff.value})")
        self.installments = [i for i in self.installments if i.due <= day]
        return amount

    def reschedule(self, day: date, extra: int) -> int:
        """Apply ``extra`` against future principal and re-run the rest of the plan."""
        future = self.future(day)
        program = self.schedule.program
        if not future:
            return extra
        if program is None:
            raise InvalidArgumentError("terms.overpayment", "prepayment against principal "
                                       "needs a schedule made by Plan.schedule() (with its "
                                       "program)")
        principal = sum(i.principal for i in future)
        applied = min(extra, principal)
        new_principal = principal - applied
        self.paid["principal"] += applied
        self.log(day, "prepayment", applied, None, "principal")
        base = self.schedule.first_number - 1
        old = [program.periods[i.number - 1 - base] for i in future]
        if new_principal == 0:
            self.log(day, "rebate", sum(i.interest + i.fee for i in future), None, None,
                     note="future finance charges of a plan prepaid in full")
            self.installments = [i for i in self.installments if i.due <= day]
            return extra - applied
        shorten = self.terms.overpayment is Overpayment.PREPAY_SHORTEN
        periods = list(old)
        if not shorten:
            rules = {p.rule for p in old[:-1]}
            if rules <= {PaymentRule.AMOUNT}:
                pay = level_payment(new_principal, [p.factor for p in old],
                                    mode=RoundingMode.HALF_UP)
                periods = [_with(p, amount=pay) for p in old[:-1]] + [old[-1]]
            elif rules <= {PaymentRule.PRINCIPAL}:
                shares = RoundingPolicy().split(new_principal, len(old))
                periods = [_with(p, amount=s) for p, s in zip(old[:-1], shares, strict=False)]
                periods.append(old[-1])
        cols = run_single(Program(principal=new_principal, periods=tuple(periods),
                                  interest_rounding=program.interest_rounding))
        kept = []
        opening = new_principal
        for k, inst in enumerate(future):
            if shorten and opening == 0:
                break  # the plan ends sooner: later installments (and their fees) go
            inst.principal, inst.interest, inst.fee = (cols.principal[k], cols.interest[k],
                                                       cols.fee[k])
            inst.payment = cols.payment[k]
            opening = cols.balance[k]
            kept.append(inst)
        dropped = len(future) - len(kept)
        self.installments = [i for i in self.installments if i.due <= day] + kept
        self.log(day, "reschedule", 0, None, None)
        self.ledger.append(LedgerEvent(
            date=day, kind="reschedule", amount=Decimal(0),
            note=f"{self.terms.overpayment.value}: {len(kept)} installments remain"
                 + (f", {dropped} removed" if dropped else "")))
        return extra - applied

    def pay(self, day: date, amount: int) -> None:
        self.total_paid += amount
        self.log(day, "payment", amount)
        payoff = self.payoff(day)
        if amount >= payoff:
            left = self.settle(day, amount)
        else:
            self.book_penalties(day)
            left = self.allocate(day, amount, list(self.buckets), "allocation")
            if left and self.terms.overpayment is Overpayment.CREDIT_NEXT:
                for inst in self.future(day):
                    if left == 0:
                        break
                    future_buckets = [_Bucket(inst.due, inst.number, c, getattr(inst, c))
                                      for c in ("principal", "interest", "fee")]
                    for b in future_buckets:
                        if b.amount:
                            self.buckets.append(b)
                    inst.is_due = True
                    for component in ("principal", "interest", "fee"):
                        self.log(day, "due", getattr(inst, component), inst.number,
                                 component, note="paid early")
                    left = self.allocate(day, left, future_buckets, "allocation")
            elif left:
                left = self.reschedule(day, left)
        if left:
            self.credit += left
            self.log(day, "credit", left, note="received beyond what is owed")


def _with(period: Period, **changes: Any) -> Period:
    values = {name: getattr(period, name) for name in period.__dataclass_fields__}
    values.update(changes)
    return Period(**values)


def _payments(payments: Iterable[Any], currency: Currency, start: date) -> list[Payment]:
    out: list[Payment] = []
    for k, item in enumerate(payments):
        where = f"payments[{k}]"
        if isinstance(item, Payment):
            payment = item
            if payment.currency is not None and payment.currency != currency:
                raise CurrencyMismatchError(f"{where}.currency", f"must be {currency.code}, "
                                            "the schedule's currency",
                                            received=payment.currency.code)
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            payment = Payment(date=parse_date(item[0], argument=f"{where}.date"),
                              amount=to_decimal(item[1], argument=f"{where}.amount"))
        else:
            raise InvalidArgumentError(where, "must be a Payment or a (date, amount) pair",
                                       received=item)
        minor = parse_money(payment.amount, currency, argument=f"{where}.amount")
        if payment.date < start:
            raise InvalidTermsError(f"{where}.date", f"must not be before the loan starts "
                                    f"({start.isoformat()})",
                                    received=payment.date.isoformat())
        if out and payment.date < out[-1].date:
            raise InvalidArgumentError(f"{where}.date", "payments must be in date order "
                                       f"(previous payment {out[-1].date.isoformat()})",
                                       received=payment.date.isoformat())
        out.append(Payment(date=payment.date, amount=currency.to_major(minor),
                           currency=currency))
    return out


def _replay(schedule: Schedule, payments: Iterable[Any], as_of: Any,
            terms: ServicingTerms | None) -> tuple[_Replay, date]:
    if not isinstance(schedule, Schedule):
        raise InvalidArgumentError("schedule", "must be a Schedule (plan.schedule())",
                                   received=schedule)
    terms = ServicingTerms() if terms is None else terms
    if not isinstance(terms, ServicingTerms):
        raise InvalidArgumentError("terms", "must be a ServicingTerms", received=terms)
    day_of = parse_date(as_of, argument="as_of")
    if day_of < schedule.start:
        raise InvalidTermsError("as_of", f"must not be before the loan starts "
                                f"({schedule.start.isoformat()})", received=day_of.isoformat())
    paid = [p for p in _payments(payments, schedule.currency, schedule.start)
            if p.date <= day_of]
    replay = _Replay(schedule, terms)
    by_day: dict[date, list[int]] = {}
    for p in paid:
        by_day.setdefault(p.date, []).append(schedule.currency.to_minor(p.amount))
    day = schedule.start
    one = timedelta(days=1)
    while day <= day_of:
        replay.fall_due(day)
        if terms.count_payment_date:
            replay.penalty_day(day)
        for amount in by_day.get(day, ()):
            replay.pay(day, amount)
        if not terms.count_payment_date:
            replay.penalty_day(day)
        replay.end_of_grace(day)
        replay.late_fee_day(day)
        if day in by_day:
            replay.book_penalties(day)
        day = _next_day(replay, day, day_of, by_day) if day < day_of else day + one
    replay.book_penalties(day_of)
    return replay, day_of


def _next_day(replay: _Replay, day: date, last: date, by_day: dict[date, list[int]]) -> date:
    """The next day anything can happen: every day while something is overdue, else the
    next due date or payment."""
    one = timedelta(days=1)
    if any(i.is_due and replay.scheduled_unpaid(i) > 0 for i in replay.installments) or \
            replay.penalty_pending or any(i.grace_penalty for i in replay.installments):
        return day + one
    upcoming = [i.due for i in replay.installments if i.due > day]
    upcoming += [d for d in by_day if d > day]
    return min([*upcoming, last])


def loan_state(schedule: Schedule, payments: Iterable[Any] = (), *, as_of: Any,
               terms: ServicingTerms | None = None) -> LoanState:
    """The loan's position on ``as_of`` after replaying ``payments``.

    Parameters
    ----------
    schedule
        The loan's schedule (``plan.schedule()``).
    payments
        :class:`Payment` objects or ``(date, amount)`` pairs (major units), in date
        order; payments dated after ``as_of`` are not yet received and are not applied.
    as_of
        The day of the position (``date`` or ISO string).
    terms
        :class:`ServicingTerms` (default: no grace, no penalty, no late fees).

    Raises
    ------
    InvalidArgumentError
        Zero, negative or over-precise amounts, unsorted payments, a currency mismatch
        (:class:`~bnpl_restructure.errors.CurrencyMismatchError`).
    InvalidTermsError
        A payment or ``as_of`` before the loan starts.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
    ...                   start="2026-01-15").schedule()
    >>> state = loan_state(s, [("2026-02-15", "340.33")], as_of="2026-02-20")
    >>> str(state.outstanding_principal), state.bucket, str(state.payoff_amount)
    ('666.67', 'current', '680.67')
    """
    replay, day_of = _replay(schedule, payments, as_of, terms)
    return _state(replay, day_of)


def _state(replay: _Replay, day_of: date) -> LoanState:
    major = replay.major
    sched = replay.schedule
    # due and unpaid (an installment paid early keeps any rest dated on its due date)
    unpaid = {c: sum(b.amount for b in replay.buckets if b.component == c and b.when <= day_of)
              for c in COMPONENTS}
    future_principal = sum(i.principal for i in replay.future(day_of)) + sum(
        b.amount for b in replay.buckets if b.component == "principal" and b.when > day_of)
    overdue = []
    for inst in replay.installments:
        if inst.due >= day_of or not inst.is_due:
            continue
        parts = {c: replay.unpaid(inst.number, (c,)) for c in COMPONENTS}
        if parts["principal"] + parts["interest"] + parts["fee"] == 0:
            continue
        overdue.append(OverdueInstallment(
            number=inst.number, due_date=inst.due, days_past_due=(day_of - inst.due).days,
            **{c: major(v) for c, v in parts.items()}))
    dpd = max((o.days_past_due for o in overdue), default=0)
    remaining = _remaining(replay, day_of)
    payoff = max(replay.payoff(day_of) - replay.credit, 0)
    return LoanState(
        as_of=day_of, currency=sched.currency, amount_financed=major(sched.principal),
        outstanding_principal=major(unpaid["principal"] + future_principal),
        unpaid_interest=major(unpaid["interest"]), unpaid_fees=major(unpaid["fee"]),
        accrued_penalty=major(unpaid["penalty"]), late_fees=major(unpaid["late_fee"]),
        credit_balance=major(replay.credit), total_paid=major(replay.total_paid),
        paid={c: major(v) for c, v in replay.paid.items()}, overdue=tuple(overdue),
        days_past_due=dpd, payoff_amount=major(payoff), ledger=tuple(replay.ledger),
        terms_name=replay.terms.name, remaining=remaining)


def _remaining(replay: _Replay, day_of: date) -> Schedule | None:
    """The plan still to come: installments due after ``day_of`` with what is left of
    them (an installment paid early in part keeps only its unpaid rest)."""
    rows = []
    for inst in replay.installments:
        if inst.due <= day_of:
            continue
        if inst.is_due:  # paid early, perhaps in part
            parts = [replay.unpaid(inst.number, (c,)) for c in ("principal", "interest", "fee")]
        else:
            parts = [inst.principal, inst.interest, inst.fee]
        if any(parts):
            rows.append((inst, parts))
    if not rows:
        return None
    opening = sum(parts[0] for _, parts in rows)
    balances, left = [], opening
    for _, parts in rows:
        left -= parts[0]
        balances.append(left)
    return Schedule(currency=replay.currency, start=day_of, principal=opening,
                    due_dates=tuple(i.due for i, _ in rows),
                    payment=tuple(sum(parts) for _, parts in rows),
                    principal_paid=tuple(parts[0] for _, parts in rows),
                    interest=tuple(parts[1] for _, parts in rows),
                    fee=tuple(parts[2] for _, parts in rows), balance=tuple(balances),
                    first_number=rows[0][0].number, program=replay.schedule.program,
                    frequency=replay.schedule.frequency)


def payoff_quote(schedule: Schedule, payments: Iterable[Any] = (), *, as_of: Any,
                 terms: ServicingTerms | None = None) -> Decimal:
    """What settles the loan on ``as_of``: everything due and unpaid (penalty and late
    fees included), all future principal, and the future finance charges the terms'
    early-payoff rule keeps, less any credit balance.

    Examples
    --------
    A 12-installment flat-fee plan of 1,200.00 at 0.5% a month (fee 6.00 a month),
    nothing paid yet, quoted on day one: all twelve fees (no rebate) or the rule of 78
    (rebate 72.00 × 12·13 / (12·13) = 72.00, so none):

    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1200", fee_rate="0.005", installments=12,
    ...                   start="2026-01-10").schedule()
    >>> str(payoff_quote(s, as_of="2026-01-10"))
    '1272.00'
    >>> str(payoff_quote(s, as_of="2026-01-10",
    ...                  terms=ServicingTerms(early_payoff="rule_of_78")))
    '1200.00'
    """
    return loan_state(schedule, payments, as_of=as_of, terms=terms).payoff_amount


