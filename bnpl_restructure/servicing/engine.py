"""The servicing engine: a loan's history replayed event by event, never day by day.

A loan changes only on *event days*: a due date, a payment, a dated charge, the end of an
installment's grace days, a late-fee trigger, and the day asked about. Between two event
days nothing is charged or paid, and penalty interest accrues the same amount each day,
so the engine jumps from event to event and accrues whole stretches at once:

- penalty on an installment (``OVERDUE_INSTALLMENT``, ``OVERDUE_PRINCIPAL``) is accrued
  *lazily*: each installment remembers the first penalty day not yet accrued, and its
  accrual is brought up to date only when its base is about to change (a payment) or
  when it must be booked, so a due date costs nothing for the installments already late;
- penalty on the whole loan (``UNPAID_PRINCIPAL_AND_FEES``) is one accumulator, brought
  up to date at every event from running totals;
- late-fee triggers and grace ends wait in heaps; the payoff quote reads suffix sums.

The work is linear in the number of events (due dates, payments, charges, grace ends,
late-fee triggers), whatever the number of days: a loan asked about on 9999-12-31 costs
what it costs on its last due date. A day's figures are those of a day-by-day replay
(every amount is exact until it is booked, and booking rounds a running total, so how
the days are grouped changes no amount).

Internal: the public face is :func:`~bnpl_restructure.servicing.loan_state` and
:class:`~bnpl_restructure.servicing.LoanState`.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..core import PaymentRule, Period, Program, run_single
from ..daycount import DayCount
from ..errors import InvalidArgumentError, InvalidTermsError
from ..plans import Plan, _level_payment
from ..rounding import RoundingMode, round_ratio
from ..schedule import Schedule
from .accrual import DailyInterest
from .records import Charge, LedgerEvent, Payment
from .terms import (
    COMPONENTS,
    ChargeDating,
    EarlyPayoff,
    InterestMethod,
    LateFeeBase,
    Overpayment,
    PaymentOrder,
    PenaltyBase,
    PenaltyStart,
    ServicingTerms,
)

ONE_DAY = timedelta(days=1)
SCHEDULED = ("principal", "interest", "fee")


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
    grace_penalty: Fraction = Fraction(0)  # accrued inside the grace days, held back
    pending: Fraction = Fraction(0)        # accrued, not booked yet
    penalty_exact: Fraction = Fraction(0)  # accrued and booked, exact
    penalty_booked: int = 0                # booked, rounded (running total)
    late_fee_total: int = 0
    accrued_to: date | None = None  # penalty accrued through this day (None: not late)
    owner: object = None  # the engine that may change it (copy on write)

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

    def copy(self, owner: object) -> _Installment:
        return _Installment(
            number=self.number, due=self.due, principal=self.principal,
            interest=self.interest, fee=self.fee, payment=self.payment,
            capitalized=self.capitalized, called=self.called, early=self.early,
            owed=dict(self.owed), paid=dict(self.paid), grace_penalty=self.grace_penalty,
            pending=self.pending, penalty_exact=self.penalty_exact,
            penalty_booked=self.penalty_booked, late_fee_total=self.late_fee_total,
            accrued_to=self.accrued_to, owner=owner)


def _daily_interest(schedule: Schedule, terms: ServicingTerms) -> DailyInterest | None:
    """The daily-interest accrual of ``terms`` on ``schedule`` (``None``: precomputed)."""
    if terms.interest is not InterestMethod.DAILY:
        return None
    plan = schedule.source if isinstance(schedule.source, Plan) else None
    rate = terms.annual_rate
    if rate is None:
        if plan is None:
            raise InvalidTermsError("terms.annual_rate", "is needed for daily interest on a "
                                    "schedule not made by Plan.schedule() (its rate is "
                                    "unknown)", received=None)
        rate = plan.nominal_annual_rate
    day_count = terms.day_count
    if day_count is None:
        day_count = DayCount.ACT_365_FIXED if plan is None or \
            plan.day_count is DayCount.PER_PERIOD else plan.day_count
    program = schedule.program
    mode = program.interest_rounding if program is not None else RoundingMode.HALF_UP
    return DailyInterest(rate, day_count, terms.compounding, schedule.start, mode)


def _over_61_months(schedule: Schedule) -> bool:
    """Whether the term (start to last due date) exceeds 61 months."""
    start, last = schedule.start, schedule.due_dates[-1]
    months = (last.year - start.year) * 12 + last.month - start.month
    return months > 61 or (months == 61 and last.day > start.day)


def _with(period: Period, **changes: Any) -> Period:
    values = {name: getattr(period, name) for name in period.__dataclass_fields__}
    values.update(changes)
    return Period(**values)


class Engine:
    """Mutable servicing state of one loan, advanced event by event (internal).

    :meth:`advance` processes every event up to a day (its start-of-day steps and its
    payments, not its end-of-day steps, so more payments that day can still come);
    :meth:`view` books what has accrued on a copy and returns it, for a
    :class:`~bnpl_restructure.servicing.LoanState`; :meth:`clone` is the copy.

    Installments are held by number in :attr:`by_number`, and copied on write: a clone
    shares them until one side changes one (:meth:`own`), so going on from a state costs
    the events since, not the size of the loan. Every other container holds numbers.
    """

    def __init__(self, schedule: Schedule, terms: ServicingTerms) -> None:
        self.schedule = schedule
        self.terms = terms
        self.currency = cur = schedule.currency
        self.rank = {c: k for k, c in enumerate(terms.waterfall)}
        self.token = object()
        self.by_number = {
            schedule.first_number + k: _Installment(
                number=schedule.first_number + k, due=d,
                principal=schedule.principal_paid[k], interest=schedule.interest[k],
                fee=schedule.fee[k], payment=schedule.payment[k],
                capitalized=schedule.capitalized[k], owner=self.token)
            for k, d in enumerate(schedule.due_dates)}
        self.order = list(self.by_number)  # numbers in due-date order
        self.by_number[0] = _Installment(number=0, due=schedule.start, principal=0,
                                         interest=0, fee=0, payment=0, called=True,
                                         owner=self.token)  # charges to the loan
        self.open: dict[int, None] = {}  # numbers with money owed
        self.buckets: dict[tuple[date, int, str], int] = {}
        self.queue: list[tuple[tuple[Any, ...], tuple[date, int, str]]] = []  # a heap
        self.demand: tuple[date, date, set[int]] | None = None  # penalty booked on demand
        self.owed_total = dict.fromkeys(COMPONENTS, 0)
        self.ledger: list[LedgerEvent] = []
        self.paid = dict.fromkeys(COMPONENTS, 0)
        self.credit = 0
        self.total_paid = 0
        self.charged = dict.fromkeys(("penalty", "late_fee", "charge"), 0)
        self.late_fee_count = 0
        self.min_penalty = cur.to_minor(terms.penalty_minimum_per_day,
                                        argument="penalty_minimum_per_day")
        self.penalties = terms.penalty_rate != 0 or self.min_penalty != 0
        self.shift = 1 if terms.count_payment_date else 0
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
        order_value = cur.to_major(schedule.principal)
        self.tiers = [(max(t.days_past_due, terms.grace_days + 1), t.every,
                       cur.to_minor(t.amount, argument="late_fee.amount"), t.percent)
                      for t in terms.late_fees if t.applies_to(order_value)]
        self.grace = timedelta(days=terms.grace_days)
        self.rebates: dict[Any, int] = {}  # contract rebates by installments paid or day
        self.daily = _daily_interest(schedule, terms)
        if self.daily is not None:  # interest unknown until it falls due; principal too
            for number in self.order:
                inst = self.by_number[number]
                inst.principal = inst.interest = inst.capitalized = 0
        if terms.early_payoff is EarlyPayoff.RULE_OF_78 and \
                not terms.allow_rule_of_78_over_61_months and _over_61_months(schedule):
            raise InvalidTermsError(
                "terms.early_payoff", "the rule of 78 is prohibited for a term over 61 "
                "months (15 U.S.C. § 1615(b)); use 'actuarial', or set "
                "allow_rule_of_78_over_61_months=True where the statute does not govern "
                "the loan", received=terms.early_payoff.value)
        # inputs, in date order, and how many of each are applied
        self.payments: list[Payment] = []
        self.charge_inputs: list[Charge] = []
        self.applied_payments = 0
        self.applied_charges = 0
        # event queues
        self.triggers: list[tuple[date, int, int]] = []   # (day, installment, tier)
        self.grace_ends: list[tuple[date, int]] = []      # (last grace day, installment)
        self.owing: list[int] = []                       # called installments (a heap)
        self.accruing: dict[int, None] = {}    # late, penalty accrued lazily
        self.uncalled_now = sum(i.principal_now for i in self.installments)
        if self.daily is not None:
            self.uncalled_now = schedule.principal  # principal not charged to any yet
        self.early_called: dict[int, None] = {}
        # the last prepayment against principal: (the installment whose period it fell
        # in, its day, the finance charge the early-payoff rule kept that day, exact)
        self.prepaid: tuple[int, date, Fraction] | None = None
        self.day: date | None = None  # the day in progress (its end-of-day steps to come)
        self._index()

    # ------------------------------------------------------------ copies and indexes

    @property
    def installments(self) -> list[_Installment]:
        """The installments in due-date order (to read)."""
        return [self.by_number[n] for n in self.order]

    def own(self, number: int) -> _Installment:
        """Installment ``number``, this engine's own copy (to change)."""
        inst = self.by_number[number]
        if inst.owner is not self.token:
            inst = self.by_number[number] = inst.copy(self.token)
        return inst

    def clone(self) -> Engine:
        """An independent copy: the books copied, installments shared until changed,
        inputs and ledger lines (immutable) shared."""
        other = Engine.__new__(Engine)
        other.__dict__.update(self.__dict__)
        self.token, other.token = object(), object()  # both sides copy on write now
        other.by_number = dict(self.by_number)
        other.open = dict(self.open)
        other.buckets = dict(self.buckets)
        other.queue = list(self.queue)
        other.owed_total = dict(self.owed_total)
        other.ledger = list(self.ledger)
        other.paid = dict(self.paid)
        other.charged = dict(self.charged)
        other.payments = list(self.payments)
        other.charge_inputs = list(self.charge_inputs)
        other.triggers = list(self.triggers)
        other.grace_ends = list(self.grace_ends)
        other.owing = list(self.owing)
        other.accruing = dict(self.accruing)
        other.early_called = dict(self.early_called)
        if self.daily is not None:
            other.daily = self.daily.copy()
        return other

    def _index(self) -> None:
        """Due dates in order, installments by due date, and suffix sums of finance
        charges and of principal (rebuilt when a reschedule or a payoff changes them)."""
        insts = self.installments
        self.dues = [i.due for i in insts]
        self.due_days = sorted(set(self.dues))
        self.due_at: dict[date, list[int]] = {}
        for inst in insts:
            self.due_at.setdefault(inst.due, []).append(inst.number)
        n = len(insts)
        self.charges_after = [0] * (n + 1)
        self.principal_after = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            self.charges_after[k] = self.charges_after[k + 1] + self.finance(insts[k])
            self.principal_after[k] = self.principal_after[k + 1] + insts[k].principal_now

    def finance(self, inst: _Installment) -> int:
        """The finance charges of ``inst`` an early-payoff rule weighs: its interest and
        fee, or under daily interest its fee alone (interest is owed to the day)."""
        return inst.fee if self.daily is not None else inst.charges

    def major(self, minor: int) -> Decimal:
        return self.currency.to_major(minor)

    # ------------------------------------------------------------ bookkeeping

    def log(self, when: date, kind: str, minor: int, number: int | None = None,
            component: str | None = None, note: str = "") -> None:
        if minor or kind == "reschedule":
            self.ledger.append(LedgerEvent(date=when, kind=kind, amount=self.major(minor),
                                           installment=number or None, component=component,
                                           note=note))

    def charge(self, inst: _Installment, component: str, minor: int, when: date,
               day: date, kind: str = "due", note: str = "") -> None:
        """Charge ``minor`` of ``component`` on ``inst``, dated ``when`` in the waterfall."""
        if minor <= 0:
            return
        key = (when, inst.number, component)
        if key not in self.buckets:
            heapq.heappush(self.queue, (self.order_key(key), key))
        self.buckets[key] = self.buckets.get(key, 0) + minor
        inst.owed[component] += minor
        self.owed_total[component] += minor
        self.open[inst.number] = None
        self.log(day, kind, minor, inst.number, component, note)

    def _take(self, key: tuple[date, int, str], minor: int) -> _Installment:
        self.buckets[key] -= minor
        if self.buckets[key] == 0:
            del self.buckets[key]
        inst = self.own(key[1])
        inst.owed[key[2]] -= minor
        self.owed_total[key[2]] -= minor
        if not any(inst.owed.values()):
            self.open.pop(inst.number, None)
        return inst

    def order_key(self, key: tuple[date, int, str]) -> tuple[Any, ...]:
        when, number, component = key
        if self.terms.order is PaymentOrder.HORIZONTAL:
            return (when, number, self.rank[component])
        return (self.rank[component], when, number)

    def allocate(self, day: date, amount: int, *, up_to: date | None = None) -> int:
        """Pay charges in waterfall order (those dated on or before ``up_to``): from the
        queue of open charges, so a payment costs the charges it reaches, not all."""
        queue, kept = self.queue, []
        horizontal = self.terms.order is PaymentOrder.HORIZONTAL
        demand = self.demand
        while amount and queue:
            entry = heapq.heappop(queue)
            key = entry[1]
            if key not in self.buckets:
                continue  # paid or forgiven since it was queued
            if demand is not None and key[1] in self.accruing and key[1] not in demand[2]:
                # the payment reaches this installment: its penalty first, booked now
                demand[2].add(key[1])
                self.book_one(key[1], demand[0], demand[1])
                heapq.heappush(queue, entry)
                continue
            kept.append(entry)
            when, number, component = key
            if up_to is not None and when > up_to:
                if horizontal:
                    break  # ordered by date first: nothing later is due either
                continue
            take = min(amount, self.buckets[key])
            inst = self._take(key, take)
            inst.paid[component] += take
            self.paid[component] += take
            amount -= take
            self.log(day, "allocation", take, number, component)
        for entry in kept:
            if entry[1] in self.buckets:
                heapq.heappush(queue, entry)
        return amount

    def allocate_to(self, day: date, number: int, component: str, minor: int) -> None:
        inst = self._take((day, number, component), minor)
        inst.paid[component] += minor
        self.paid[component] += minor
        self.log(day, "allocation", minor, inst.number, component, note="prepayment")

    def forgive(self, day: date, inst: _Installment, component: str, minor: int,
                note: str) -> None:
        """Rebate ``minor`` of a charged, unpaid component (removes it from the buckets)."""
        left = minor
        for key in sorted((k for k in self.buckets if k[1] == inst.number
                           and k[2] == component), reverse=True):
            take = min(left, self.buckets[key])
            self._take(key, take)
            left -= take
        self.log(day, "rebate", minor - left, inst.number, component, note)

    def call(self, inst: _Installment, day: date, *, early: bool, note: str = "") -> None:
        """Charge an installment's scheduled parts (on its due date, or early); under daily
        interest, its parts are found now: the interest accrued since the last one first
        (at most the installment), the rest of its scheduled amount principal (the last
        installment: all the principal left)."""
        booked = 0  # interest booked to it before (a prepayment's interest to the day)
        if self.daily is not None:
            self.accrue_interest(day)
            room = max(inst.payment - inst.fee - inst.interest, 0)
            booked = inst.interest
            if inst.number == self.order[-1]:
                inst.interest += self.daily.book()
                inst.principal = self.uncalled_now
            else:
                inst.interest += self.daily.book(room)
                inst.principal = min(room - (inst.interest - booked), self.uncalled_now)
            inst.payment = inst.principal + inst.interest + inst.fee
        inst.called = True
        inst.early = early
        self.uncalled_now -= inst.principal_now
        if early:
            self.early_called[inst.number] = None
        heapq.heappush(self.owing, inst.number)
        for component in SCHEDULED:
            amount = getattr(inst, component) - (booked if component == "interest" else 0)
            self.charge(inst, component, amount, inst.due, day, note=note)

    # ------------------------------------------------------------ the event loop

    def add(self, payments: list[Payment], charges: list[Charge]) -> None:
        """Queue more inputs (each list in date order, none before the day in progress)."""
        self.payments.extend(payments)
        self.charge_inputs.extend(charges)

    def advance(self, until: date) -> None:
        """Process every event through ``until``: its start-of-day steps and its inputs
        (payments and charges dated ``until``), not its end-of-day steps."""
        if self.day is None:
            self.day = self.schedule.start
            self.start_of_day(self.day)
        while True:
            self.inputs(self.day)
            if self.day >= until:
                return
            self.end_of_day(self.day)
            nxt = self.next_event(self.day, until)
            if self.penalties and self.terms.penalty_base is \
                    PenaltyBase.UNPAID_PRINCIPAL_AND_FEES:
                self.accrue_loan(self.day + ONE_DAY, nxt - ONE_DAY)
            self.day = nxt
            self.start_of_day(nxt)

    def next_event(self, day: date, until: date) -> date:
        candidates = [until]
        k = bisect_right(self.due_days, day)
        if k < len(self.due_days):
            candidates.append(self.due_days[k])
        if self.applied_payments < len(self.payments):
            candidates.append(self.payments[self.applied_payments].date)
        if self.applied_charges < len(self.charge_inputs):
            candidates.append(self.charge_inputs[self.applied_charges].date)
        if self.triggers:
            candidates.append(self.triggers[0][0])
        if self.grace_ends:
            candidates.append(self.grace_ends[0][0])
        return max(min(candidates), day + ONE_DAY)

    def start_of_day(self, day: date) -> None:
        due_today = [n for n in self.due_at.get(day, ()) if self.by_number[n].due == day
                     and (self.by_number[n].early or not self.by_number[n].called)]
        if due_today and self.penalties and \
                self.terms.charge_dating is ChargeDating.CHARGE_DATE:
            self.book_penalties(day, day - ONE_DAY)  # dated before this due date
        for number in due_today:
            inst = self.own(number)
            if inst.early:
                inst.early = False  # paid early in part: from today it is simply due
                del self.early_called[inst.number]
                if self.daily is not None:
                    self.resplit(inst, day)
            else:
                self.call(inst, day, early=False)
            self.late_from(inst)
        self.late_fees(day)
        if self.shift and self.penalties and \
                self.terms.penalty_base is PenaltyBase.UNPAID_PRINCIPAL_AND_FEES:
            self.accrue_loan(day, day)  # base at the start of the day

    def inputs(self, day: date) -> None:
        """Charges, then payments, dated ``day`` not applied yet (each payment in turn)."""
        while self.applied_charges < len(self.charge_inputs) and \
                self.charge_inputs[self.applied_charges].date == day:
            self.add_charge(day, self.charge_inputs[self.applied_charges])
            self.applied_charges += 1
        while self.applied_payments < len(self.payments) and \
                self.payments[self.applied_payments].date == day:
            amount = self.currency.to_minor(self.payments[self.applied_payments].amount)
            self.applied_payments += 1
            self.total_paid += amount
            self.log(day, "payment", amount)
            self.pay(day, amount)

    def end_of_day(self, day: date) -> None:
        if self.penalties:
            loan_level = self.terms.penalty_base is PenaltyBase.UNPAID_PRINCIPAL_AND_FEES
            if loan_level and not self.shift:
                self.accrue_loan(day, day)  # base at the end of the day
            if self.terms.count_due_date:
                self.accrue_due_day(day, loan_level)
        while self.grace_ends and self.grace_ends[0][0] <= day:
            _, number = heapq.heappop(self.grace_ends)
            self.end_of_grace(day, self.own(number))

    def add_charge(self, day: date, charge: Charge) -> None:
        if charge.installment is not None and charge.installment not in self.by_number:
            raise InvalidArgumentError(
                "charges", f"the charge dated {day.isoformat()} is to installment "
                f"{charge.installment}, which a prepayment removed from the plan "
                "(prepay_shorten): charge it to the loan (installment=None)",
                received=charge.installment)
        inst = self.own(charge.installment or 0)
        minor = self.currency.to_minor(charge.amount)
        self.charged["charge"] += minor
        when = inst.due if charge.installment is not None and \
            self.terms.charge_dating is ChargeDating.INSTALLMENT_DUE_DATE else day
        self.charge(inst, "charge", minor, when, day, kind="charge", note=charge.name)

    # ------------------------------------------------------------ penalty interest

    def late_from(self, inst: _Installment) -> None:
        """``inst`` fell due today: from tomorrow it accrues penalty, its grace days end,
        its late-fee tiers are waiting."""
        if self.penalties:
            if self.terms.penalty_base is not PenaltyBase.UNPAID_PRINCIPAL_AND_FEES:
                inst.accrued_to = inst.due
                self.accruing[inst.number] = None
            heapq.heappush(self.grace_ends, (inst.due + self.grace, inst.number))
        for k, (first, _, _, _) in enumerate(self.tiers):
            heapq.heappush(self.triggers, (inst.due + timedelta(days=first), inst.number, k))

    def per_day(self, base: int) -> Fraction:
        if base <= 0:
            return Fraction(0)
        return max(base * self.terms.penalty_rate, Fraction(self.min_penalty))

    def base_of(self, inst: _Installment) -> int:
        if self.terms.penalty_base is PenaltyBase.OVERDUE_PRINCIPAL:
            return inst.owed["principal"] if inst.scheduled_owed > 0 else 0
        return inst.scheduled_owed

    def add_days(self, inst: _Installment, first: date, last: date, amount: Fraction) -> None:
        """``amount`` a day for the penalty days ``first``..``last`` of ``inst``: inside its
        grace days held back (or not charged, ``GRACE_END``), after them pending."""
        if last < first or not amount:
            return
        grace_end = inst.due + self.grace
        held = (min(last, grace_end) - first).days + 1
        if held > 0 and self.terms.penalty_start is PenaltyStart.DUE_DATE:
            inst.grace_penalty += amount * held
        charged = (last - max(first, grace_end + ONE_DAY)).days + 1
        if charged > 0:
            inst.pending += amount * charged

    def accrue_to(self, inst: _Installment, last: date) -> None:
        """Bring the penalty of ``inst`` up to penalty day ``last`` at its current base
        (the base has not changed since the days not yet accrued)."""
        if inst.accrued_to is None or last <= inst.accrued_to:
            return
        self.add_days(inst, inst.accrued_to + ONE_DAY, last, self.per_day(self.base_of(inst)))
        inst.accrued_to = last

    def accrue_due_day(self, day: date, loan_level: bool) -> None:
        """``count_due_date``: the due date itself is a penalty day, at the end-of-day base
        of the installments due that day and still unpaid."""
        today = [self.own(n) for n in self.due_at.get(day, ())
                 if self.by_number[n].due == day and self.by_number[n].called
                 and not self.by_number[n].early and self.by_number[n].scheduled_owed > 0]
        if not today:
            return
        if loan_level:
            self.add_days(today[0], day, day, self.per_day(self.loan_base()))
        else:
            for inst in today:
                self.add_days(inst, day, day, self.per_day(self.base_of(inst)))

    def loan_base(self) -> int:
        """All unpaid principal (due or not) and unpaid fees."""
        return self.owed_total["principal"] + self.owed_total["fee"] + self.uncalled_now

    def oldest_late(self, day: date) -> int | None:
        owing = self.owing
        while owing:
            inst = self.by_number.get(owing[0])
            if inst is not None and inst.called and inst.scheduled_owed > 0:
                return inst.number if inst.due < day else None
            heapq.heappop(owing)
        return None

    def accrue_loan(self, first: date, last: date) -> None:
        """``UNPAID_PRINCIPAL_AND_FEES``: penalty days ``first``..``last`` (no event among
        them) on the loan's base, charged to its oldest late installment."""
        if last < first:
            return
        number = self.oldest_late(first)
        if number is None:
            return
        self.add_days(self.own(number), first, last, self.per_day(self.loan_base()))
        self.accruing[number] = None

    def end_of_grace(self, day: date, inst: _Installment) -> None:
        self.accrue_to(inst, day)
        if inst.grace_penalty:
            if inst.called and inst.scheduled_owed > 0:
                inst.pending += inst.grace_penalty
                self.accruing[inst.number] = None
            inst.grace_penalty = Fraction(0)

    def book_penalties(self, day: date, through: date) -> None:
        """Charge the penalty accrued through ``through``: amount × rate × days, rounded
        half-up once per booking on the running total (no day's rounding is lost)."""
        for number in sorted(self.accruing):
            self.book_one(number, day, through)

    def book_one(self, number: int, day: date, through: date) -> None:
        """:meth:`book_penalties` for one installment."""
        inst = self.own(number)
        self.accrue_to(inst, through)
        if inst.pending:
            inst.penalty_exact += inst.pending
            inst.pending = Fraction(0)
            total = inst.penalty_exact
            rounded = round_ratio(total.numerator, total.denominator, RoundingMode.HALF_UP)
            amount = rounded - inst.penalty_booked
            inst.penalty_booked = rounded
            self.charged["penalty"] += amount
            dated_by_charge = self.terms.charge_dating is ChargeDating.CHARGE_DATE
            self.charge(inst, "penalty", amount, through if dated_by_charge else inst.due,
                        day, kind="penalty", note=f"accrued through {through.isoformat()}")
        if self.base_of(inst) == 0 and not inst.grace_penalty:
            del self.accruing[number]

    # ------------------------------------------------------------ late fees

    def late_fees(self, day: date) -> None:
        """Late fees whose trigger day is ``day`` (charged at the start of the day)."""
        while self.triggers and self.triggers[0][0] <= day:
            _, number, k = heapq.heappop(self.triggers)
            seen = self.by_number.get(number)
            if seen is None or not seen.called or seen.early or seen.due >= day or \
                    seen.scheduled_owed <= 0:
                continue  # paid (it never falls due again) or no longer in the plan
            inst = self.own(number)
            _, every, flat, percent = self.tiers[k]
            fee = flat + round_ratio(self.fee_base(inst) * percent.numerator,
                                     percent.denominator, RoundingMode.HALF_UP)
            fee = self.capped_fee(inst, fee)
            if fee > 0:
                inst.late_fee_total += fee
                self.late_fee_count += 1
                self.charged["late_fee"] += fee
                when = inst.due if self.terms.charge_dating is \
                    ChargeDating.INSTALLMENT_DUE_DATE else day
                self.charge(inst, "late_fee", fee, when, day, kind="late_fee",
                            note=f"{(day - inst.due).days} days past due")
            if every is not None and (flat or percent) and not self.fees_exhausted(inst):
                heapq.heappush(self.triggers, (day + timedelta(days=every), number, k))

    def fee_base(self, inst: _Installment) -> int:
        base = self.terms.late_fee_base
        if base is LateFeeBase.PRINCIPAL:
            return inst.owed["principal"]
        if base is LateFeeBase.PRINCIPAL_AND_INTEREST:
            return inst.owed["principal"] + inst.owed["interest"]
        return inst.scheduled_owed

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

    def fees_exhausted(self, inst: _Installment) -> bool:
        """No cap leaves room for another late fee on ``inst`` (its recurring tier stops)."""
        return self.capped_fee(inst, 1) == 0

    # ------------------------------------------------------------ payoff

    def first_upcoming(self, day: date) -> int:
        """Index of the first installment due after ``day``."""
        return bisect_right(self.dues, day)

    def rule_charge(self, day: date) -> int:
        """Finance charges (interest and fees) of upcoming installments that an early
        payoff on ``day`` owes under the terms' rule, whether collected yet or not.
        In the period of a prepayment against principal, never less than the rule kept
        on the prepayment day (:meth:`accrued`; the other rules keep that amount)."""
        k0 = self.first_upcoming(day)
        insts = self.order
        if k0 == len(insts):
            return 0
        rule = self.terms.early_payoff
        if rule is EarlyPayoff.ACCRUED_TO_DATE:
            earned = self.accrued(day, k0)
            return round_ratio(earned.numerator, earned.denominator, RoundingMode.HALF_UP)
        if self.prepaid is not None and self.prepaid[0] == insts[k0]:
            return int(self.prepaid[2])  # kept as on the prepayment day, to the due date
        if rule is EarlyPayoff.NO_REBATE:
            return self.charges_after[k0]
        nxt = self.finance(self.by_number[insts[k0]])
        if rule is EarlyPayoff.CURRENT_PERIOD:
            return nxt
        if rule in (EarlyPayoff.ACTUARIAL, EarlyPayoff.UK_2004):
            return max(self.charges_after[k0] - self.contract_rebate(day, k0), 0)
        # the plan's finance charge as it now stands (a reschedule may have changed it)
        k, n = len(insts) - k0, len(insts)
        rebate = round_ratio(self.charges_after[0] * k * (k + 1), n * (n + 1),
                             RoundingMode.HALF_UP)
        return max(self.charges_after[k0] - rebate, 0)  # never more than upcoming charges

    def accrued(self, day: date, k0: int) -> Fraction:
        """``ACCRUED_TO_DATE``, exact: the finance charge of installment ``k0`` (the
        first due after ``day``) earned by ``day``, its period pro rata by days.

        After a prepayment in the period (:attr:`prepaid`), what was earned by the
        prepayment day stays earned, and the rest of the installment's finance charge as
        re-run (if any) is earned over the days left to its due date: the principal
        prepaid stops earning from that day, never before it. So a prepayment and a
        payoff on one day cost what a payoff of their sum costs."""
        inst = self.by_number[self.order[k0]]
        nxt = self.finance(inst)
        if self.prepaid is not None and self.prepaid[0] == inst.number:
            _, since, earned = self.prepaid
            rest = max(nxt - earned, Fraction(0))
            return earned + rest * (day - since).days / (inst.due - since).days
        opened = self.by_number[self.order[k0 - 1]].due if k0 else self.schedule.start
        length = (inst.due - opened).days
        if length <= 0:
            return Fraction(nxt)
        return Fraction(nxt * (day - opened).days, length)

    def contract_rebate(self, day: date, paid: int) -> int:
        """The actuarial or UK 2004 rebate of an early payoff on ``day`` (``paid``
        installments due by then), on the contract's schedule (cached)."""
        from ..early_settlement import _rebate_minor
        uk = self.terms.early_payoff is EarlyPayoff.UK_2004
        key = day if uk else paid
        if key not in self.rebates:
            self.rebates[key] = _rebate_minor(
                self.schedule, day, method=self.terms.early_payoff.value,
                paid_installments=paid, deferral=self.terms.rebate_deferral)
        return self.rebates[key]

    def payoff_rebate(self, day: date) -> int:
        """Of the finance charges still scheduled after ``day``, what an early payoff on
        ``day`` does not owe under the terms' rule."""
        return self.charges_after[self.first_upcoming(day)] - self.rule_charge(day)

    def accrue_interest(self, day: date) -> None:
        """Daily interest: accrue through ``day`` on what is unpaid now."""
        if self.daily is not None:
            k = bisect_right(self.dues, self.daily.since) - 1
            anchor = self.dues[k] if k >= 0 else self.schedule.start
            self.daily.accrue(day, self.owed_total["principal"] + self.uncalled_now,
                              self.owed_total["interest"], anchor)

    def settle_penalty_days(self, inst: _Installment, day: date) -> None:
        """Accrue the penalty days of ``inst`` before ``day``'s change to its base."""
        if self.penalties and inst.accrued_to is not None:
            self.accrue_to(inst, day - ONE_DAY + timedelta(days=self.shift))

    def resplit(self, inst: _Installment, day: date) -> None:
        """Daily interest: an installment called early and paid in part falls due; the
        interest accrued since it was called comes first, so as much of its unpaid
        principal becomes interest (the principal goes back to the plan still to come)."""
        self.accrue_interest(day)
        if self.daily is None:
            return
        if inst.number == self.order[-1]:  # the last: all the interest, on top
            amount = self.daily.book()
            inst.interest += amount
            inst.payment += amount
            self.charge(inst, "interest", amount, day, day,
                        note="accrued since it was paid early in part")
            return
        amount = self.daily.book(inst.owed["principal"])
        if not amount:
            return
        self.settle_penalty_days(inst, day)
        left = amount
        for key in sorted((k for k in self.buckets if k[1] == inst.number
                           and k[2] == "principal"), reverse=True):
            take = min(left, self.buckets[key])
            self._take(key, take)
            left -= take
        inst.principal -= amount
        inst.interest += amount
        self.uncalled_now += amount
        self.log(day, "rebate", amount, inst.number, "principal",
                 note="re-split on its due date: interest accrued since it was paid early")
        self.charge(inst, "interest", amount, day, day,
                    note="accrued since it was paid early in part")

    def book_interest(self, day: date, note: str) -> None:
        """Daily interest accrued and not booked yet falls due today, on the next
        installment (or the last, when none is to come)."""
        if self.daily is None or not self.order:
            return
        self.accrue_interest(day)
        amount = self.daily.book()
        if amount:
            k0 = self.first_upcoming(day)
            number = self.order[min(k0, len(self.order) - 1)]
            inst = self.own(number)
            self.settle_penalty_days(inst, day)  # its penalty so far, on the base before
            inst.interest += amount
            if inst.called:  # one not due yet keeps its scheduled amount (interest first)
                inst.payment += amount
            self.charge(inst, "interest", amount, day, day, note=note)

    def settlement(self, day: date) -> tuple[int, int]:
        """(what settles the loan on ``day``, the finance charge still to charge; negative
        when charges collected early exceed what the rule keeps)."""
        early = [i for i in map(self.by_number.__getitem__, self.early_called)
                 if i.due > day]
        if self.daily is not None:  # interest to the day; the rule applies to fees
            collected = sum(i.paid["fee"] for i in early)
            owed_early = sum(i.owed["fee"] for i in early)
            net = self.rule_charge(day) - collected - owed_early
            self.accrue_interest(day)
            return (sum(self.owed_total.values()) + self.uncalled_now + self.daily.pending()
                    + net - self.credit, net)
        collected = sum(i.paid["interest"] + i.paid["fee"] for i in early)
        owed_early = sum(i.owed["interest"] + i.owed["fee"] for i in early)
        net = self.rule_charge(day) - collected - owed_early
        principal = self.principal_after[self.first_upcoming(day)] - sum(
            i.principal_now for i in early)
        return sum(self.owed_total.values()) + principal + net - self.credit, net

    def settle(self, day: date, amount: int) -> int:
        """Charge what settling on ``day`` owes (principal of upcoming installments, the
        rule's finance charge), forgive the rest, pay it; returns what is left over."""
        _, net = self.settlement(day)
        self.book_interest(day, note="payoff: interest to the day")
        upcoming = [self.own(n) for n in self.order[self.first_upcoming(day):]]
        uncalled = [inst for inst in upcoming if not inst.called]
        principal = self.uncalled_now if self.daily is not None else sum(
            i.principal_now for i in uncalled)
        if self.daily is not None and uncalled:
            uncalled[0].principal = principal
        for inst in uncalled:
            inst.called = inst.early = True
            self.uncalled_now -= inst.principal_now
        if uncalled:  # the principal owed today, once (a negatively amortizing schedule
            # has installments whose principal part is less than the interest it adds)
            self.charge(uncalled[0], "principal", principal, day, day, note="payoff")
        for inst in upcoming:  # the finance charge the rule keeps, in installment order
            for component in ("interest", "fee"):
                scheduled = getattr(inst, component) if not inst.paid[component] + \
                    inst.owed[component] else 0
                if self.daily is not None and component == "interest":
                    continue  # owed to the day, booked above
                take = min(max(net, 0), scheduled)
                self.charge(inst, component, take, day, day, note="payoff")
                net -= take if net > 0 else 0
                self.log(day, "cancelled", scheduled - take, inst.number, component,
                         note=f"not owed on early payoff ({self.terms.early_payoff.value})")
        if net < 0:  # collected or charged early beyond what the rule keeps: give back
            amount += self.give_back(day, upcoming, -net)
        for inst in upcoming:  # settled installments fall due today
            inst.due, inst.early = day, False
            heapq.heappush(self.owing, inst.number)
        self.early_called = {}
        self._index()
        return self.allocate(day, amount)

    def give_back(self, day: date, upcoming: list[_Installment], give: int) -> int:
        """Rebate ``give`` of finance charges charged or paid early, latest first; returns
        what is returned to the payment's funds. Under daily interest the rule weighs
        fees only (interest is owed to the day), so only fees are given back."""
        returned = 0
        components = ("fee",) if self.daily is not None else ("fee", "interest")
        for inst in reversed(upcoming):
            for component in components:
                take = min(give, inst.owed[component])
                if take:
                    self.forgive(day, inst, component, take, note="early payoff rebate")
                    give -= take
                back = min(give, inst.paid[component])
                if back:  # returned to this payment's funds
                    inst.paid[component] -= back
                    self.paid[component] -= back
                    returned += back
                    self.log(day, "rebate", back, inst.number, component,
                             note="early payoff rebate of a charge paid early")
                    self.log(day, "refund", back, inst.number, component)
                    give -= back
        return returned

    # ------------------------------------------------------------ payments

    def pay(self, day: date, amount: int) -> None:
        """Apply a payment (with any credit balance held from before)."""
        through = day - ONE_DAY + timedelta(days=self.shift)
        # Penalty is booked before the payment is applied. With the usual order (oldest
        # installment first, penalty dated with its installment) only the installments
        # the payment reaches need it, and they are booked as it reaches them: a small
        # payment on a long overdue plan costs what it pays, not the whole plan.
        on_demand = self.penalties and self.terms.order is PaymentOrder.HORIZONTAL and \
            self.terms.charge_dating is ChargeDating.INSTALLMENT_DUE_DATE
        if self.penalties and not on_demand:
            self.book_penalties(day, through)
        if self.daily is not None and self.order and \
                day > self.by_number[self.order[-1]].due:
            self.book_interest(day, note="accrued since the last due date")
        amount, self.credit = amount + self.credit, 0
        quote, _ = self.settlement(day)
        if on_demand and amount >= quote and self.accruing:
            self.book_penalties(day, through)  # perhaps a payoff: everything booked first
            quote, _ = self.settlement(day)
        if amount >= quote and amount > sum(
                v for (when, _, _), v in self.buckets.items() if when <= day):
            # an early payoff: more than is due today, and enough to settle (a payment of
            # just what is due pays it, even when nothing else would be owed today: the
            # installments to come stay as scheduled)
            left = self.settle(day, amount)
        else:
            self.demand = (day, through, set()) if on_demand else None
            left = self.allocate(day, amount, up_to=day)
            if left:
                left = self.allocate(day, left)  # charges of installments paid early
            if left:
                k0 = self.first_upcoming(day)
                uncalled = (n for n in self.order[k0:] if not self.by_number[n].called)
                if self.terms.overpayment is Overpayment.CREDIT_NEXT:
                    left = self.credit_next(day, left, uncalled)
                elif self.daily is not None:
                    left = self.prepay_daily(day, left, [self.own(n) for n in uncalled])
                else:
                    future = [self.own(n) for n in uncalled]
                    if future and sum(i.principal for i in future):
                        left = self.reschedule(day, left, future)
        self.demand = None
        if left:
            self.credit += left
            self.log(day, "credit", left, note="received beyond what is owed")

    def credit_next(self, day: date, left: int, uncalled: Iterable[int]) -> int:
        for number in uncalled:
            if left == 0:
                break
            self.call(self.own(number), day, early=True, note="paid early")
            left = self.allocate(day, left)
        return left

    def prepay_daily(self, day: date, extra: int, future: list[_Installment]) -> int:
        """Daily interest: ``extra`` pays the interest accrued to the day, then principal
        not yet due (the interest it would have earned is saved); the installments to come
        keep their amounts (``PREPAY_SHORTEN``: the plan ends sooner) or are re-levelled
        over the same dates at the contract rate (``PREPAY_REDUCE``)."""
        if not future or not self.uncalled_now:
            return extra
        holder = future[0]
        self.book_interest(day, note="interest to the day of a prepayment")
        extra = self.allocate(day, extra)
        applied = min(extra, self.uncalled_now)
        if applied:
            self.charge(holder, "principal", applied, day, day, note="prepaid principal")
            self.allocate_to(day, holder.number, "principal", applied)
            self.uncalled_now -= applied
        if self.terms.overpayment is Overpayment.PREPAY_REDUCE and self.uncalled_now:
            program = self.schedule.program
            periods = {p.due: p for p in program.periods} if program is not None else {}
            factors = [periods[i.due].factor if i.due in periods else Fraction(0)
                       for i in future]
            policy = self.schedule.rounding_policy
            level = _level_payment(self.uncalled_now, tuple(factors), mode=policy.payment,
                                   balloon=0, increment=policy.increment_in(self.currency))
            for inst in future:
                inst.payment = level + inst.fee
        self.log(day, "reschedule", 0, note=f"{self.terms.overpayment.value}: "
                 f"{self.major(applied)} of principal prepaid")
        return extra - applied

    def reschedule(self, day: date, extra: int, future: list[_Installment]) -> int:
        """Prepay principal and re-run the rest of the plan through the core: shortened
        (same installments, ends sooner) or reduced (same dates, smaller installments).

        A prepayment never lowers the finance charges still to come below what an early
        payoff today would keep (``early_payoff``): any difference is added to the next
        installment, so prepaying cannot undercut the payoff quote; and what the rule
        kept today stays kept in this period (:attr:`prepaid`), so a payoff later today
        owes what a payoff of both would. Returns what is left of ``extra`` after all the
        principal still to come is prepaid."""
        program = self.schedule.program
        if program is None:
            raise InvalidArgumentError("terms.overpayment", "prepayment against principal "
                                       "needs a schedule made by Plan.schedule() (with its "
                                       "program)")
        keep = self.rule_charge(day)
        k0 = self.first_upcoming(day)
        self.prepaid = (self.order[k0], day, self.accrued(day, k0) if self.terms.early_payoff
                        is EarlyPayoff.ACCRUED_TO_DATE else Fraction(keep))
        principal = sum(i.principal_now for i in future)
        applied = min(extra, principal)
        new_principal = principal - applied
        holder = future[0]
        self.charge(holder, "principal", applied, day, day, note="prepaid principal")
        self.allocate_to(day, holder.number, "principal", applied)
        index = {p.due: k for k, p in enumerate(program.periods)}
        old = [program.periods[index[i.due]] for i in future]
        shorten = self.terms.overpayment is Overpayment.PREPAY_SHORTEN
        periods = [_with(p, amount=i.payment - i.fee) if p.rule is PaymentRule.AMOUNT
                   else _with(p, amount=i.principal) if p.rule is PaymentRule.PRINCIPAL
                   else p for p, i in zip(old, future, strict=True)]
        if not shorten:  # re-levelled as the plan rounds its payments
            policy = self.schedule.rounding_policy
            increment = policy.increment_in(self.currency)
            rules = {p.rule for p in old[:-1]}
            if rules <= {PaymentRule.AMOUNT}:
                pay = _level_payment(new_principal, tuple(p.factor for p in old),
                                     mode=policy.payment, balloon=0, increment=increment)
                periods = [_with(p, amount=pay) for p in old[:-1]] + [old[-1]]
            elif rules <= {PaymentRule.PRINCIPAL}:
                shares = policy.split(new_principal, len(old), increment=increment)
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
            del self.by_number[inst.number]
        self.order = [n for n in self.order if n in self.by_number]
        kept = [i for i in future if i not in dropped]
        topup = keep - sum(i.charges for i in kept)
        if topup > 0:  # as interest, or as fee in a fee-only plan
            fee_plan = not any(i.interest for i in kept) and any(i.fee for i in kept)
            component = "fee" if fee_plan else "interest"
            setattr(holder, component, getattr(holder, component) + topup)
            holder.payment += topup
        self.uncalled_now = sum(i.principal_now for i in self.installments if not i.called)
        self._index()
        self.log(day, "reschedule", 0,
                 note=f"{self.terms.overpayment.value}: {len(kept)} installments remain"
                      + (f", {len(dropped)} removed" if dropped else "")
                      + (f"; {self.major(topup)} of finance charge kept on installment "
                         f"{holder.number} ({self.terms.early_payoff.value})"
                         if topup > 0 else ""))
        return extra - applied

    # ------------------------------------------------------------ the day asked about

    def view(self, day: date) -> tuple[Engine, int]:
        """A copy with the penalty accrued through ``day`` booked, and the payoff quote on
        ``day`` (what one more payment that day must be to settle the loan)."""
        seen = self.clone()
        if seen.penalties:
            seen.book_penalties(day, day - ONE_DAY + timedelta(days=seen.shift))
        if seen.daily is not None:
            seen.accrue_interest(day)
            if seen.order and day > seen.by_number[seen.order[-1]].due:
                seen.book_interest(day, note="accrued since the last due date")
        quote, _ = seen.settlement(day)
        return seen, max(quote, 0)

