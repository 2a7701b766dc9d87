"""Where a loan stands on a day: :class:`LoanState`, :func:`loan_state`, :func:`payoff_quote`.

A :class:`LoanState` carries what determines it (the schedule, the terms, the payments
and charges received) and the engine that replayed them, so it can go on:
:meth:`LoanState.apply` takes the next payment and :meth:`LoanState.on` moves to a later
day without replaying the history, with the same result as a full replay; and
:meth:`LoanState.to_dict` / :meth:`LoanState.from_dict` store and restore it losslessly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .._context import in_library_context
from ..calendar import parse_date
from ..core import PaymentRule, Program
from ..errors import InvalidArgumentError, InvalidTermsError
from ..money import MAX_AMOUNT, Currency, format_money
from ..schedule import Schedule
from .engine import Engine, _Installment, _with
from .records import Charge, LedgerEvent, Payment, read_charges, read_payments
from .terms import COMPONENTS, ServicingTerms

__all__ = ["LoanState", "OverdueInstallment", "loan_state", "payoff_quote"]

_LARGEST = 10 ** 20  # minor units: far above MAX_AMOUNT, well within the decimal context


@dataclass(frozen=True, slots=True, kw_only=True)
class OverdueInstallment:
    """An installment with money unpaid after its due date; ``in_grace`` while its grace
    days last (it does not count as late yet); ``bucket`` its delinquency bucket."""

    number: int
    due_date: date
    days_past_due: int
    in_grace: bool
    principal: Decimal
    interest: Decimal
    fee: Decimal
    penalty: Decimal
    late_fee: Decimal
    charge: Decimal = Decimal(0)
    bucket: str = "current"

    @property
    @in_library_context
    def total(self) -> Decimal:
        """Everything unpaid on this installment."""
        return (self.principal + self.interest + self.fee + self.penalty + self.late_fee
                + self.charge)


_MONEY_FIELDS = ("amount_financed", "outstanding_principal", "unpaid_interest",
                 "unpaid_fees", "unpaid_penalty", "unpaid_late_fees", "unpaid_charges",
                 "penalty_charged", "late_fees_charged", "charges_charged",
                 "credit_balance", "total_paid", "payoff_amount", "payoff_rebate",
                 "accrued_interest")


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class LoanState:
    """Where a loan stands on ``as_of`` (money in major units).

    ``outstanding_principal``: all principal not yet paid (due or not).
    ``unpaid_interest`` / ``unpaid_fees`` / ``unpaid_penalty`` / ``unpaid_late_fees`` /
    ``unpaid_charges``: charged and not paid (charges: the dated named charges).
    ``penalty_charged`` / ``late_fees_charged`` / ``charges_charged``: charged so far.
    ``credit_balance``: money received beyond what is owed. ``paid``: allocations by
    component (net of refunds). ``payoff_amount``: what settles the loan if paid on
    ``as_of``, under the terms' early-payoff rule; ``payoff_rebate``: of the finance
    charges still scheduled after ``as_of``, what that payoff does not owe.
    ``accrued_interest``: under daily interest, interest accrued to ``as_of`` and not due
    yet (it falls due with the next installment; a payoff owes it).
    ``days_past_due`` / ``bucket``: of the oldest installment late beyond its grace days,
    buckets as the terms set them.
    ``remaining``: the plan still to come (installments due after ``as_of``, as
    rescheduled); ``schedule``, ``terms``, ``payments``, ``charges``: what it was
    replayed from.

    Two states are equal when their figures, ledger, inputs and terms are equal.

    Raises
    ------
    InvalidArgumentError
        ``paid`` is not a mapping. A state is built by :func:`loan_state` (or
        :meth:`from_dict`), which checks every input; built directly, only ``paid`` is
        checked.
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
    unpaid_charges: Decimal = Decimal(0)
    charges_charged: Decimal = Decimal(0)
    payoff_rebate: Decimal = Decimal(0)
    accrued_interest: Decimal = Decimal(0)
    schedule: Schedule | None = field(default=None, repr=False)
    terms: ServicingTerms | None = field(default=None, repr=False)
    payments: tuple[Payment, ...] = field(default=(), repr=False)
    charges: tuple[Charge, ...] = field(default=(), repr=False)
    _engine: Engine | None = field(default=None, repr=False)
    _view: Engine | None = field(default=None, repr=False)
    _remaining: list[Schedule | None] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.paid, Mapping):
            raise InvalidArgumentError("paid", "must be a mapping of components to amounts",
                                       received=self.paid)
        object.__setattr__(self, "paid", MappingProxyType(dict(self.paid)))

    @property
    @in_library_context
    def remaining(self) -> Schedule | None:
        """The plan still to come: installments due after :attr:`as_of` with what is
        left of them, as rescheduled (``None`` when nothing is to come). Built when first
        read."""
        if not self._remaining:
            self._remaining.append(None if self._view is None else
                                   _remaining(self._view, self.as_of))
        return self._remaining[0]

    def _key(self) -> tuple[Any, ...]:
        return (self.as_of, self.opened, self.currency, *(getattr(self, n) for n in
                                                          _MONEY_FIELDS),
                dict(self.paid), self.overdue, self.days_past_due, self.ledger,
                self.terms_name, self.remaining, self.schedule, self.terms, self.payments,
                self.charges)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LoanState):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    @property
    def bucket(self) -> str:
        """Delinquency bucket of :attr:`days_past_due` (current, 1-30, 31-60, 61-90 or
        90+ under the default bounds; see :attr:`ServicingTerms.delinquency_buckets`)."""
        return (self.terms or ServicingTerms()).bucket(self.days_past_due)

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

    # ------------------------------------------------------------ going on

    def _continue(self) -> Engine:
        if self._engine is None or self.schedule is None or self.terms is None:
            raise InvalidArgumentError("state", "was built without its history (schedule, "
                                       "terms, payments); use loan_state() or "
                                       "LoanState.from_dict()")
        return self._engine.clone()

    @in_library_context
    def apply(self, payment: Payment | tuple[Any, ...], *,
              charges: Iterable[Charge] = ()) -> LoanState:
        """The state after one more payment (dated ``as_of`` or later), as of its date:
        equal to :func:`loan_state` with the whole history, without replaying it.

        >>> from bnpl_restructure import Plan
        >>> s = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
        ...                   start="2026-01-10").schedule()
        >>> state = loan_state(s, as_of="2026-02-10")
        >>> after = state.apply(("2026-02-12", "106.00"))
        >>> after == loan_state(s, [("2026-02-12", "106.00")], as_of="2026-02-12")
        True

        Raises
        ------
        InvalidArgumentError
            ``state``: a state built without its history; ``payment[0]`` is not a
            :class:`Payment` or a ``(date, amount[, currency])`` pair, or its amount is
            not positive or has too many decimals (``payment[0].amount``); ``charges`` as
            for :func:`loan_state`, or a charge dated the state's day after that day's
            payments.
        InvalidTermsError
            ``payment[0].date`` or ``charges[k].date`` is before the state's day.
        CurrencyMismatchError
            The payment or a charge names another currency than the loan's.
        """
        engine = self._continue()
        new = read_payments([payment], self.currency, self.as_of, argument="payment",
                            since="the state's day")
        more = self._more_charges(engine, charges, new[0].date)
        return _advance(self, engine, new[0].date, new, more)

    @in_library_context
    def on(self, as_of: Any, *, charges: Iterable[Charge] = ()) -> LoanState:
        """The state on a later day (penalty, late fees and due dates in between), with
        any ``charges`` dated up to then: equal to a full replay, without replaying.

        Raises
        ------
        InvalidArgumentError
            ``state``: a state built without its history; ``as_of`` is not a date or is
            before the state's day; ``charges`` as for :func:`loan_state`, or a charge dated
            after ``as_of`` or the state's day after that day's payments.
        InvalidTermsError
            ``charges[k].date`` is before the state's day.
        CurrencyMismatchError
            A charge names another currency than the loan's.
        """
        engine = self._continue()
        day = parse_date(as_of, argument="as_of")
        if day < self.as_of:
            raise InvalidArgumentError("as_of", "must not be before the state's day "
                                       f"({self.as_of.isoformat()})", received=day.isoformat())
        return _advance(self, engine, day, [], self._more_charges(engine, charges, day))

    def _more_charges(self, engine: Engine, charges: Iterable[Charge],
                      day: date) -> list[Charge]:
        more = _charges_through(engine, charges, self.as_of, day)
        if any(c.date == self.as_of for c in more) and any(
                p.date == self.as_of for p in self.payments):
            raise InvalidArgumentError(
                "charges", f"a charge dated {self.as_of.isoformat()} would come after that "
                "day's payments, but a day's charges come before its payments: give it "
                "with the day's first payment, or date it the next day",
                received=self.as_of.isoformat())
        return more

    # ------------------------------------------------------------ display

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
    def _repr_html_(self) -> str:
        """The notebook view: the key figures, what is owed, and the overdue installments."""
        from .._html import card, table
        fmt = self._fmt
        figures = [("payoff", fmt(self.payoff_amount)), ("overdue", fmt(self.overdue_amount)),
                   ("days past due", f"{self.days_past_due} ({self.bucket})"),
                   ("paid so far", fmt(self.total_paid))]
        owed = [(label, fmt(getattr(self, name))) for label, name in (
            ("principal outstanding", "outstanding_principal"),
            ("interest unpaid", "unpaid_interest"), ("fees unpaid", "unpaid_fees"),
            ("penalty unpaid", "unpaid_penalty"), ("late fees unpaid", "unpaid_late_fees"),
            ("charges unpaid", "unpaid_charges"), ("interest accrued", "accrued_interest"),
            ("credit balance", "credit_balance"))
            if name == "outstanding_principal" or getattr(self, name)]
        late = table(("#", "due date", "days", "owed"),
                     [(str(o.number), o.due_date.isoformat(),
                       f"{o.days_past_due}{' (grace)' if o.in_grace else ''}", fmt(o.total))
                      for o in self.overdue], left=2) if self.overdue else ""
        return card(f"Loan on {self.as_of.isoformat()} ({self.currency.code}, opened "
                    f"{self.opened.isoformat()}, terms {self.terms_name})", figures,
                    ("owed", self.currency.code), owed, extra=late)

    # ------------------------------------------------------------ persistence

    @in_library_context
    def report(self) -> dict[str, Any]:
        """The figures as a JSON-ready report (Decimal strings, ISO dates): the summary,
        what is paid and overdue, and the ledger."""
        out: dict[str, Any] = {"as_of": self.as_of.isoformat(),
                               "opened": self.opened.isoformat(),
                               "currency": self.currency.code, "terms_name": self.terms_name,
                               "days_past_due": self.days_past_due, "bucket": self.bucket,
                               "overdue_amount": str(self.overdue_amount)}
        out.update({name: str(getattr(self, name)) for name in _MONEY_FIELDS})
        out["paid"] = {k: str(v) for k, v in self.paid.items()}
        out["overdue"] = [{"number": o.number, "due_date": o.due_date.isoformat(),
                           "days_past_due": o.days_past_due, "in_grace": o.in_grace,
                           "bucket": o.bucket,
                           **{c: str(getattr(o, c)) for c in COMPONENTS}}
                          for o in self.overdue]
        out["ledger"] = [e.to_dict() for e in self.ledger]
        return out

    def to_dict(self) -> dict[str, Any]:
        """Lossless and JSON-safe: the history (schedule, terms, payments, charges, as_of)
        and the figures it gives (:meth:`report`), in a versioned document;
        :meth:`from_dict` replays the history and checks the figures against it.

        Raises
        ------
        InvalidArgumentError
            ``state``: built without its history (not by :func:`loan_state`), so it cannot be
            stored losslessly.
        """
        from .persist import state_to_dict
        return state_to_dict(self)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> LoanState:
        """Restore a state stored by :meth:`to_dict`: the same figures, and everything the
        original can do (service, restructure, persist again). A document whose figures
        do not follow from its history was altered:
        :class:`~bnpl_restructure.errors.InvalidDocumentError`.

        Raises
        ------
        InvalidDocumentError
            ``document`` is not a loan-state document, a field of its history is malformed
            (named by its path, ``loan_state.history.payments[2].amount``), or its stored
            figures are not those its history gives (an altered document).
        """
        from .persist import state_from_dict
        return state_from_dict(document)


# --------------------------------------------------------------------- building states


def _charges_through(engine: Engine, charges: Iterable[Charge], start: date,
                     day: date) -> list[Charge]:
    more = read_charges(charges, engine.currency, start, engine.order,
                        since="the state's day")
    late = [c for c in more if c.date > day]
    if late:
        raise InvalidArgumentError("charges", f"a charge dated {late[0].date} is after "
                                   f"the day of the new state ({day.isoformat()})",
                                   received=late[0].date.isoformat())
    return more


def _start(schedule: Any, terms: Any) -> tuple[Schedule, ServicingTerms]:
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
    return schedule, terms


def _advance(prior: LoanState | None, engine: Engine, day: date, payments: list[Payment],
             charges: list[Charge]) -> LoanState:
    engine.add(payments, charges)
    engine.advance(day)
    history_payments = (prior.payments if prior else ()) + tuple(payments)
    history_charges = (prior.charges if prior else ()) + tuple(charges)
    seen, quote = engine.view(day)
    return _state(seen, day, quote, engine, history_payments, history_charges)


@in_library_context
def loan_state(schedule: Schedule, payments: Iterable[Any] = (), *, as_of: Any,
               terms: ServicingTerms | None = None,
               charges: Iterable[Charge] = ()) -> LoanState:
    """The loan's position on ``as_of`` after replaying ``payments`` (and ``charges``).

    Parameters
    ----------
    schedule
        The loan's schedule (``plan.schedule()``).
    payments
        :class:`Payment` objects or ``(date, amount[, currency])`` tuples (major units),
        in date order; payments on the same day are applied in turn (splitting a
        payment changes nothing, but under a prepayment rule each prepayment re-levels
        the plan); payments dated after ``as_of`` are not yet received and are not
        applied.
    as_of
        The day of the position (``date`` or ISO string). Penalty for ``as_of`` itself
        is counted as a payment that day would be charged (``count_payment_date``).
    terms
        :class:`ServicingTerms` (default: no grace, no penalty, no late fees, early
        payoff owes finance charges accrued to the day).
    charges
        :class:`Charge` objects (a returned-payment fee, an extension fee...) in date
        order; those dated after ``as_of`` are not applied.

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

    Paying off on Feb 20 owes the principal and the fee earned so far in the period in
    progress: 7.00 × 5 / 28 days = 1.25.

    >>> str(state.outstanding_principal), state.bucket, str(state.payoff_amount)
    ('666.67', 'current', '667.92')
    """
    schedule, terms = _start(schedule, terms)
    day = parse_date(as_of, argument="as_of")
    if day < schedule.start:
        raise InvalidArgumentError("as_of", f"must not be before the loan starts "
                                   f"({schedule.start.isoformat()})",
                                   received=day.isoformat())
    received = [p for p in read_payments(payments, schedule.currency, schedule.start)
                if p.date <= day]
    engine = Engine(schedule, terms)
    dated = [c for c in read_charges(charges, schedule.currency, schedule.start, engine.order)
             if c.date <= day]
    return _advance(None, engine, day, received, dated)


def _state(seen: Engine, day_of: date, quote: int, engine: Engine,
           payments: tuple[Payment, ...], charges: tuple[Charge, ...]) -> LoanState:
    if quote > _LARGEST:  # interest compounding over centuries: beyond any amount
        raise InvalidArgumentError(
            "as_of", f"the loan would owe a {len(str(quote))}-digit number of minor units "
            f"by then, beyond the largest amount the library handles ({MAX_AMOUNT} major "
            "units); ask about an earlier day", received=day_of.isoformat())
    major = seen.major
    sched = seen.schedule
    terms = seen.terms
    due = dict.fromkeys(COMPONENTS, 0)
    principal = 0
    for (when, _, comp), v in seen.buckets.items():
        if when <= day_of:
            due[comp] += v
        if comp == "principal":
            principal += v
    principal += seen.uncalled_now
    overdue = []
    for number in sorted(seen.open):
        inst = seen.by_number[number]
        if not number or inst.early or inst.due >= day_of:
            continue
        days = (day_of - inst.due).days
        overdue.append(OverdueInstallment(
            number=inst.number, due_date=inst.due, days_past_due=days,
            in_grace=days <= terms.grace_days, bucket=terms.bucket(days),
            **{c: major(inst.owed[c]) for c in COMPONENTS}))
    dpd = max((o.days_past_due for o in overdue if not o.in_grace), default=0)
    return LoanState(
        as_of=day_of, opened=sched.start, currency=sched.currency,
        amount_financed=major(sched.principal), outstanding_principal=major(principal),
        unpaid_interest=major(due["interest"]), unpaid_fees=major(due["fee"]),
        unpaid_penalty=major(due["penalty"]), unpaid_late_fees=major(due["late_fee"]),
        unpaid_charges=major(due["charge"]),
        penalty_charged=major(seen.charged["penalty"]),
        late_fees_charged=major(seen.charged["late_fee"]),
        charges_charged=major(seen.charged["charge"]),
        credit_balance=major(seen.credit), total_paid=major(seen.total_paid),
        paid={c: major(v) for c, v in seen.paid.items()}, overdue=tuple(overdue),
        days_past_due=dpd, payoff_amount=major(quote),
        payoff_rebate=major(seen.payoff_rebate(day_of)),
        accrued_interest=major(seen.daily.pending() if seen.daily is not None else 0),
        ledger=tuple(seen.ledger),
        terms_name=terms.name, schedule=sched, terms=terms, payments=payments,
        charges=charges, _engine=engine, _view=seen)


def _remaining(replay: Engine, day_of: date) -> Schedule | None:
    """The plan still to come: installments due after ``day_of`` with what is left of
    them (an installment paid early in part keeps only its unpaid rest; under daily
    interest, the installments not due yet as they will be if paid on their due dates)."""
    rows = []
    daily = replay.daily.copy() if replay.daily is not None else None
    past = [d for d in replay.dues if d <= day_of]
    anchor = past[-1] if past else replay.schedule.start
    left = replay.uncalled_now
    last = replay.order[-1] if replay.order else None
    for inst in replay.installments:
        if inst.due <= day_of:
            continue
        if inst.called:
            parts = [inst.owed[c] for c in ("principal", "interest", "fee")]
        elif daily is not None:  # daily interest: projected, paid on the due dates
            daily.accrue(inst.due, left, 0, anchor)
            room = max(inst.payment - inst.fee, 0)
            interest = daily.book() if inst.number == last else daily.book(room)
            principal = left if inst.number == last else min(room - interest, left)
            left -= principal
            anchor = inst.due
            parts = [principal, interest, inst.fee]
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


def _remaining_program(replay: Engine, rows: list[tuple[_Installment, list[int]]],
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
                 terms: ServicingTerms | None = None,
                 charges: Iterable[Charge] = ()) -> Decimal:
    """What settles the loan if paid on ``as_of``: everything charged and unpaid
    (penalty, late fees and charges included), the principal still to come, and the
    finance charges of installments not yet due that the terms' early-payoff rule keeps
    (less any collected early beyond that), less the credit balance.

    Raises
    ------
    InvalidArgumentError, InvalidTermsError
        As :func:`loan_state` (its arguments have the same names).
    CurrencyMismatchError
        A payment or charge names another currency than the schedule's.

    Examples
    --------
    A 12-installment flat-fee plan of 1,200.00 at 0.5% a month (fee 6.00 a month),
    nothing paid yet, quoted on day one: by default only the finance charge earned to
    the day (none); all twelve fees with no rebate (the Baitiao preset's rule); none
    under the rule of 78 (rebate 72.00 × 12·13 / (12·13) = 72.00):

    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1200", fee_rate="0.005", installments=12,
    ...                   start="2026-01-10").schedule()
    >>> str(payoff_quote(s, as_of="2026-01-10"))
    '1200.00'
    >>> str(payoff_quote(s, as_of="2026-01-10",
    ...                  terms=ServicingTerms(early_payoff="no_rebate")))
    '1272.00'
    >>> str(payoff_quote(s, as_of="2026-01-10",
    ...                  terms=ServicingTerms(early_payoff="rule_of_78")))
    '1200.00'
    """
    return loan_state(schedule, payments, as_of=as_of, terms=terms,
                      charges=charges).payoff_amount
