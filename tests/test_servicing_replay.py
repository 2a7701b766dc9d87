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
from hypothesis import assume, given
from hypothesis import strategies as st

import tests.servicing_oracle as oracle
from bnpl_restructure import Plan, RoundingPolicy
from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import (
    LateFee,
    LoanState,
    Overpayment,
    ServicingTerms,
    loan_state,
)
from tests.test_servicing import MINOR_UNIT_CURRENCIES, PRESETS, SMALL

D = Decimal
_NEW_FIELDS = ("late_fee_base", "delinquency_buckets", "rebate_deferral",
               "allow_rule_of_78_over_61_months", "interest", "compounding", "annual_rate",
               "day_count")

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


DAILY_TERMS = [
    ServicingTerms(interest="daily"),
    ServicingTerms(interest="daily", compounding="due_dates", day_count="act/360",
                   overpayment="prepay_reduce", penalty_rate=Fraction(1, 2000)),
    ServicingTerms(interest="daily", compounding="daily", overpayment="prepay_shorten",
                   early_payoff="no_rebate", late_fees=(LateFee(days_past_due=5,
                                                                amount=D(3)),)),
    ServicingTerms.jd_baitiao().with_(interest="daily", early_payoff="current_period",
                                      order="vertical"),
]


@st.composite
def long_histories(draw: st.DrawFn, terms: list[ServicingTerms] = MORE_TERMS
                   ) -> tuple[Schedule, list[tuple[date, Decimal]], date, ServicingTerms]:
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
    return s, payments, as_of, draw(st.sampled_from(terms))


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
    # re-levelled prepayments now round as the plan does; the oracle always rounded with
    # the default policy
    assume(terms.overpayment is not Overpayment.PREPAY_REDUCE
           or s.rounding_policy == RoundingPolicy(interest=s.rounding_policy.interest))
    new = _figures(loan_state(s, payments, as_of=as_of, terms=terms))
    old = _figures(oracle.loan_state(s, payments, as_of=as_of, terms=_oracle_terms(terms)))
    same_day = len({d for d, _ in payments}) < len(payments)
    # prepayments re-level the plan once per payment: two on one day (the oracle summed
    # them) can round the re-levelled installments a cent apart
    assume(not same_day or terms.overpayment is Overpayment.CREDIT_NEXT)
    if same_day:
        # payments on one day applied in turn may pay an installment early (and have its
        # finance charge rebated and refunded when a later one settles the loan) where a
        # payoff by their sum settles at once: the same figures, other ledger lines
        del new["books"], old["books"]
    assert new == old


def test_prepayments_on_three_days_then_a_payoff_keep_what_each_day_earned() -> None:
    # Found by the property test above (before the engine kept what the rule earned by a
    # prepayment day, issue 13 follow-up): the replay quoted 8,366.59, the oracle 8,366.60.
    # CNY 8,364.97 at 3.62%/yr act/act, one installment due 2000-01-18 (17 days from Jan
    # 1, a leap year): interest 8,364.97 x 0.0362 x 17/366 = 14.0650 -> 14.07. 0.01 paid
    # on Jan 1, 2 and 3 is prepaid (nothing is due), each re-running the plan (shortened);
    # early payoff accrued_to_date: the period's charge pro rata by days, and after a
    # prepayment what was earned by its day (exact) plus the rest of the re-run charge
    # over the days left to the due date.
    #   Jan 1: earned 14.07 x 0/17 = 0; re-run on 8,364.96: 14.06502 -> 14.07
    #   Jan 2: earned 0 + 14.07 x 1/17 = 0.82765; re-run on 8,364.95: 14.06500 -> 14.07
    #   Jan 3: earned 14.07/17 + (14.07 - 14.07/17) x 1/16 = 14.07 x 2/17 = 1.65529;
    #          re-run on 8,364.94: 14.06498 -> 14.06
    # Payoff on Jan 3 (0 days after the last prepayment): 8,364.94 + 1.65529 rounded
    # half-up once = 8,364.94 + 1.66 = 8,366.60. The wrong 8,366.59 pro-rated the re-run
    # 14.06 afresh from Jan 1 (14.06 x 2/17 = 1.654 -> 1.65), as if 8,364.94 had been owed
    # from the start, not 8,364.97. Check: paid off on Jan 3 without that day's 0.01, the
    # quote is 8,364.95 + 14.07 x 2/17 -> 8,366.61 = 0.01 + 8,366.60 (a prepayment and a
    # payoff on one day cost a payoff of their sum).
    s = Plan.annuity("8364.97", annual_rate="0.0362", installments=1, start="2000-01-01",
                     first_due="2000-01-18", frequency="biweekly", day_count="act/act"
                     ).schedule()
    assert s.interest == (1407,)
    terms = ServicingTerms.ant_huabei().with_(
        overpayment="prepay_shorten", penalty_base="unpaid_principal_and_fees",
        early_payoff="accrued_to_date", order="vertical", count_due_date=True)
    payments = [(date(2000, 1, d), D("0.01")) for d in (1, 2, 3)]
    day = date(2000, 1, 3)
    state = loan_state(s, payments, as_of=day, terms=terms)
    assert state.outstanding_principal == D("8364.94")
    assert state.payoff_amount == D("8366.60")
    assert oracle.loan_state(s, payments, as_of=day, terms=_oracle_terms(terms)
                             ).payoff_amount == D("8366.60")
    assert loan_state(s, payments[:2], as_of=day, terms=terms).payoff_amount == D("8366.61")
    settled = loan_state(s, [*payments, (day, D("8366.60"))], as_of=day, terms=terms)
    assert settled.is_settled and settled.credit_balance == 0


@given(long_histories(MORE_TERMS + DAILY_TERMS), st.data())
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


# ------------------------------------------------------------ paid as scheduled


@given(st.integers(100, 10**7), st.integers(0, 3000), st.integers(1, 24), st.integers(0, 200),
       st.sampled_from(["no_rebate", "current_period", "accrued_to_date", "rule_of_78"]),
       st.integers(0, 40), st.sampled_from(["annuity", "equal_principal", "interest_only"]))
def test_paid_exactly_as_scheduled_leaves_no_credit_and_no_arrears(
        cents: int, bp: int, n: int, fee: int, rule: str, days: int, kind: str) -> None:
    plan = getattr(Plan, kind)(D(cents) / 100, annual_rate=D(bp) / 10_000, installments=n,
                               start="2026-01-31", fee=D(fee) / 100)
    s = plan.schedule()
    paid = [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates, s.payment, strict=True)
            if p]
    terms = ServicingTerms(early_payoff=rule)
    for k, due in enumerate(s.due_dates):
        later = due + timedelta(days=days)
        as_of = min(later, s.due_dates[k + 1] - timedelta(days=1)) if k + 1 < n else later
        state = loan_state(s, [p for p in paid if p[0] <= due], as_of=as_of, terms=terms)
        assert state.credit_balance == 0 and state.overdue == ()
        assert state.unpaid_penalty == state.unpaid_late_fees == 0
    assert state.is_settled and state.total_paid == s.currency.to_major(sum(s.payment))


def test_a_scheduled_payment_is_not_an_early_payoff() -> None:
    # 1.00 over 18 months at 0% with a 0.01 monthly fee: installment 18 is 0.00 principal
    # + 0.01 fee. On 2027-06-30 installment 17 is paid as scheduled; nothing else is owed
    # that day (the 18th fee is not earned yet), yet the payment pays installment 17 and
    # does not settle the loan: installment 18 stays, and paying it leaves no credit (it
    # used to cancel the 18th fee and leave a 0.01 credit).
    s = Plan.annuity("1.00", annual_rate=0, installments=18, start="2026-01-31",
                     fee="0.01").schedule()
    assert (s[17].principal, s[17].fee) == (D("0.00"), D("0.01"))
    paid = [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates, s.payment, strict=True)]
    before = loan_state(s, paid[:17], as_of=s.due_dates[16])
    assert before.remaining is not None and len(before.remaining) == 1
    after = loan_state(s, paid, as_of=s.due_dates[17])
    assert after.credit_balance == 0 and after.is_settled


def test_any_scheduled_installment_can_be_paid() -> None:
    big = Plan.annuity("999999999999.99", annual_rate="0.35", installments=2,
                       start="2026-01-31").schedule()
    paid = [(d, big.currency.to_major(p)) for d, p in zip(big.due_dates, big.payment,
                                                         strict=True)]
    assert loan_state(big, paid, as_of=big.due_dates[-1]).is_settled


# ------------------------------------------------------------ charges in histories


@given(long_histories(MORE_TERMS + DAILY_TERMS), st.data())
def test_money_is_conserved_with_dated_charges(
        history: tuple[Schedule, list[tuple[date, Decimal]], date, ServicingTerms],
        data: st.DataObject) -> None:
    from bnpl_restructure.servicing import Charge
    s, payments, as_of, terms = history
    horizon = (as_of - s.start).days
    days = sorted(data.draw(st.lists(st.integers(0, horizon), max_size=3)))
    charges = [Charge(date=s.start + timedelta(days=d), name="nsf",
                      amount=s.currency.to_major(data.draw(st.integers(1, 5000))),
                      installment=data.draw(st.none() | st.integers(
                          s.first_number, s.first_number + len(s) - 1)))
               for d in days]
    try:
        state = loan_state(s, payments, as_of=as_of, terms=terms, charges=charges)
    except InvalidArgumentError as exc:  # a charge to an installment a prepayment removed
        assert exc.argument == "charges" and "removed" in str(exc)
        return
    ledger = state.ledger

    def total(kind: str, component: str | None = None) -> Decimal:
        return sum((e.amount for e in ledger if e.kind == kind
                    and (component is None or e.component == component)), D(0))

    assert state.charges_charged == total("charge") == sum((c.amount for c in charges), D(0))
    assert state.total_paid == sum(state.paid.values()) + state.credit_balance
    assert total("charge") - state.paid["charge"] >= state.unpaid_charges
    received = [(d, a) for d, a in payments if d <= as_of]
    if state.payoff_amount > 0:
        after = loan_state(s, [*received, (as_of, state.payoff_amount)], as_of=as_of,
                           terms=terms, charges=charges)
        assert after.is_settled and after.credit_balance == 0
        assert after.unpaid_charges == 0
    # going on from the start with the charges given day by day equals the full replay
    start = loan_state(s, as_of=s.start, terms=terms,
                       charges=[c for c in charges if c.date == s.start])
    later = [c for c in charges if c.date > s.start]
    step = start
    for day, amount in received:
        if day == s.start:
            step = step.apply((day, amount))
            continue
        step = step.apply((day, amount), charges=[c for c in later if c.date <= day])
        later = [c for c in later if c.date > day]
    step = step.on(as_of, charges=later)
    assert step == state
