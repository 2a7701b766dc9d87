"""Daily interest: declining-balance simple interest on the actual days between payments.

Reference values are the simple-interest formula, principal × annual rate × days / 365
(Actual/365 Fixed, ISDA 2006 §4.16(c)), computed independently in the comments; the
schedule being serviced is built with the same day count, so a loan paid on its due
dates must be charged exactly the interest its schedule shows.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import Plan
from bnpl_restructure.errors import InvalidArgumentError, InvalidTermsError
from bnpl_restructure.restructure import ExtendTerm, restructure
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import LoanState, ServicingTerms, loan_state

D = Decimal
DAILY = ServicingTerms(interest="daily")


def _loan(day_count: str = "act/365f") -> Schedule:
    # 1,200.00 at 12% a year over 12 months from 2026-01-15, 106.59 a month (act/365f)
    return Plan.annuity("1200", annual_rate="0.12", installments=12, start="2026-01-15",
                        day_count=day_count).schedule()


def _paid(s: Schedule, day: int | None = None) -> list[tuple[date, Decimal]]:
    return [(d if day is None else d.replace(day=day), s.currency.to_major(p))
            for d, p in zip(s.due_dates, s.payment, strict=True)]


@pytest.mark.parametrize("day_count", ["act/365f", "act/360", "act/act", "30/360"])
def test_paid_on_the_due_dates_is_charged_the_schedule_interest(day_count: str) -> None:
    s = _loan(day_count)
    state = loan_state(s, _paid(s), as_of=s.due_dates[-1], terms=DAILY)
    assert state.is_settled and state.credit_balance == 0
    charged = [e.amount for e in state.ledger if e.kind == "due" and e.component == "interest"]
    assert charged == [s.currency.to_major(i) for i in s.interest]


def test_an_early_payment_saves_interest_and_a_late_one_costs_more() -> None:
    s = _loan()
    assert s[0].payment == D("106.59")
    # On time: installment 1 is 12.23 interest (1,200.00 x 12% x 31/365 = 12.2301) and
    # 94.36 principal.
    on_time = loan_state(s, _paid(s)[:1], as_of="2026-02-15", terms=DAILY)
    assert (on_time.paid["interest"], on_time.paid["principal"]) == (D("12.23"), D("94.36"))
    # Paid on Feb 5, 10 days early: 21 days of interest, 1,200.00 x 12% x 21/365 =
    # 8.2849 -> 8.28, so 106.59 - 8.28 = 98.31 of principal.
    early = loan_state(s, [("2026-02-05", "106.59")], as_of="2026-02-05", terms=DAILY)
    assert (early.paid["interest"], early.paid["principal"]) == (D("8.28"), D("98.31"))
    # Paid on Feb 25, 10 days late: installment 2's interest (due Mar 15) is 1,200.00 for
    # the 10 days before the payment and 1,105.64 for the 18 after:
    # 1,200 x 12% x 10/365 + 1,105.64 x 12% x 18/365 = 3.9452 + 6.5430 = 10.4882 -> 10.49
    # (1,105.64 x 12% x 28/365 = 10.1780 -> 10.18 when installment 1 is paid on time).
    late = loan_state(s, [("2026-02-25", "106.59")], as_of="2026-03-15", terms=DAILY)
    second = [e.amount for e in late.ledger if e.kind == "due" and e.component == "interest"
              and e.installment == 2]
    assert second == [D("10.49")]
    assert s[1].interest == D("10.18")
    # over the whole loan: every payment 10 days early or late
    totals = {}
    for name, day in (("early", 5), ("on time", None), ("late", 25)):
        state = loan_state(s, _paid(s, day), as_of="2027-02-01", terms=DAILY)
        totals[name] = state.paid["interest"] + state.unpaid_interest
    assert totals["early"] < totals["on time"] == D("79.08") < totals["late"]


def test_the_payoff_quote_owes_interest_to_the_day_only() -> None:
    s = _loan()
    # after installment 1 on time, 1,105.64 principal; on Feb 25, 10 days of interest:
    # 1,105.64 x 12% x 10/365 = 3.6350 -> 3.63: the payoff is 1,109.27
    state = loan_state(s, _paid(s)[:1], as_of="2026-02-25", terms=DAILY)
    assert (state.outstanding_principal, state.payoff_amount) == (D("1105.64"), D("1109.27"))
    assert state.accrued_interest == D("3.63") and state.unpaid_interest == 0
    settled = loan_state(s, [*_paid(s)[:1], ("2026-02-25", "1109.27")], as_of="2026-02-25",
                         terms=DAILY)
    assert settled.is_settled and settled.credit_balance == 0
    assert settled.paid["interest"] == D("12.23") + D("3.63")


def test_unpaid_interest_compounds_as_the_terms_say() -> None:
    s = _loan()
    # installment 1 unpaid: installment 2's interest (Feb 15..Mar 15, 28 days)
    # simple: 1,200.00 x 12% x 28/365 = 11.0466 -> 11.05
    # on due dates: (1,200.00 + 12.23 unpaid interest) x 12% x 28/365 = 11.1592 -> 11.16
    for compounding, expected in (("none", "11.05"), ("due_dates", "11.16")):
        terms = ServicingTerms(interest="daily", compounding=compounding)
        state = loan_state(s, as_of="2026-03-16", terms=terms)
        assert state.overdue[1].interest == D(expected)
    # daily: 1,200.00 x ((1 + 0.12/365)^31 - 1) = 12.2906 -> 12.29 for installment 1
    daily = loan_state(s, as_of="2026-02-16", terms=ServicingTerms(interest="daily",
                                                                    compounding="daily"))
    assert daily.overdue[0].interest == D("12.29")


def test_after_the_last_due_date_interest_keeps_accruing() -> None:
    s = _loan()
    paid = _paid(s)[:11]
    at_maturity = loan_state(s, paid, as_of=s.due_dates[-1], terms=DAILY)
    month_later = loan_state(s, paid, as_of=s.due_dates[-1] + timedelta(days=31),
                             terms=DAILY)
    principal = at_maturity.outstanding_principal
    extra = Fraction(int(principal * 100)) * Fraction(12, 100) * Fraction(31, 365)
    assert month_later.unpaid_interest - at_maturity.unpaid_interest == Decimal(
        round(extra)) / 100
    settle = loan_state(s, [*paid, (s.due_dates[-1] + timedelta(days=31),
                                    month_later.payoff_amount)],
                        as_of=s.due_dates[-1] + timedelta(days=31), terms=DAILY)
    assert settle.is_settled and settle.credit_balance == 0


def test_prepayments_under_daily_interest() -> None:
    s = _loan()
    pay = [("2026-02-15", "406.59")]  # installment 1 and 300.00 against principal
    shorten = loan_state(s, pay, as_of="2026-02-15", terms=ServicingTerms(
        interest="daily", overpayment="prepay_shorten"))
    reduce = loan_state(s, pay, as_of="2026-02-15", terms=ServicingTerms(
        interest="daily", overpayment="prepay_reduce"))
    for state in (shorten, reduce):
        assert state.outstanding_principal == D("805.64")  # 1,200 - 94.36 - 300.00
        assert state.remaining is not None
        assert state.remaining.principal == 80564
    assert shorten.remaining is not None and reduce.remaining is not None
    assert len(shorten.remaining) < 11 == len(reduce.remaining)
    assert reduce.remaining.payment[0] < 10659


def test_a_daily_state_is_restructured_and_stored() -> None:
    s = _loan()
    state = loan_state(s, _paid(s)[:3], as_of="2026-04-30", terms=DAILY)
    assert state.remaining is not None
    assert state.remaining.payment == s.payment[3:]  # projected on time: the schedule
    assert sum(state.remaining.principal_paid) == 91293
    again = restructure(state, [ExtendTerm(periods=3)])
    assert len(again.schedule) >= 12
    back = LoanState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert back == state and back.remaining == state.remaining


def test_daily_terms_are_checked() -> None:
    for kwargs, argument in (({"day_count": "act/360"}, "interest"),
                             ({"interest": "daily", "day_count": "per_period"}, "day_count"),
                             ({"interest": "daily", "early_payoff": "rule_of_78"},
                              "early_payoff"),
                             ({"interest": "weekly"}, "interest"),
                             ({"interest": "daily", "compounding": "hourly"}, "compounding")):
        with pytest.raises(InvalidArgumentError) as info:
            ServicingTerms(**kwargs)  # type: ignore[arg-type]
        assert info.value.argument == argument
    rows = Schedule.from_records([{"due_date": "2026-02-15", "payment": "101.00",
                                   "principal": "100.00", "interest": "1.00"}],
                                 currency="USD", start="2026-01-15")
    with pytest.raises(InvalidTermsError) as unknown:
        loan_state(rows, as_of="2026-02-01", terms=DAILY)
    assert unknown.value.argument == "terms.annual_rate"
    given_rate = ServicingTerms(interest="daily", annual_rate="0.12")
    # the only installment takes all the interest: 100.00 x 12% x 31/365 = 1.0192 -> 1.02,
    # and a day after it (the last) is due, one more day: 100.00 x 12% / 365 = 0.0329
    assert loan_state(rows, as_of="2026-02-16", terms=given_rate).overdue[0].interest == D(
        "1.02") + D("0.03")


@given(st.integers(10_000, 10**7), st.integers(0, 3600), st.integers(1, 36),
       st.sampled_from(["act/365f", "act/360", "act/act", "30/360"]),
       st.sampled_from(["annuity", "equal_principal"]))
def test_on_time_daily_servicing_matches_the_schedule(cents: int, bp: int, n: int,
                                                      day_count: str, kind: str) -> None:
    s = getattr(Plan, kind)(D(cents) / 100, annual_rate=D(bp) / 10_000, installments=n,
                            start="2026-01-31", day_count=day_count).schedule()
    state = loan_state(s, _paid(s), as_of=s.due_dates[-1], terms=DAILY)
    assert state.is_settled and state.credit_balance == 0
    assert state.paid["interest"] == s.currency.to_major(sum(s.interest))


# ------------------------------------------- found by review: regressions, with arithmetic


def test_a_cent_more_on_one_installment_changes_no_interest() -> None:
    # 1,000,000.00 at 24% over 12 (act/365f), every installment paid as scheduled but the
    # first 0.01 more: the 0.01 pays installment 2 early in part; on its due date the
    # interest accrued since comes first, so the loan costs the same interest and ends
    # with the 0.01 as credit (it used to cost 2,469.76 less, the rest left as credit).
    s = Plan.annuity("1000000", annual_rate="0.24", installments=12, start="2026-01-15",
                     day_count="act/365f").schedule()
    paid = _paid(s)
    plus = [(paid[0][0], paid[0][1] + D("0.01")), *paid[1:]]
    for compounding in ("none", "due_dates"):
        terms = ServicingTerms(interest="daily", compounding=compounding)
        exact = loan_state(s, paid, as_of=s.due_dates[-1], terms=terms)
        more = loan_state(s, plus, as_of=s.due_dates[-1], terms=terms)
        assert exact.paid["interest"] == more.paid["interest"] == D("134123.09")
        assert more.credit_balance == D("0.01") and more.is_settled


@pytest.mark.parametrize("overpayment", ["prepay_reduce", "prepay_shorten"])
def test_a_prepayment_does_not_raise_the_next_installment(overpayment: str) -> None:
    s = _loan()
    terms = ServicingTerms(interest="daily", overpayment=overpayment)
    # 300.00 on Feb 5 pays the interest to the day (1,200.00 x 12% x 21/365 = 8.28) and
    # 291.72 of principal; installment 1 stays at most 106.59 and paying 106.59 on Feb 15
    # leaves nothing overdue (it used to be 114.87, leaving 8.28 overdue)
    early = loan_state(s, [("2026-02-05", "300.00")], as_of="2026-02-05", terms=terms)
    assert early.paid["interest"] == D("8.28") and early.paid["principal"] == D("291.72")
    assert early.remaining is not None and early.remaining.payment[0] <= 10659
    later = loan_state(s, [("2026-02-05", "300.00"), ("2026-02-15", "106.59")],
                       as_of="2026-02-20", terms=terms)
    assert later.overdue == () and later.days_past_due == 0
    part = loan_state(s, [("2026-02-05", "5.00"), ("2026-02-15", "101.59")],
                      as_of="2026-02-20", terms=terms)
    assert part.overdue == () and part.days_past_due == 0


def test_the_quote_after_an_early_installment_is_principal_and_interest_to_the_day() -> None:
    s = _loan()
    # installment 1 paid on Feb 5 (8.28 interest, 98.31 principal): 1,101.69 left; on
    # Feb 10, 5 days of interest: 1,101.69 x 12% x 5/365 = 1.8110 -> 1.81: 1,103.50
    state = loan_state(s, [("2026-02-05", "106.59")], as_of="2026-02-10", terms=DAILY)
    assert (state.outstanding_principal, state.accrued_interest, state.payoff_amount) == (
        D("1101.69"), D("1.81"), D("1103.50"))


def test_30_360_interest_does_not_depend_on_how_the_days_are_grouped() -> None:
    # 100,000.00 at 24% on 30/360: Jan 15..Feb 15 is 30 days (2,000.00), but 16 + 15 when
    # split at Jan 31; a 10.00 charge paid on Jan 31 must not add a day of interest
    from bnpl_restructure.servicing import Charge
    s = Plan.annuity("100000", annual_rate="0.24", installments=12, start="2026-01-15",
                     day_count="30/360").schedule()
    fee = Charge(date="2026-01-31", name="nsf", amount="10.00")
    with_fee = loan_state(s, [("2026-01-31", "10.00")], as_of="2026-02-16", terms=DAILY,
                          charges=[fee])
    assert with_fee.overdue[0].interest == s[0].interest == D("2000.00")


def test_a_far_day_under_daily_compounding_is_refused_not_overflowed() -> None:
    s = _loan()
    terms = ServicingTerms(interest="daily", compounding="daily")
    with pytest.raises(InvalidArgumentError) as info:
        loan_state(s, as_of="9999-12-31", terms=terms)
    assert info.value.argument == "as_of"


def test_remaining_ignores_the_callers_decimal_context() -> None:
    import decimal
    s = _loan()
    terms = ServicingTerms(interest="daily", compounding="daily")
    expected = loan_state(s, as_of="2026-02-20", terms=terms).remaining
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        ctx.traps[decimal.Inexact] = True
        assert loan_state(s, as_of="2026-02-20", terms=terms).remaining == expected
