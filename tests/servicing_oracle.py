# ruff: noqa
# The servicing module as it was before the replay became event-driven (bnpl_restructure
# 0.x, commit aa0e8c8): a day-by-day reference that tests/test_servicing_replay.py checks
# the event replay against. Kept as it was; not part of the library.
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
>>> state.days_past_due, state.bucket, str(state.unpaid_penalty)
(10, '1-30', '0.53')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from bnpl_restructure._context import in_library_context
from bnpl_restructure.calendar import parse_date
from bnpl_restructure.core import PaymentRule, Period, Program, level_payment, run_single
from bnpl_restructure.errors import (
    CurrencyMismatchError,
    InvalidArgumentError,
    InvalidTermsError,
    parse_enum,
)
from bnpl_restructure.money import Currency, format_money, parse_money, to_decimal
from bnpl_restructure.rates import parse_rate
from bnpl_restructure.rounding import RoundingMode, RoundingPolicy, round_ratio
from bnpl_restructure.schedule import Schedule

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
    """One late-fee tier: ``amount`` plus ``percent`` of the overdue scheduled amount,
    charged when an installment is still unpaid ``days_past_due`` days after its due
    date (and never inside its grace days: a tier that would fall there is charged on
    the first day after them), and again every ``every`` days while it stays unpaid
    (``None``: once)."""

    days_past_due: int
    amount: Decimal = Decimal(0)
    percent: Fraction = Fraction(0)
    every: int | None = None

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
        if not isinstance(self.name, str):
            raise InvalidArgumentError("name", "must be a string", received=self.name)
        for flag in ("count_due_date", "count_payment_date", "late_fee_at_most_payment_due"):
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
        if isinstance(self.waterfall, str):
            raise InvalidArgumentError("waterfall", f"must be a tuple ordering each of "
                                       f"{COMPONENTS} once", received=self.waterfall)
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


# ------------------------------------------------------------------------ records


@dataclass(frozen=True, slots=True, kw_only=True)
class Payment:
    """A payment received: its date, amount (major units, positive) and optionally its
    currency (checked against the schedule's)."""

    date: date
    amount: Decimal
    currency: Currency | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "date", parse_date(self.date, argument="payment.date"))
        amount = to_decimal(self.amount, argument="payment.amount")
        if amount <= 0:
            raise InvalidArgumentError("payment.amount", "must be greater than zero",
                                       received=self.amount)
        object.__setattr__(self, "amount", amount)
        if self.currency is not None:
            object.__setattr__(self, "currency", Currency.of(self.currency))


#: Ledger kinds. ``due``, ``penalty`` and ``late_fee`` charge money; ``allocation`` pays a
#: charge; ``rebate`` forgives a charge; ``refund`` returns money paid on a charge that
#: was rebated (to the credit balance); ``payment`` and ``credit`` are cash in and cash
#: held; ``cancelled`` records scheduled charges of future installments that will never
#: be charged (early payoff, a shortened plan), and ``reschedule`` a re-run plan; these
#: two are information, not charges.
LEDGER_KINDS = ("payment", "due", "penalty", "late_fee", "allocation", "rebate", "refund",
                "credit", "cancelled", "reschedule")


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEvent:
    """One ledger line (see :data:`LEDGER_KINDS`); ``amount`` in major units, >= 0."""

    date: date
    kind: str
    amount: Decimal
    installment: int | None = None
    component: str | None = None
    note: str = ""

    @in_library_context  # str() of a Decimal follows the context's ``capitals``
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (amount as a Decimal string, date ISO)."""
        return {"date": self.date.isoformat(), "kind": self.kind, "amount": str(self.amount),
                "installment": self.installment, "component": self.component,
                "note": self.note}

    @classmethod
    @in_library_context  # Decimal(text): the context decides what a malformed one does
    def from_dict(cls, data: dict[str, Any]) -> LedgerEvent:
        """Inverse of :meth:`to_dict`."""
        return cls(date=parse_date(data["date"], argument="date"), kind=data["kind"],
                   amount=Decimal(data["amount"]), installment=data.get("installment"),
                   component=data.get("component"), note=data.get("note", ""))


@dataclass(frozen=True, slots=True, kw_only=True)
class OverdueInstallment:
    """An installment with money unpaid after its due date; ``in_grace`` while its grace
    days last (it does not count as late yet)."""

    number: int
    due_date: date
    days_past_due: int
    in_grace: bool
    principal: Decimal
    interest: Decimal
    fee: Decimal
    penalty: Decimal
    late_fee: Decimal

    @property
    @in_library_context
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


_MONEY_FIELDS = ("amount_financed", "outstanding_principal", "unpaid_interest",
                 "unpaid_fees", "unpaid_penalty", "unpaid_late_fees", "penalty_charged",
                 "late_fees_charged", "credit_balance", "total_paid", "payoff_amount")


@dataclass(frozen=True, slots=True, kw_only=True)
class LoanState:
    """Where a loan stands on ``as_of`` (money in major units).

    ``outstanding_principal``: all principal not yet paid (due or not).
    ``unpaid_interest`` / ``unpaid_fees`` / ``unpaid_penalty`` / ``unpaid_late_fees``:
    charged and not paid. ``penalty_charged`` / ``late_fees_charged``: charged so far.
    ``credit_balance``: money received beyond what is owed. ``paid``: allocations by
    component (net of refunds). ``payoff_amount``: what settles the loan if paid on
    ``as_of``, under the terms' early-payoff rule. ``days_past_due`` / ``bucket``: of the
    oldest installment late beyond its grace days. ``remaining``: the plan still to come
    (installments due after ``as_of``, as rescheduled); ``schedule``: the schedule the
    state was replayed from.
    """

    as_of: date
    opened: date
    currency: Currency
    amount_financed: Decimal
    outstanding_principal: Decimal
    unpaid_interest: Decimal
    unpaid_fees: Decimal
    unpaid_penalty: Decimal
    unpaid_late_fees: Decimal
    penalty_charged: Decimal
    late_fees_charged: Decimal
    credit_balance: Decimal
    total_paid: Decimal
    paid: Mapping[str, Decimal]
    overdue: tuple[OverdueInstallment, ...]
    days_past_due: int
    payoff_amount: Decimal
    ledger: tuple[LedgerEvent, ...]
    terms_name: str = "custom"
    remaining: Schedule | None = field(default=None, compare=False)
    schedule: Schedule | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "paid", MappingProxyType(dict(self.paid)))

    @property
    def bucket(self) -> str:
        """Delinquency bucket: current, 1-30, 31-60, 61-90 or 90+ days past due."""
        return _bucket_of(self.days_past_due)

    @property
    @in_library_context
    def overdue_amount(self) -> Decimal:
        """Everything unpaid on installments past their due date."""
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

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Pretty printers (IPython, Hypothesis' reports) show the short repr."""
        printer.text(repr(self))

    @in_library_context
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: Decimal strings, ISO dates, no floats (the remaining plan is not
        included: it is a schedule of its own)."""
        out: dict[str, Any] = {"as_of": self.as_of.isoformat(),
                               "opened": self.opened.isoformat(),
                               "currency": self.currency.code, "terms": self.terms_name,
                               "days_past_due": self.days_past_due, "bucket": self.bucket,
                               "overdue_amount": str(self.overdue_amount)}
        out.update({name: str(getattr(self, name)) for name in _MONEY_FIELDS})
        out["paid"] = {k: str(v) for k, v in self.paid.items()}
        out["overdue"] = [{"number": o.number, "due_date": o.due_date.isoformat(),
                           "days_past_due": o.days_past_due, "in_grace": o.in_grace,
                           **{c: str(getattr(o, c)) for c in COMPONENTS}}
                          for o in self.overdue]
        out["ledger"] = [e.to_dict() for e in self.ledger]
        return out

    @classmethod
    @in_library_context
    def from_dict(cls, data: dict[str, Any]) -> LoanState:
        """Inverse of :meth:`to_dict`."""
        money: dict[str, Any] = {name: Decimal(data[name]) for name in _MONEY_FIELDS}
        overdue = tuple(OverdueInstallment(
            number=o["number"], due_date=parse_date(o["due_date"], argument="due_date"),
            days_past_due=o["days_past_due"], in_grace=o["in_grace"],
            **{c: Decimal(o[c]) for c in COMPONENTS}) for o in data["overdue"])
        return cls(as_of=parse_date(data["as_of"], argument="as_of"),
                   opened=parse_date(data["opened"], argument="opened"),
                   currency=Currency.of(data["currency"]),
                   terms_name=data.get("terms", "custom"),
                   paid={k: Decimal(v) for k, v in data["paid"].items()}, overdue=overdue,
                   days_past_due=data["days_past_due"],
                   ledger=tuple(LedgerEvent.from_dict(e) for e in data["ledger"]), **money)


# ----------------------------------------------------------------------- the replay


@dataclass(slots=True)
class _Installment:
    number: int
    due: date
    principal: int       # scheduled parts (a reschedule may change those not yet due)
    interest: int
    fee: int
    payment: int         # scheduled payment (the safe-harbor cap)
    capitalized: int = 0  # interest the schedule adds to the balance in this period
    called: bool = False  # charged: fallen due, paid early, or settled
    early: bool = False   # charged before its due date
    owed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0))
    paid: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0))
    grace_penalty: Fraction = Fraction(0)
    pending: Fraction = Fraction(0)
    penalty_exact: Fraction = Fraction(0)
    penalty_booked: int = 0
    late_fee_total: int = 0

    @property
    def scheduled_owed(self) -> int:
        return self.owed["principal"] + self.owed["interest"] + self.owed["fee"]

    @property
    def charges(self) -> int:
        return self.interest + self.fee

    @property
    def principal_now(self) -> int:
        """Of this installment's principal, what is owed today if it has not fallen due:
        its principal part less the interest the schedule capitalizes in its period (not
        capitalized yet; a negatively amortizing schedule pays it back later)."""
        return self.principal - self.capitalized


class _Replay:
    """Mutable replay state for one loan (internal; the public result is LoanState)."""

    def __init__(self, schedule: Schedule, terms: ServicingTerms) -> None:
        self.schedule = schedule
        self.terms = terms
        self.currency = cur = schedule.currency
        self.rank = {c: k for k, c in enumerate(terms.waterfall)}
        # the last prepayment: (the installment whose period it fell in, its day, the
        # finance charge the early-payoff rule kept that day, exact); added with the
        # engine's fix of a prepayment and a payoff on one day (issue 13 follow-up)
        self.prepaid: tuple[int, date, Fraction] | None = None
        self.installments = [
            _Installment(number=schedule.first_number + k, due=d,
                         principal=schedule.principal_paid[k], interest=schedule.interest[k],
                         fee=schedule.fee[k], payment=schedule.payment[k],
                         capitalized=schedule.capitalized[k])
            for k, d in enumerate(schedule.due_dates)]
        self.by_number = {i.number: i for i in self.installments}
        self.buckets: dict[tuple[date, int, str], int] = {}
        self.ledger: list[LedgerEvent] = []
        self.paid = dict.fromkeys(COMPONENTS, 0)
        self.credit = 0
        self.total_paid = 0
        self.charged = dict.fromkeys(("penalty", "late_fee"), 0)
        self.late_fee_count = 0
        self.pending_through: date | None = None
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
        self.tiers = [(t.days_past_due, t.every,
                       cur.to_minor(t.amount, argument="late_fee.amount"), t.percent)
                      for t in terms.late_fees]
        self.grace = timedelta(days=terms.grace_days)

    # ------------------------------------------------------------ bookkeeping

    def major(self, minor: int) -> Decimal:
        return self.currency.to_major(minor)

    def log(self, when: date, kind: str, minor: int, number: int | None = None,
            component: str | None = None, note: str = "") -> None:
        if minor or kind == "reschedule":
            self.ledger.append(LedgerEvent(date=when, kind=kind, amount=self.major(minor),
                                           installment=number, component=component,
                                           note=note))

    def charge(self, inst: _Installment, component: str, minor: int, when: date,
               day: date, kind: str = "due", note: str = "") -> None:
        """Charge ``minor`` of ``component`` on ``inst``, dated ``when`` in the waterfall."""
        if minor <= 0:
            return
        key = (when, inst.number, component)
        self.buckets[key] = self.buckets.get(key, 0) + minor
        inst.owed[component] += minor
        self.log(day, kind, minor, inst.number, component, note)

    def order_key(self, key: tuple[date, int, str]) -> tuple[Any, ...]:
        when, number, component = key
        if self.terms.order is PaymentOrder.HORIZONTAL:
            return (when, number, self.rank[component])
        return (self.rank[component], when, number)

    def allocate(self, day: date, amount: int, *, up_to: date | None = None) -> int:
        """Pay charges in waterfall order (those dated on or before ``up_to``)."""
        for key in sorted(self.buckets, key=self.order_key):
            if amount == 0:
                break
            when, number, component = key
            if up_to is not None and when > up_to:
                continue
            take = min(amount, self.buckets[key])
            self.buckets[key] -= take
            if self.buckets[key] == 0:
                del self.buckets[key]
            inst = self.by_number[number]
            inst.owed[component] -= take
            inst.paid[component] += take
            self.paid[component] += take
            amount -= take
            self.log(day, "allocation", take, number, component)
        return amount

    def forgive(self, day: date, inst: _Installment, component: str, minor: int,
                note: str) -> None:
        """Rebate ``minor`` of a charged, unpaid component (removes it from the buckets)."""
        left = minor
        for key in sorted((k for k in self.buckets if k[1] == inst.number
                           and k[2] == component), reverse=True):
            take = min(left, self.buckets[key])
            self.buckets[key] -= take
            if self.buckets[key] == 0:
                del self.buckets[key]
            left -= take
        inst.owed[component] -= minor - left
        self.log(day, "rebate", minor - left, inst.number, component, note)

    # ------------------------------------------------------------ the day's steps

    def fall_due(self, day: date) -> None:
        for inst in self.installments:
            if inst.due == day and inst.early:
                inst.early = False  # paid early in part: from today it is simply due
            if inst.due == day and not inst.called:
                inst.called = True
                for component in ("principal", "interest", "fee"):
                    self.charge(inst, component, getattr(inst, component), inst.due, day)

    def late(self, day: date, *, due_today: bool = False) -> list[_Installment]:
        """Installments with scheduled money unpaid after their due date (``due_today``:
        those due on ``day`` itself, at its end)."""
        return [i for i in self.installments if i.called and i.scheduled_owed > 0
                and (i.due == day if due_today else i.due < day)]

    def accrue(self, day: date, late: list[_Installment]) -> None:
        """One day of penalty interest on ``late`` installments (exact; booked later)."""
        terms = self.terms
        if not late or (terms.penalty_rate == 0 and self.min_penalty == 0):
            return
        rate = terms.penalty_rate
        if terms.penalty_base is PenaltyBase.UNPAID_PRINCIPAL_AND_FEES:
            base = sum(i.owed["principal"] + i.owed["fee"] for i in self.installments) + sum(
                i.principal_now for i in self.installments if not i.called)
            charges = [(late[0], base)]
        elif terms.penalty_base is PenaltyBase.OVERDUE_PRINCIPAL:
            charges = [(i, i.owed["principal"]) for i in late]
        else:
            charges = [(i, i.scheduled_owed) for i in late]
        for inst, base in charges:
            if base <= 0:
                continue
            amount = max(base * rate, Fraction(self.min_penalty))
            if day <= inst.due + self.grace:
                if terms.penalty_start is PenaltyStart.DUE_DATE:
                    inst.grace_penalty += amount  # charged only if unpaid after grace
                continue
            inst.pending += amount
        self.pending_through = day

    def end_of_grace(self, day: date) -> None:
        for inst in self.installments:
            if inst.called and inst.due + self.grace == day and inst.grace_penalty:
                if inst.scheduled_owed > 0:
                    inst.pending += inst.grace_penalty
                    self.pending_through = day
                inst.grace_penalty = Fraction(0)

    def book_penalties(self, day: date) -> None:
        """Charge accrued penalty: amount × rate × days, rounded half-up once per booking
        on the running total (no day's rounding is lost)."""
        if self.pending_through is None:
            return
        dated = self.pending_through
        for inst in self.installments:
            if not inst.pending:
                continue
            inst.penalty_exact += inst.pending
            inst.pending = Fraction(0)
            total = inst.penalty_exact
            rounded = round_ratio(total.numerator, total.denominator, RoundingMode.HALF_UP)
            amount = rounded - inst.penalty_booked
            inst.penalty_booked = rounded
            when = inst.due if self.terms.charge_dating is ChargeDating.INSTALLMENT_DUE_DATE \
                else dated
            self.charged["penalty"] += amount
            self.charge(inst, "penalty", amount, when, day, kind="penalty",
                        note=f"accrued through {dated.isoformat()}")
        self.pending_through = None

    def late_fees(self, day: date) -> None:
        """Late fees whose trigger day is ``day`` (charged at the start of the day)."""
        for inst in self.installments:
            if not inst.called or inst.early or inst.due >= day:
                continue
            overdue = inst.scheduled_owed
            if overdue <= 0:
                continue
            days = (day - inst.due).days
            for after, every, flat, percent in self.tiers:
                first = max(after, self.terms.grace_days + 1)
                hit = days == first or (every is not None and days > first
                                        and (days - first) % every == 0)
                if not hit:
                    continue
                fee = flat + round_ratio(overdue * percent.numerator, percent.denominator,
                                         RoundingMode.HALF_UP)
                fee = self.capped_fee(inst, fee)
                if fee <= 0:
                    continue
                inst.late_fee_total += fee
                self.late_fee_count += 1
                self.charged["late_fee"] += fee
                when = inst.due if self.terms.charge_dating is \
                    ChargeDating.INSTALLMENT_DUE_DATE else day
                self.charge(inst, "late_fee", fee, when, day, kind="late_fee",
                            note=f"{days} days past due")

    def capped_fee(self, inst: _Installment, fee: int) -> int:
        terms = self.terms
        if terms.max_late_fees is not None and self.late_fee_count >= terms.max_late_fees:
            return 0
        if self.fee_cap_installment is not None:
            fee = min(fee, self.fee_cap_installment - inst.late_fee_total)
        if self.fee_cap_plan is not None:
            fee = min(fee, self.fee_cap_plan - self.charged["late_fee"])
        if terms.late_fee_at_most_payment_due:
            fee = min(fee, inst.payment - inst.late_fee_total)
        return max(fee, 0)

    # ------------------------------------------------------------ payoff

    def upcoming(self, day: date) -> list[_Installment]:
        """Installments due after ``day`` (charged early or not)."""
        return [i for i in self.installments if i.due > day]

    def rule_charge(self, day: date) -> int:
        """Finance charges (interest and fees) of upcoming installments that an early
        payoff on ``day`` owes under the terms' rule, whether collected yet or not."""
        upcoming = self.upcoming(day)
        if not upcoming:
            return 0
        rule = self.terms.early_payoff
        charges = [i.charges for i in upcoming]
        if rule is EarlyPayoff.ACCRUED_TO_DATE:
            earned = self.accrued(day)
            return round_ratio(earned.numerator, earned.denominator, RoundingMode.HALF_UP)
        if self.prepaid is not None and self.prepaid[0] == upcoming[0].number:
            return int(self.prepaid[2])  # as kept on the prepayment day, to the due date
        if rule is EarlyPayoff.NO_REBATE:
            return sum(charges)
        if rule is EarlyPayoff.CURRENT_PERIOD:
            return charges[0]
        # the plan's finance charge as it now stands (a reschedule may have changed it)
        k, n = len(upcoming), len(self.installments)
        total = sum(i.charges for i in self.installments)
        rebate = round_ratio(total * k * (k + 1), n * (n + 1), RoundingMode.HALF_UP)
        return max(sum(charges) - rebate, 0)  # never more than the upcoming charges

    def accrued(self, day: date) -> Fraction:
        """``ACCRUED_TO_DATE`` unrounded: the next installment's finance charge pro rata
        by days; after a prepayment in its period, what was earned by the prepayment day
        plus the rest of its charge (if any) over the days from then to its due date."""
        first = self.upcoming(day)[0]
        if self.prepaid is not None and self.prepaid[0] == first.number:
            _, since, earned = self.prepaid
            rest = max(first.charges - earned, Fraction(0))
            return earned + rest * Fraction((day - since).days, (first.due - since).days)
        past = [i.due for i in self.installments if i.due <= day]
        opened = max(past) if past else self.schedule.start
        length = (first.due - opened).days
        if length <= 0:
            return Fraction(first.charges)
        return Fraction(first.charges * (day - opened).days, length)

    def settlement(self, day: date) -> tuple[int, int]:
        """(what settles the loan on ``day``, the finance charge still to charge; negative
        when charges collected early exceed what the rule keeps)."""
        upcoming = self.upcoming(day)
        collected = sum(i.paid["interest"] + i.paid["fee"] for i in upcoming)
        owed_early = sum(i.owed["interest"] + i.owed["fee"] for i in upcoming if i.called)
        net = self.rule_charge(day) - collected - owed_early
        principal = sum(i.principal_now for i in upcoming if not i.called)
        return sum(self.buckets.values()) + principal + net - self.credit, net

    def settle(self, day: date, amount: int) -> int:
        """Charge what settling on ``day`` owes (principal of upcoming installments, the
        rule's finance charge), forgive the rest, pay it; returns what is left over."""
        _, net = self.settlement(day)
        upcoming = self.upcoming(day)
        uncalled = [inst for inst in upcoming if not inst.called]
        for inst in uncalled:
            inst.called = inst.early = True
        if uncalled:  # the principal owed today, once (a negatively amortizing schedule
            # has installments whose principal part is less than the interest it adds)
            self.charge(uncalled[0], "principal", sum(i.principal_now for i in uncalled),
                        day, day, note="payoff")
        for inst in upcoming:  # the finance charge the rule keeps, in installment order
            for component in ("interest", "fee"):
                scheduled = getattr(inst, component) if not inst.paid[component] + \
                    inst.owed[component] else 0
                take = min(max(net, 0), scheduled)
                self.charge(inst, component, take, day, day, note="payoff")
                net -= take if net > 0 else 0
                self.log(day, "cancelled", scheduled - take, inst.number, component,
                         note=f"not owed on early payoff ({self.terms.early_payoff.value})")
        if net < 0:  # collected or charged early beyond what the rule keeps: give back
            give = -net
            for inst in reversed(upcoming):
                for component in ("fee", "interest"):
                    take = min(give, inst.owed[component])
                    if take:
                        self.forgive(day, inst, component, take, note="early payoff rebate")
                        give -= take
                    back = min(give, inst.paid[component])
                    if back:  # returned to this payment's funds
                        inst.paid[component] -= back
                        self.paid[component] -= back
                        amount += back
                        self.log(day, "rebate", back, inst.number, component,
                                 note="early payoff rebate of a charge paid early")
                        self.log(day, "refund", back, inst.number, component)
                        give -= back
        for inst in upcoming:  # settled installments fall due today
            inst.due, inst.early = day, False
        return self.allocate(day, amount)

    # ------------------------------------------------------------ payments

    def pay(self, day: date, amount: int) -> None:
        """Apply the day's payments together (splitting a payment changes nothing), with
        any credit balance held from before."""
        self.book_penalties(day)
        amount, self.credit = amount + self.credit, 0
        quote, _ = self.settlement(day)
        if amount >= quote:
            left = self.settle(day, amount)
        else:
            left = self.allocate(day, amount, up_to=day)
            if left:
                left = self.allocate(day, left)  # charges of installments paid early
            if left:
                uncalled = [i for i in self.upcoming(day) if not i.called]
                if self.terms.overpayment is Overpayment.CREDIT_NEXT:
                    left = self.credit_next(day, left, uncalled)
                elif uncalled and sum(i.principal for i in uncalled):
                    left = self.reschedule(day, left, uncalled)
        if left:
            self.credit += left
            self.log(day, "credit", left, note="received beyond what is owed")

    def credit_next(self, day: date, left: int, uncalled: list[_Installment]) -> int:
        for inst in uncalled:
            if left == 0:
                break
            inst.called = inst.early = True
            for component in ("principal", "interest", "fee"):
                self.charge(inst, component, getattr(inst, component), inst.due, day,
                            note="paid early")
            left = self.allocate(day, left)
        return left

    def reschedule(self, day: date, extra: int, future: list[_Installment]) -> int:
        """Prepay principal and re-run the rest of the plan through the core: shortened
        (same installments, ends sooner) or reduced (same dates, smaller installments).

        A prepayment never lowers the finance charges still to come below what an early
        payoff today would keep (``early_payoff``): any difference is added to the next
        installment, so prepaying cannot undercut the payoff quote. Returns what is left
        of ``extra`` after all the principal still to come is prepaid."""
        program = self.schedule.program
        if program is None:
            raise InvalidArgumentError("terms.overpayment", "prepayment against principal "
                                       "needs a schedule made by Plan.schedule() (with its "
                                       "program)")
        keep = self.rule_charge(day)
        self.prepaid = (self.upcoming(day)[0].number, day, self.accrued(day) if
                        self.terms.early_payoff is EarlyPayoff.ACCRUED_TO_DATE
                        else Fraction(keep))
        principal = sum(i.principal_now for i in future)
        applied = min(extra, principal)
        new_principal = principal - applied
        holder = future[0]
        self.charge(holder, "principal", applied, day, day, note="prepaid principal")
        self.allocate_to(day, holder, "principal", applied)
        index = {p.due: k for k, p in enumerate(program.periods)}
        old = [program.periods[index[i.due]] for i in future]
        shorten = self.terms.overpayment is Overpayment.PREPAY_SHORTEN
        periods = [_with(p, amount=i.payment - i.fee) if p.rule is PaymentRule.AMOUNT
                   else _with(p, amount=i.principal) if p.rule is PaymentRule.PRINCIPAL
                   else p for p, i in zip(old, future, strict=True)]
        if not shorten:
            rules = {p.rule for p in old[:-1]}
            if rules <= {PaymentRule.AMOUNT}:
                pay = level_payment(new_principal, [p.factor for p in old],
                                    mode=RoundingMode.HALF_UP)
                periods = [_with(p, amount=pay) for p in old[:-1]] + [old[-1]]
            elif rules <= {PaymentRule.PRINCIPAL}:
                shares = RoundingPolicy().split(new_principal, len(old))
                periods = [_with(p, rule=PaymentRule.PRINCIPAL, amount=s)
                           for p, s in zip(old[:-1], shares, strict=False)]
                periods.append(old[-1])
        cols = run_single(Program(principal=new_principal, periods=tuple(periods),
                                  interest_rounding=program.interest_rounding))
        opening, dropped = new_principal, []
        for k, inst in enumerate(future):
            if shorten and opening == 0 and inst is not holder:
                dropped.append(inst)
                continue
            inst.principal, inst.interest, inst.fee = (cols.principal[k], cols.interest[k],
                                                       cols.fee[k])
            inst.capitalized = cols.capitalized[k]
            inst.payment = cols.payment[k]
            opening = cols.balance[k]
        for inst in dropped:
            for component in ("interest", "fee"):
                self.log(day, "cancelled", getattr(inst, component), inst.number, component,
                         note="plan shortened by a prepayment")
            self.installments.remove(inst)
        kept = [i for i in future if i not in dropped]
        topup = keep - sum(i.charges for i in kept)
        if topup > 0:  # as interest, or as fee in a fee-only plan
            fee_plan = not any(i.interest for i in kept) and any(i.fee for i in kept)
            component = "fee" if fee_plan else "interest"
            setattr(holder, component, getattr(holder, component) + topup)
            holder.payment += topup
        self.log(day, "reschedule", 0,
                 note=f"{self.terms.overpayment.value}: {len(kept)} installments remain"
                      + (f", {len(dropped)} removed" if dropped else "")
                      + (f"; {self.major(topup)} of finance charge kept on installment "
                         f"{holder.number} ({self.terms.early_payoff.value})"
                         if topup > 0 else ""))
        return extra - applied

    def allocate_to(self, day: date, inst: _Installment, component: str, minor: int) -> None:
        key = (day, inst.number, component)
        self.buckets[key] -= minor
        if self.buckets[key] == 0:
            del self.buckets[key]
        inst.owed[component] -= minor
        inst.paid[component] += minor
        self.paid[component] += minor
        self.log(day, "allocation", minor, inst.number, component, note="prepayment")


def _with(period: Period, **changes: Any) -> Period:
    values = {name: getattr(period, name) for name in period.__dataclass_fields__}
    values.update(changes)
    return Period(**values)


def _payments(payments: Iterable[Any] | None, currency: Currency,
              start: date) -> list[Payment]:
    if payments is None or isinstance(payments, (str, bytes, Mapping)):
        raise InvalidArgumentError("payments", "must be a sequence of Payment objects or "
                                   "(date, amount[, currency]) tuples", received=payments)
    out: list[Payment] = []
    for k, item in enumerate(payments):
        where = f"payments[{k}]"
        if isinstance(item, Payment):
            payment = item
        elif isinstance(item, (tuple, list)) and len(item) in (2, 3):
            day = parse_date(item[0], argument=f"{where}.date")
            amount = to_decimal(item[1], argument=f"{where}.amount")
            if amount <= 0:
                raise InvalidArgumentError(f"{where}.amount", "must be greater than zero",
                                           received=item[1])
            payment = Payment(date=day, amount=amount,
                              currency=Currency.of(item[2]) if len(item) == 3 else None)
        else:
            raise InvalidArgumentError(where, "must be a Payment or a (date, amount[, "
                                       "currency]) tuple", received=item)
        if payment.currency is not None and payment.currency != currency:
            raise CurrencyMismatchError(f"{where}.currency", f"must be {currency.code}, the "
                                        "schedule's currency", received=payment.currency.code)
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
            terms: ServicingTerms | None) -> tuple[_Replay, date, int]:
    if not isinstance(schedule, Schedule):
        raise InvalidArgumentError("schedule", "must be a Schedule (plan.schedule())",
                                   received=schedule)
    if schedule.balance and schedule.balance[-1]:
        raise InvalidTermsError(
            "schedule", f"leaves a closing balance of {schedule.closing_balance} (the level "
            "payment kept on the last installment): servicing needs a schedule that pays "
            "the loan off; build the plan with last_installment='payoff'",
            received=str(schedule.closing_balance))
    terms = ServicingTerms() if terms is None else terms
    if not isinstance(terms, ServicingTerms):
        raise InvalidArgumentError("terms", "must be a ServicingTerms", received=terms)
    day_of = parse_date(as_of, argument="as_of")
    if day_of < schedule.start:
        raise InvalidArgumentError("as_of", f"must not be before the loan starts "
                                   f"({schedule.start.isoformat()})",
                                   received=day_of.isoformat())
    received = [p for p in _payments(payments, schedule.currency, schedule.start)
                if p.date <= day_of]
    replay = _Replay(schedule, terms)
    by_day: dict[date, list[int]] = {}
    for p in received:
        by_day.setdefault(p.date, []).append(schedule.currency.to_minor(p.amount))
    day = schedule.start
    quote = 0
    while True:
        last = day == day_of
        if any(i.due == day and not i.called for i in replay.installments):
            replay.book_penalties(day)  # penalty accrued so far, dated before this due date
        replay.fall_due(day)
        replay.late_fees(day)
        if terms.count_payment_date:
            replay.accrue(day, replay.late(day))  # base at the start of the day
        amounts = by_day.get(day, [])
        for amount in amounts:
            replay.total_paid += amount
            replay.log(day, "payment", amount)
        if last:
            # the payoff quote: what one more payment today must add to today's payments
            # (a day's payments are applied together) to settle the loan
            replay.book_penalties(day)
            quote = max(replay.settlement(day)[0] - sum(amounts), 0)
        if amounts:
            replay.pay(day, sum(amounts))
        if last:
            replay.book_penalties(day)
            break
        if not terms.count_payment_date:
            replay.accrue(day, replay.late(day))  # base at the end of the day
        if terms.count_due_date:
            replay.accrue(day, replay.late(day, due_today=True))
        replay.end_of_grace(day)
        day = _next_day(replay, day, day_of, by_day)
    return replay, day_of, quote


def _next_day(replay: _Replay, day: date, last: date, by_day: dict[date, list[int]]) -> date:
    """The next day anything can happen: every day while something is overdue or a
    penalty is pending, else the next due date or payment."""
    one = timedelta(days=1)
    if replay.pending_through is not None or any(
            i.called and i.scheduled_owed > 0 for i in replay.installments) or any(
            i.grace_penalty for i in replay.installments):
        return day + one
    upcoming = [i.due for i in replay.installments if i.due > day and not i.called]
    upcoming += [d for d in by_day if d > day]
    return min([*upcoming, last])


@in_library_context
def loan_state(schedule: Schedule, payments: Iterable[Any] = (), *, as_of: Any,
               terms: ServicingTerms | None = None) -> LoanState:
    """The loan's position on ``as_of`` after replaying ``payments``.

    Parameters
    ----------
    schedule
        The loan's schedule (``plan.schedule()``).
    payments
        :class:`Payment` objects or ``(date, amount[, currency])`` tuples (major units),
        in date order; payments on the same day are applied together; payments dated
        after ``as_of`` are not yet received and are not applied.
    as_of
        The day of the position (``date`` or ISO string). Penalty for ``as_of`` itself
        is counted as a payment that day would be charged (``count_payment_date``).
    terms
        :class:`ServicingTerms` (default: no grace, no penalty, no late fees).

    Raises
    ------
    InvalidArgumentError
        Zero, negative or over-precise amounts, unsorted payments, ``as_of`` before the
        start, a currency mismatch
        (:class:`~bnpl_restructure.errors.CurrencyMismatchError`).
    InvalidTermsError
        A payment dated before the loan starts.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
    ...                   start="2026-01-15").schedule()
    >>> state = loan_state(s, [("2026-02-15", "340.33")], as_of="2026-02-20")
    >>> str(state.outstanding_principal), state.bucket, str(state.payoff_amount)
    ('666.67', 'current', '680.67')
    """
    replay, day_of, quote = _replay(schedule, payments, as_of, terms)
    return _state(replay, day_of, quote)


def _state(replay: _Replay, day_of: date, quote: int) -> LoanState:
    major = replay.major
    sched = replay.schedule
    due = {c: sum(v for (when, _, comp), v in replay.buckets.items()
                  if comp == c and when <= day_of) for c in COMPONENTS}
    principal = sum(v for (_, _, comp), v in replay.buckets.items() if comp == "principal") + \
        sum(i.principal_now for i in replay.installments if not i.called)
    overdue = []
    for inst in replay.installments:
        if inst.early or inst.due >= day_of or not any(inst.owed.values()):
            continue
        days = (day_of - inst.due).days
        overdue.append(OverdueInstallment(
            number=inst.number, due_date=inst.due, days_past_due=days,
            in_grace=days <= replay.terms.grace_days,
            **{c: major(inst.owed[c]) for c in COMPONENTS}))
    dpd = max((o.days_past_due for o in overdue if not o.in_grace), default=0)
    return LoanState(
        as_of=day_of, opened=sched.start, currency=sched.currency,
        amount_financed=major(sched.principal), outstanding_principal=major(principal),
        unpaid_interest=major(due["interest"]), unpaid_fees=major(due["fee"]),
        unpaid_penalty=major(due["penalty"]), unpaid_late_fees=major(due["late_fee"]),
        penalty_charged=major(replay.charged["penalty"]),
        late_fees_charged=major(replay.charged["late_fee"]),
        credit_balance=major(replay.credit), total_paid=major(replay.total_paid),
        paid={c: major(v) for c, v in replay.paid.items()}, overdue=tuple(overdue),
        days_past_due=dpd, payoff_amount=major(quote), ledger=tuple(replay.ledger),
        terms_name=replay.terms.name, remaining=_remaining(replay, day_of),
        schedule=replay.schedule)


def _remaining(replay: _Replay, day_of: date) -> Schedule | None:
    """The plan still to come: installments due after ``day_of`` with what is left of
    them (an installment paid early in part keeps only its unpaid rest)."""
    rows = []
    for inst in replay.installments:
        if inst.due <= day_of:
            continue
        if inst.called:
            parts = [inst.owed[c] for c in ("principal", "interest", "fee")]
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
                    first_number=rows[0][0].number,
                    source=_remaining_program(replay, rows, opening),
                    frequency=replay.schedule.frequency)


def _remaining_program(replay: _Replay, rows: list[tuple[_Installment, list[int]]],
                       opening: int) -> Program | None:
    """The period program of the plan still to come: the original periods of those due
    dates, with the amounts of the rows as they now stand (after any rescheduling)."""
    program = replay.schedule.program
    if program is None:
        return None
    index = {p.due: p for p in program.periods}
    periods = []
    for inst, parts in rows:
        base = index.get(inst.due)
        if base is None:
            return None
        if base.rule is PaymentRule.AMOUNT:
            base = _with(base, amount=parts[0] + parts[1])
        elif base.rule is PaymentRule.PRINCIPAL:
            base = _with(base, amount=parts[0])
        periods.append(_with(base, fee=parts[2]))
    return Program(principal=opening, periods=tuple(periods),
                   interest_rounding=program.interest_rounding)


def payoff_quote(schedule: Schedule, payments: Iterable[Any] = (), *, as_of: Any,
                 terms: ServicingTerms | None = None) -> Decimal:
    """What settles the loan if paid on ``as_of``: everything charged and unpaid
    (penalty and late fees included), the principal still to come, and the finance
    charges of installments not yet due that the terms' early-payoff rule keeps (less
    any collected early beyond that), less the credit balance.

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
