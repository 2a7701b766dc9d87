"""The event-by-event replay against the day-by-day one it replaced, and going on from a
state (``apply`` / ``on``) against a full replay.

``tests/servicing_oracle.py`` is the servicing module as it was before the replay became
event-driven (it walked every day while anything was overdue). It is kept as an
independent reference: for every history the two must give the same figures. They
differ only where the change was meant: penalty is booked when it is needed (at a
payment or the day asked about) rather than on every due date as well, so the ledger
has fewer penalty lines with the same total; and payments on one day are applied in
turn (which changes no figure: see ``test_splitting_a_payment_on_one_day_changes_nothing``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tests.servicing_oracle as oracle
from bnpl_restructure import Plan
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import (
    LateFee,
    LoanState,
    ServicingTerms,
    loan_state,
)
from tests.test_servicing import MINOR_UNIT_CURRENCIES, PRESETS, SMALL

D = Decimal
_NEW_FIELDS = ("late_fee_base", "delinquency_buckets")

MORE_TERMS = [
    *PRESETS,
    ServicingTerms(early_payoff="no_rebate", penalty_rate=Fraction(3, 10_000),
                   penalty_minimum_per_day=D("0.05"), grace_days=5,
                   penalty_base="overdue_principal", count_due_date=True,
                   late_fees=(LateFee(days_past_due=1, amount=D(3), percent=Fraction(1, 100),
                                      every=7),),
                   late_fee_cap_per_installment=D(12)),
    ServicingTerms(penalty_rate=Fraction(1, 2000), penalty_base="unpaid_principal_and_fees",
                   count_payment_date=False, charge_dating="charge_date", grace_days=4,
                   max_late_fees=3, late_fees=(LateFee(days_past_due=2, amount=D(1),
                                                       every=3),)),
]


def _oracle_terms(terms: ServicingTerms) -> Any:
    values = {name: getattr(terms, name) for name in terms.__dataclass_fields__
              if name not in _NEW_FIELDS}
    values["waterfall"] = tuple(c for c in terms.waterfall if c != "charge")
    values = {k: v.value if hasattr(v, "value") else v for k, v in values.items()}
    values["late_fees"] = tuple(oracle.LateFee(days_past_due=f.days_past_due,
                                               amount=f.amount, percent=f.percent,
                                               every=f.every) for f in terms.late_fees)
    return oracle.ServicingTerms(**values)


@st.composite
def long_histories(draw: st.DrawFn) -> tuple[Schedule, list[tuple[date, Decimal]], date,
                                              ServicingTerms]:
    from bnpl_restructure.testing.strategies import plans
    s = draw(plans(kinds=SMALL, max_installments=10, currency=MINOR_UNIT_CURRENCIES)
             ).schedule()
    horizon = (s.due_dates[-1] - s.start).days
    offsets = sorted(draw(st.lists(st.integers(0, horizon + 40), max_size=8)))
    total = sum(s.payment)
    payments = [(s.start + timedelta(days=o),
                 s.currency.to_major(draw(st.integers(1, max(1, total // 3)))))
                for o in offsets]
    as_of = s.start + timedelta(days=draw(st.integers(0, horizon + 200)))
    return s, payments, as_of, draw(st.sampled_from(MORE_TERMS))


def _penalty_by_installment(ledger: Any) -> Counter[Any]:
    out: Counter[Any] = Counter()
    for e in ledger:
        if e.kind in ("penalty", "late_fee", "allocation", "rebate", "refund", "cancelled",
                      "due"):
            out[(e.kind, e.installment, e.component)] += e.amount
    return out


def _figures(state: Any) -> dict[str, Any]:
    names = ("outstanding_principal", "unpaid_interest", "unpaid_fees", "unpaid_penalty",
             "unpaid_late_fees", "penalty_charged", "late_fees_charged", "credit_balance",
             "total_paid", "payoff_amount", "days_past_due")
    out = {n: getattr(state, n) for n in names}
    out["paid"] = {c: v for c, v in state.paid.items() if c != "charge"}
    out["overdue"] = [(o.number, o.due_date, o.days_past_due, o.in_grace, o.principal,
                       o.interest, o.fee, o.penalty, o.late_fee) for o in state.overdue]
    out["books"] = _penalty_by_installment(state.ledger)
    out["remaining"] = state.remaining
    return out


@given(long_histories())
def test_the_event_replay_gives_the_day_by_day_figures(
        history: tuple[Schedule, list[tuple[date, Decimal]], date, ServicingTerms]) -> None:
    s, payments, as_of, terms = history
    new = _figures(loan_state(s, payments, as_of=as_of, terms=terms))
    old = _figures(oracle.loan_state(s, payments, as_of=as_of, terms=_oracle_terms(terms)))
    if len({d for d, _ in payments}) < len(payments):
        # payments on one day applied in turn may pay an installment early (and have its
        # finance charge rebated and refunded when a later one settles the loan) where a
        # payoff by their sum settles at once: the same figures, other ledger lines
        del new["books"], old["books"]
    assert new == old


@given(long_histories(), st.data())
def test_going_on_from_a_state_equals_a_full_replay(
        history: tuple[Schedule, list[tuple[date, Decimal]], date, ServicingTerms],
        data: st.DataObject) -> None:
    s, payments, as_of, terms = history
    received = [(d, a) for d, a in payments if d <= as_of]
    cut = data.draw(st.integers(0, len(received)))
    first_day = received[cut - 1][0] if cut else s.start
    state = loan_state(s, received[:cut], as_of=first_day, terms=terms)
    for day, amount in received[cut:]:
        if data.draw(st.booleans()):
            state = state.on(day)
        state = state.apply((day, amount))
    state = state.on(as_of)
    assert state == loan_state(s, received, as_of=as_of, terms=terms)


def test_a_far_day_costs_what_the_last_due_date_costs() -> None:
    # An overdue plan asked about on 9999-12-31: penalty on every day since, in one step.
    # 1,200.00 over 12 at 0.5%/month, nothing paid, JD Baitiao terms (3 grace days, 0.05%
    # a day from the due date on each overdue installment of 106.00):
    # installment k, due d_k, accrues 106.00 x 0.0005 = 0.053 a day for the days
    # d_k + 1 .. 9999-12-31 (the day asked about counts, as a payment that day would).
    s = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
                      start="2026-01-10").schedule()
    far = date(9999, 12, 31)
    state = loan_state(s, as_of=far, terms=ServicingTerms.jd_baitiao())
    days = sum((far - d).days for d in s.due_dates)
    exact = Fraction(10600 * 5, 10_000) * days  # minor units
    expected = (exact * 2 + 1) // 2  # each installment's running total rounded half-up
    per = [Fraction(10600 * 5, 10_000) * (far - d).days for d in s.due_dates]
    assert state.penalty_charged == s.currency.to_major(
        sum(int((p * 2 + 1) // 2) for p in per))
    assert abs(state.currency.to_minor(state.penalty_charged) - expected) <= 12
    assert state.days_past_due == (far - s.due_dates[0]).days


def test_apply_and_on_refuse_the_past() -> None:
    s = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
                      start="2026-01-10").schedule()
    state = loan_state(s, as_of="2026-03-01")
    with pytest.raises(Exception) as early:
        state.apply(("2026-02-01", "10"))
    assert getattr(early.value, "argument", None) == "payment[0].date"
    with pytest.raises(Exception) as back:
        state.on("2026-02-01")
    assert getattr(back.value, "argument", None) == "as_of"


def test_a_restored_state_goes_on_and_restructures_like_the_original() -> None:
    import json

    from bnpl_restructure.restructure import ExtendTerm, restructure
    s = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
                      start="2026-01-10").schedule()
    state = loan_state(s, [("2026-02-12", "106.00")], as_of="2026-04-20",
                       terms=ServicingTerms.jd_baitiao())
    back = LoanState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert back == state and back.remaining == state.remaining
    assert back.apply(("2026-04-21", "300")) == state.apply(("2026-04-21", "300"))
    assert restructure(back, [ExtendTerm(periods=3)]).schedule == restructure(
        state, [ExtendTerm(periods=3)]).schedule
