"""Servicing: worked cases with their arithmetic, properties, serialization, errors."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import Plan, PlanKind
from bnpl_restructure.errors import (
    CurrencyMismatchError,
    InvalidArgumentError,
    InvalidTermsError,
)
from bnpl_restructure.money import BHD, CNY, GBP, USD
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import (
    COMPONENTS,
    LateFee,
    LoanState,
    Overpayment,
    Payment,
    ServicingTerms,
    loan_state,
    payoff_quote,
)
from bnpl_restructure.testing.strategies import plans

D = Decimal


def _flat() -> Schedule:
    # 1,200.00 at a 0.5% monthly fee over 12: 100.00 principal + 6.00 fee a month,
    # due on the 10th from 2026-02-10.
    return Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
                         start="2026-01-10").schedule()


# ------------------------------------------------------------------ worked cases


def test_ten_days_late_with_three_grace_days_at_five_bp_a_day() -> None:
    # Installment 1 (106.00, due 2026-02-10) paid 2026-02-20: 10 days late, past the 3
    # grace days, so penalty runs from the due date: days Feb 11..Feb 20 (the payment
    # day counts, the due date does not) = 10 days; 106.00 x 0.05% x 10 = 0.53.
    s = _flat()
    terms = ServicingTerms.jd_baitiao()
    state = loan_state(s, [("2026-02-20", "106.53")], as_of="2026-02-20", terms=terms)
    assert state.paid["penalty"] == D("0.53")
    assert state.days_past_due == 0 and state.overdue == ()
    # Paying only 106.00: the waterfall takes penalty 0.53, fee 6.00, principal 99.47;
    # 0.53 of principal stays overdue, charged the 0.01 minimum a day (0.53 x 0.05% =
    # 0.000265): Feb 21..25 = 5 days = 0.05.
    state = loan_state(s, [("2026-02-20", "106.00")], as_of="2026-02-25", terms=terms)
    assert (state.paid["penalty"], state.paid["fee"], state.paid["principal"]) == (
        D("0.53"), D("6.00"), D("99.47"))
    assert state.unpaid_penalty == D("0.05")
    assert state.overdue[0].principal == D("0.53") and state.days_past_due == 15


def test_grace_and_day_counting_variants() -> None:
    s = _flat()
    base = ServicingTerms.jd_baitiao()
    paid_late = [("2026-02-20", "200")]
    # Paid within the grace days (Feb 13): no penalty at all.
    assert loan_state(s, [("2026-02-13", "106")], as_of="2026-02-13",
                      terms=base).paid["penalty"] == 0
    # From the end of the grace days: Feb 14..20 = 7 days: 106 x 0.0005 x 7 = 0.371.
    late = loan_state(s, paid_late, as_of="2026-02-20", terms=base.with_(
        penalty_start="grace_end"))
    assert late.paid["penalty"] == D("0.37")
    # Payment day not counted: Feb 11..19 = 9 days = 0.477 -> 0.48.
    assert loan_state(s, paid_late, as_of="2026-02-20", terms=base.with_(
        count_payment_date=False)).paid["penalty"] == D("0.48")
    # Chinese card practice, both days counted: Feb 10..20 = 11 days = 0.583 -> 0.58.
    assert loan_state(s, paid_late, as_of="2026-02-20", terms=base.with_(
        count_due_date=True)).paid["penalty"] == D("0.58")


def test_penalty_on_all_unpaid_principal_and_fees() -> None:
    # Base = all unpaid principal (1,200.00, nothing paid) + unpaid due fees (6.00) while
    # installment 1 is overdue: Feb 11..15 = 5 days x 1,206.00 x 0.05% = 3.015 -> 3.02.
    s = _flat()
    terms = ServicingTerms.ant_huabei().with_(penalty_base="unpaid_principal_and_fees")
    assert loan_state(s, as_of="2026-02-15", terms=terms).unpaid_penalty == D("3.02")
    # Overdue principal only: 100.00 x 0.05% x 5 = 0.25.
    terms = ServicingTerms.ant_huabei().with_(penalty_base="overdue_principal")
    assert loan_state(s, as_of="2026-02-15", terms=terms).unpaid_penalty == D("0.25")


def test_late_fees_capped_by_the_percentage_cap() -> None:
    # Afterpay-style on a $100.00 pay-in-4 (25.00 due 03-01, 03-15, 03-29, 04-12): only
    # the first is paid. Installment 2: $10 on 03-16 (1 day late) + $7 on 03-23 (8 days)
    # = 17; installment 3: $10 on 03-30 would make 27 > 25% of 100 = 25, so only 8.00;
    # its $7 and installment 4's fees: 0 (cap reached).
    s = Plan.pay_in_4("100.00", start="2026-03-01", currency="USD").schedule()
    state = loan_state(s, [("2026-03-01", "25.00")], as_of="2026-04-30",
                       terms=ServicingTerms.afterpay())
    fees = [(e.date.isoformat(), e.installment, e.amount) for e in state.ledger
            if e.kind == "late_fee"]
    assert fees == [("2026-03-16", 2, D("10.00")), ("2026-03-23", 2, D("7.00")),
                    ("2026-03-30", 3, D("8.00"))]
    assert state.unpaid_late_fees == D("25.00")


def test_klarna_uk_two_fees_at_most_and_us_safe_harbor() -> None:
    s = Plan.pay_in_4("200.00", start="2026-03-01", currency="GBP").schedule()
    state = loan_state(s, as_of="2026-05-30", terms=ServicingTerms.klarna_uk())
    # 7 days after each missed installment a 5.00 fee, two fees an order at most.
    assert state.unpaid_late_fees == D("10.00")
    small = Plan.pay_in_4("40.00", start="2026-03-01", currency="USD").schedule()
    # $32 fee per missed $10.00 installment, but never more than the payment due: 10.00.
    capped = loan_state(small, [("2026-03-01", "10")], as_of="2026-03-16",
                        terms=ServicingTerms.us_card())
    assert capped.unpaid_late_fees == D("10.00")


def test_partial_payment_split_by_each_waterfall() -> None:
    # 1,200.00 at 12%/yr equal principal over 3 from 2026-01-15: installment 1 due 02-15
    # = 400.00 + 12.00 interest; installment 2 due 03-15 = 400.00 + 8.00. Nothing paid;
    # 415.00 arrives 03-20.
    s = Plan.equal_principal("1200", annual_rate="0.12", installments=3,
                             start="2026-01-15").schedule()
    pay = [("2026-03-20", "415.00")]
    # Oldest installment first: 12.00 + 400.00 of installment 1, then 3.00 of
    # installment 2's interest; 5.00 interest and 400.00 principal remain overdue.
    h = loan_state(s, pay, as_of="2026-03-20")
    assert [(o.number, o.interest, o.principal) for o in h.overdue] == [
        (2, D("5.00"), D("400.00"))]
    # Civil Code Art. 561 (costs, interest, principal across the debt): interest 12.00 +
    # 8.00 first, then 395.00 of installment 1's principal.
    v = loan_state(s, pay, as_of="2026-03-20", terms=ServicingTerms.cn_civil_code())
    assert [(o.number, o.interest, o.principal) for o in v.overdue] == [
        (1, D("0.00"), D("5.00")), (2, D("0.00"), D("400.00"))]
    assert v.paid["interest"] == D("20.00") and h.paid["interest"] == D("15.00")


@pytest.mark.parametrize(("rule", "quote"), [
    # Four installments paid on time (Feb 10 .. May 10); on 2026-05-25, 15 days into
    # the 31-day period May 10 -> Jun 10, eight remain: 800.00 principal and
    # 8 x 6.00 = 48.00 of fees.
    ("no_rebate", "848.00"),        # all remaining fees due
    ("current_period", "806.00"),   # only the current period's fee
    ("accrued_to_date", "802.90"),  # 6.00 x 15/31 = 2.903 earned to date
    # rule of 78: rebate = 72.00 x 8·9 / (12·13) = 33.2307... -> 33.23; 48.00 - 33.23
    ("rule_of_78", "814.77"),
])
def test_early_payoff_under_each_fee_rule(rule: str, quote: str) -> None:
    s = _flat()
    terms = ServicingTerms(early_payoff=rule)
    on_time = [(f"2026-0{m}-10", "106") for m in (2, 3, 4, 5)]
    state = loan_state(s, on_time, as_of="2026-05-25", terms=terms)
    assert state.outstanding_principal == D("800.00")
    assert state.remaining is not None and state.remaining.first_number == 5
    assert state.payoff_amount == D(quote)
    assert payoff_quote(s, on_time, as_of="2026-05-25", terms=terms) == D(quote)
    settled = loan_state(s, [*on_time, ("2026-05-25", quote)], as_of="2026-05-25",
                         terms=terms)
    _assert_zero(settled)
    # what the rule forgoes is in the ledger: future charges cancelled, never charged
    cancelled = sum((e.amount for e in settled.ledger if e.kind == "cancelled"), D(0))
    assert cancelled == D("848.00") - D(quote)


def test_paying_an_installment_early_credits_the_next() -> None:
    s = _flat()
    paid = [(f"2026-0{m}-10", "106") for m in (2, 3, 4)] + [("2026-04-10", "106")]
    no_rebate = ServicingTerms(early_payoff="no_rebate")
    state = loan_state(s, paid, as_of="2026-04-25", terms=no_rebate)
    assert state.outstanding_principal == D("800.00")  # installment 4 paid early
    assert state.remaining is not None and state.remaining.first_number == 5
    assert state.payoff_amount == D("848.00")
    # the default (finance charge earned to the day): 800.00 principal + the fee of the
    # period in progress pro rata (Apr 10..May 10, 15 of 30 days: 6.00 x 15/30 = 3.00)
    # less installment 4's fee, collected early (6.00): 797.00
    assert loan_state(s, paid, as_of="2026-04-25").payoff_amount == D("797.00")
    # its charge was collected, so the current period owes nothing more under
    # current_period
    assert loan_state(s, paid, as_of="2026-04-25", terms=ServicingTerms(
        early_payoff="current_period")).payoff_amount == D("800.00")


def test_prepayment_reduces_or_shortens_through_the_core() -> None:
    # 1,200.00 at 1%/month annuity over 12 from 2026-01-15. Installment 1 (106.62: 12.00
    # interest + 94.62 principal) is paid on 2026-02-15 with 300.00 extra against
    # principal: 1,200.00 - 94.62 - 300.00 = 805.38 remains, over 11 installments.
    plan = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2026-01-15")
    s = plan.schedule()
    assert (s[0].payment, s[0].principal) == (D("106.62"), D("94.62"))
    pay = [("2026-02-15", "406.62")]
    # actuarial early payoff (interest earned to date only): prepaying saves interest
    actuarial = {"early_payoff": "accrued_to_date"}
    reduce = loan_state(s, pay, as_of="2026-02-15",
                        terms=ServicingTerms(overpayment="prepay_reduce", **actuarial))
    assert reduce.outstanding_principal == D("805.38")
    # reduce: a new level payment over the same 11 dates, independently
    # 805.38 x 0.01 / (1 - 1.01^-11) = 8.0538 / 0.103676... = 77.6825... -> 77.68
    exact = Fraction(80538) * Fraction(1, 100) / (1 - Fraction(100, 101) ** 11)
    assert round(exact) == 7768
    assert reduce.remaining is not None and len(reduce.remaining) == 11
    assert reduce.remaining.payment[0] == 7768
    # shorten: the 106.62 installments continue until 805.38 is repaid. Independent
    # walk: balance x 1.01 - 106.62 per month; 8 full installments, a smaller 9th.
    balance, count = Fraction(80538), 0
    while balance > 0:
        balance = balance + round(balance / 100) - 10662
        count += 1
    shorten = loan_state(s, pay, as_of="2026-02-15",
                         terms=ServicingTerms(overpayment="prepay_shorten", **actuarial))
    assert shorten.remaining is not None
    assert len(shorten.remaining) == count == 8
    assert shorten.remaining.payment[0] == 10662 and shorten.remaining.payment[-1] < 10662
    assert sum(shorten.remaining.principal_paid) == 80538
    cancelled = [e for e in shorten.ledger if e.kind == "cancelled"]
    assert {e.installment for e in cancelled} == {10, 11, 12}  # removed, never charged
    # Under "no rebate" (all future interest due on early payoff) a prepayment saves no
    # interest: what the re-run plan no longer charges is kept on the next installment.
    kept = loan_state(s, pay, as_of="2026-02-15",
                      terms=ServicingTerms(overpayment="prepay_reduce",
                                           early_payoff="no_rebate"))
    assert kept.remaining is not None
    saved = sum(s.interest[1:]) - sum(reduce.remaining.interest)
    assert kept.remaining.payment[0] == 7768 + saved
    assert sum(kept.remaining.interest) == sum(s.interest[1:])
    for terms, state in ((ServicingTerms(overpayment="prepay_reduce", **actuarial), reduce),
                         (ServicingTerms(overpayment="prepay_shorten", **actuarial), shorten)):
        settled = loan_state(s, [*pay, ("2026-02-15", str(state.payoff_amount))],
                             as_of="2026-02-15", terms=terms)
        _assert_zero(settled)


def test_prepaying_all_principal_follows_the_early_payoff_rule() -> None:
    # Prepaying all the principal does not settle a no-rebate loan: the future interest
    # stays owed, with the next installment, so a prepayment cannot undercut the quote.
    a = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2026-01-15"
                     ).schedule()
    terms = ServicingTerms(overpayment="prepay_reduce", early_payoff="no_rebate")
    quote = payoff_quote(a, as_of="2026-01-20", terms=terms)
    assert quote == D("1279.42")  # 12 x 106.62 - 0.02 (the last installment is 106.60)
    for paid in ("1200.00", "1199.99", "600.00"):
        part = loan_state(a, [("2026-01-20", paid)], as_of="2026-01-20", terms=terms)
        assert part.payoff_amount == quote - D(paid)
        assert part.days_past_due == 0 and part.credit_balance == 0
        nxt = loan_state(a, [("2026-01-20", paid)], as_of="2026-01-21", terms=terms)
        assert nxt.payoff_amount == quote - D(paid)  # the same the next day
    after = loan_state(a, [("2026-01-20", "1200.00"), ("2026-01-21", "79.42")],
                       as_of="2026-01-21", terms=terms)
    _assert_zero(after)


def test_an_installment_paid_early_in_part_is_late_when_missed() -> None:
    # 150.00 on Feb 10 pays installment 1 (106.00) and 44.00 of installment 2 early;
    # the remaining 62.00 is missed: 15 days late on Mar 25, penalty 62 x 0.05% x 15.
    s = _flat()
    state = loan_state(s, [("2026-02-10", "150")], as_of="2026-03-25",
                       terms=ServicingTerms.jd_baitiao())
    assert state.days_past_due == 15 and state.bucket == "1-30"
    assert state.overdue[0].number == 2 and state.overdue[0].principal == D("62.00")
    assert state.unpaid_penalty == D("0.47")  # 0.465 -> 0.47
    fees = loan_state(s, [("2026-02-10", "150")], as_of="2026-03-25",
                      terms=ServicingTerms.afterpay())
    assert fees.unpaid_late_fees == D("17.00")  # 10.00 + 7.00


def test_due_date_counting_never_charges_a_current_loan() -> None:
    # Due date counted (Chinese card practice) but paid on the due date: no penalty; the
    # quote on the due date itself is the plain balance.
    s = _flat()
    terms = ServicingTerms.ant_huabei().with_(count_due_date=True)
    state = loan_state(s, as_of="2026-02-10", terms=terms)
    assert (state.unpaid_penalty, state.payoff_amount) == (D("0.00"), D("1272.00"))
    # One day late: the due date and Feb 11 count: 106.00 x 0.05% x 2 = 0.106 -> 0.11.
    assert loan_state(s, as_of="2026-02-11", terms=terms).unpaid_penalty == D("0.11")


def test_grace_days_hold_back_lateness_and_late_fees() -> None:
    s = _flat()
    terms = ServicingTerms(grace_days=3, late_fees=(LateFee(days_past_due=1, amount=D(10)),))
    inside = loan_state(s, as_of="2026-02-12", terms=terms)
    assert (inside.days_past_due, inside.bucket, inside.unpaid_late_fees) == (0, "current",
                                                                             D("0.00"))
    assert inside.overdue[0].in_grace and inside.overdue[0].days_past_due == 2
    # the tier falls inside the grace days, so it is charged on the first day after them
    after = loan_state(s, as_of="2026-02-14", terms=terms)
    assert (after.days_past_due, after.unpaid_late_fees) == (4, D("10.00"))
    assert [e.date.isoformat() for e in after.ledger if e.kind == "late_fee"] == [
        "2026-02-14"]


def test_recurring_late_fee() -> None:
    # 5.00 when 1 day late and every 7 days after while unpaid: Feb 11, 18, 25.
    s = _flat()
    terms = ServicingTerms(late_fees=(LateFee(days_past_due=1, amount=D(5), every=7),))
    state = loan_state(s, as_of="2026-02-26", terms=terms)
    assert [e.date.day for e in state.ledger if e.kind == "late_fee"] == [11, 18, 25]


def test_penalty_dated_when_it_accrues_under_charge_dating() -> None:
    # Nothing paid until 212.00 on Mar 20 (Ant Huabei-style, 0.05%/day, penalties dated
    # when they accrue). Installment 1's penalty for Feb 11..Mar 9 (27 days x 106.00 x
    # 0.05% = 1.431 -> 1.43) is booked when installment 2 falls due, dated Mar 9, so the
    # oldest-first waterfall pays: installment 1 (106.00), that penalty (1.43), then
    # installment 2's fee 6.00 and 98.57 of its principal; the penalty accrued from Mar 10
    # (dated Mar 20) stays unpaid: 106 x 0.05% x 11 + 106 x 0.05% x 10 = 0.583 + 0.53.
    s = _flat()
    terms = ServicingTerms.ant_huabei().with_(charge_dating="charge_date")
    state = loan_state(s, [("2026-03-20", "212.00")], as_of="2026-03-20", terms=terms)
    first = next(e for e in state.ledger if e.kind == "penalty")
    assert (first.amount, first.note) == (D("1.43"), "accrued through 2026-03-09")
    assert state.paid["penalty"] == D("1.43")
    assert state.overdue[-1].principal == D("1.43")  # installment 2 short by the penalty
    assert state.unpaid_penalty == D("1.11")  # 0.58 (2.014 - 1.43 booked) + 0.53


# ------------------------------------------------------------------- properties


def _assert_zero(state: LoanState) -> None:
    assert state.outstanding_principal == 0
    assert state.unpaid_interest == state.unpaid_fees == 0
    assert state.unpaid_penalty == state.unpaid_late_fees == 0
    assert state.payoff_amount == 0 and state.days_past_due == 0
    assert state.overdue == () and state.remaining is None


PRESETS = [ServicingTerms(), ServicingTerms.jd_baitiao(), ServicingTerms.ant_huabei(),
           ServicingTerms.afterpay(), ServicingTerms.klarna_uk(), ServicingTerms.us_card(),
           ServicingTerms.cn_civil_code(),
           ServicingTerms.jd_baitiao().with_(overpayment="prepay_reduce",
                                             early_payoff="rule_of_78",
                                             charge_dating="charge_date",
                                             count_payment_date=False),
           ServicingTerms.ant_huabei().with_(overpayment="prepay_shorten",
                                             penalty_base="unpaid_principal_and_fees",
                                             early_payoff="accrued_to_date", order="vertical",
                                             count_due_date=True),
           ServicingTerms(early_payoff="current_period", penalty_rate=Fraction(1, 1000),
                          grace_days=2, penalty_start="grace_end",
                          late_fees=(LateFee(days_past_due=3, amount=D(2), every=5),))]
MINOR_UNIT_CURRENCIES = st.sampled_from([CNY, USD, GBP, BHD])
SMALL = (PlanKind.ANNUITY, PlanKind.EQUAL_PRINCIPAL, PlanKind.FLAT_FEE, PlanKind.PAY_IN_4,
         PlanKind.INTEREST_ONLY)


@st.composite
def histories(draw: st.DrawFn) -> tuple[Schedule, list[tuple[date, Decimal]], date,
                                        ServicingTerms]:
    # preset amounts such as a 0.01 minimum penalty need a currency with minor units
    plan = draw(plans(kinds=SMALL, max_installments=8, currency=MINOR_UNIT_CURRENCIES))
    s = plan.schedule()
    horizon = (s.due_dates[-1] - s.start).days + 60
    offsets = sorted(draw(st.lists(st.integers(0, horizon), max_size=6)))
    total = sum(s.payment)
    payments = [(s.start + timedelta(days=o),
                 s.currency.to_major(draw(st.integers(1, max(1, total // 2)))))
                for o in offsets]
    as_of = s.start + timedelta(days=draw(st.integers(0, horizon + 30)))
    return s, payments, as_of, draw(st.sampled_from(PRESETS))


def _sum(state: LoanState, kind: str, component: str | None = None) -> Decimal:
    return sum((e.amount for e in state.ledger if e.kind == kind
                and (component is None or e.component == component)), D(0))


@given(histories())
def test_conservation(history: tuple[Schedule, list[tuple[date, Decimal]], date,
                                     ServicingTerms]) -> None:
    s, payments, as_of, terms = history
    state = loan_state(s, payments, as_of=as_of, terms=terms)
    received = sum((a for d, a in payments if d <= as_of), D(0))
    assert state.total_paid == received == _sum(state, "payment")
    # total paid = allocations by component (net of refunds) + what is held as credit
    assert state.total_paid == sum(state.paid.values()) + state.credit_balance
    for c in COMPONENTS:
        assert _sum(state, "allocation", c) - _sum(state, "refund", c) == state.paid[c]
    # outstanding + paid principal = amount financed
    assert state.outstanding_principal + state.paid["principal"] == state.amount_financed
    # per component: charged - paid - rebated = unpaid (charged but not yet paid)
    unpaid = {"penalty": state.unpaid_penalty, "late_fee": state.unpaid_late_fees}
    for c in ("penalty", "late_fee"):
        charged = _sum(state, c)
        assert charged - state.paid[c] - _sum(state, "rebate", c) == unpaid[c]
    # interest and fees: charged - paid - rebated covers what is due and unpaid
    for c, due_unpaid in (("interest", state.unpaid_interest), ("fee", state.unpaid_fees)):
        assert _sum(state, "due", c) - state.paid[c] - _sum(state, "rebate", c) >= due_unpaid
    # paying the payoff amount settles everything on that day, credit included
    quote = state.payoff_amount
    if quote > 0:
        after = loan_state(s, [*[(d, a) for d, a in payments if d <= as_of], (as_of, quote)],
                           as_of=as_of, terms=terms)
        _assert_zero(after)


@given(histories(), st.integers(1, 99))
def test_splitting_a_payment_on_one_day_changes_nothing(
        history: tuple[Schedule, list[tuple[date, Decimal]], date, ServicingTerms],
        percent: int) -> None:
    s, payments, as_of, terms = history
    received = [(d, a) for d, a in payments if d <= as_of]
    if not received or terms.overpayment is not Overpayment.CREDIT_NEXT:
        # a prepayment against principal re-levels the plan: two on one day re-level it
        # twice, which can move the rounding of the re-levelled installments by a cent
        return
    day, amount = received[-1]
    first = s.currency.to_major(s.currency.to_minor(amount) * percent // 100)
    if first == 0 or first == amount:
        return
    split = [*received[:-1], (day, first), (day, amount - first)]
    whole = loan_state(s, received, as_of=as_of, terms=terms)
    parts = loan_state(s, split, as_of=as_of, terms=terms)
    assert whole.report() | {"ledger": None} == parts.report() | {"ledger": None}


@given(plans(kinds=SMALL, max_installments=8, currency=MINOR_UNIT_CURRENCIES),
       st.sampled_from(PRESETS), st.integers(0, 400))
def test_paid_on_schedule_never_costs_more(plan: Plan, terms: ServicingTerms,
                                           offset: int) -> None:
    s = plan.schedule()
    payments = [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates, s.payment,
                                                           strict=True) if p]
    as_of = s.start + timedelta(days=offset)
    state = loan_state(s, payments, as_of=as_of, terms=terms)
    assert state.unpaid_penalty == state.unpaid_late_fees == 0
    assert state.penalty_charged == state.late_fees_charged == 0
    assert state.days_past_due == 0 and state.bucket == "current"
    assert not [e for e in state.ledger if e.kind in ("penalty", "late_fee")]


@given(plans(kinds=SMALL, max_installments=8, currency=MINOR_UNIT_CURRENCIES),
       st.sampled_from(PRESETS), st.integers(0, 400))
def test_no_penalty_while_current(plan: Plan, terms: ServicingTerms, offset: int) -> None:
    # Whatever the day, a loan with nothing past its due date carries no penalty.
    s = plan.schedule()
    as_of = s.start + timedelta(days=offset)
    payments = [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates, s.payment,
                                                           strict=True) if p and d <= as_of]
    state = loan_state(s, payments, as_of=as_of, terms=terms)
    if not state.overdue:
        assert state.penalty_charged == 0


# --------------------------------------------------------------- serialization


def test_state_and_ledger_round_trip_through_json() -> None:
    s = _flat()
    state = loan_state(s, [("2026-02-20", "50.00")], as_of="2026-03-25",
                       terms=ServicingTerms.jd_baitiao())
    data = json.loads(json.dumps(state.to_dict()))
    back = LoanState.from_dict(data)
    assert back == state  # every field but the remaining plan (not serialized)
    assert isinstance(data["payoff_amount"], str) and "." in data["payoff_amount"]
    assert all(isinstance(e["amount"], str) for e in data["ledger"])
    assert repr(state).startswith("<LoanState 2026-03-25 CNY: principal")


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(("payments", "as_of", "argument"), [
    ([("2026-01-01", "10")], "2026-03-01", "payments[0].date"),   # before the start
    ([("2026-02-01", "-10")], "2026-03-01", "payments[0].amount"),
    ([("2026-02-01", "0")], "2026-03-01", "payments[0].amount"),
    ([("2026-02-01", "10.001")], "2026-03-01", "payments[0].amount"),
    ([("2026-02-10", "10"), ("2026-02-01", "10")], "2026-03-01", "payments[1].date"),
    ([("2026-02-10",)], "2026-03-01", "payments[0]"),
    ([], "2026-01-01", "as_of"),
    ([], "not a date", "as_of"),
])
def test_bad_inputs_name_the_argument(payments: list[tuple[str, ...]], as_of: str,
                                      argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        loan_state(_flat(), payments, as_of=as_of)
    assert info.value.argument == argument
    assert str(info.value).startswith(argument)


def test_typed_errors_for_terms_and_currency() -> None:
    with pytest.raises(CurrencyMismatchError) as info:
        loan_state(_flat(), [Payment(date=date(2026, 2, 1), amount=D(10), currency=USD)],
                   as_of="2026-03-01")
    assert info.value.argument == "payments[0].currency"
    with pytest.raises(InvalidTermsError):
        loan_state(_flat(), [("2025-12-31", "1")], as_of="2026-03-01")
    for kwargs, argument in (({"grace_days": -1}, "grace_days"),
                             ({"penalty_rate": "-0.0005"}, "penalty_rate"),
                             ({"waterfall": ("fee", "principal")}, "waterfall"),
                             ({"order": "diagonal"}, "order"),
                             ({"early_payoff": "never"}, "early_payoff"),
                             ({"max_late_fees": -1}, "max_late_fees"),
                             ({"late_fee_cap_per_plan": "-5"}, "late_fee_cap_per_plan")):
        with pytest.raises(InvalidArgumentError) as terms_info:
            ServicingTerms(**kwargs)  # type: ignore[arg-type]
        assert terms_info.value.argument == argument
    with pytest.raises(InvalidArgumentError) as tier:
        LateFee(days_past_due=0, amount=D(5))
    assert tier.value.argument == "late_fee.days_past_due"
    with pytest.raises(InvalidArgumentError) as unknown:
        ServicingTerms().with_(grace=3)
    assert unknown.value.argument == "grace"
    with pytest.raises(InvalidArgumentError) as wrong:
        loan_state("schedule", as_of="2026-03-01")  # type: ignore[arg-type]
    assert wrong.value.argument == "schedule"


def test_payoff_quote_matches_state_and_components_are_named() -> None:
    s = _flat()
    # on day one nothing is earned yet: the default quote is the principal alone
    assert payoff_quote(s, as_of="2026-01-10") == D("1200.00")
    assert payoff_quote(s, as_of="2026-01-10", terms=ServicingTerms(
        early_payoff="no_rebate")) == D("1272.00")
    assert set(loan_state(s, as_of="2026-01-10").paid) == set(COMPONENTS)
