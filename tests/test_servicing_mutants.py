"""Servicing tests written from mutation testing (docs/explanation/mutation-testing-servicing.md).

Each test states real behaviour the existing servicing tests left unchecked (a mutant of
the code survived them). Reference values are computed independently in the comments or
with exact fractions in the test itself, never read back from the code under test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from bnpl_restructure import Plan
from bnpl_restructure.daycount import DayCount
from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.rounding import RoundingMode
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import LoanState, ServicingTerms, loan_state
from bnpl_restructure.servicing.accrual import DailyInterest
from bnpl_restructure.servicing.terms import Compounding

# --------------------------------------------------------------------- accrual.py

D = Decimal
JAN1 = date(2026, 1, 1)


def _daily(rate: Fraction, compounding: Compounding = Compounding.NONE,
           day_count: DayCount = DayCount.ACT_365_FIXED, **kw: RoundingMode) -> DailyInterest:
    return DailyInterest(rate, day_count, compounding, JAN1, **kw)


def _round_half_up(x: Fraction) -> int:
    return int((x + Fraction(1, 2)) // 1)


def test_daily_interest_rounds_a_tie_half_up_by_default_and_by_its_mode() -> None:
    # 100 minor units at 36.5% for 25 days (act/365f): 100 x 0.365 x 25/365 = 2.5 exactly
    default = _daily(Fraction(365, 1000))
    default.accrue(date(2026, 1, 26), 100, 0)  # no anchor: measured from the last accrual
    assert default.pending() == 3
    even = _daily(Fraction(365, 1000), mode=RoundingMode.HALF_EVEN)
    even.accrue(date(2026, 1, 26), 100, 0)
    assert even.pending() == 2
    assert even.copy().pending() == 2  # a copy keeps the mode and the accrued amount


def test_daily_interest_counts_a_30_360_period_from_its_anchor() -> None:
    # 30/360: Jan 15..Feb 15 is 30 days; split at Jan 31 it would be 16 + 15 = 31 days.
    # 36,000 minor units at 36% a year: 36,000 x 0.36 x 30/360 = 1,080 (31 days: 1,116).
    start = date(2026, 1, 15)
    d = DailyInterest(Fraction(36, 100), DayCount.THIRTY_360, Compounding.NONE, start)
    d.accrue(date(2026, 1, 31), 36_000, 0, anchor=start)
    d.accrue(date(2026, 2, 15), 36_000, 0, anchor=start)
    assert d.pending() == 1_080
    unanchored = DailyInterest(Fraction(36, 100), DayCount.THIRTY_360, Compounding.NONE,
                               start)
    unanchored.accrue(date(2026, 1, 31), 36_000, 0)
    unanchored.accrue(date(2026, 2, 15), 36_000, 0)
    assert unanchored.pending() == 1_116


def test_daily_compounding_is_the_same_however_the_days_are_grouped() -> None:
    # 1,000.00 at 36.5% a year, daily compounding at 0.1% a day for 60 days:
    # 100,000 x (1.001^60 - 1), whether accrued in one stretch or in two of 30 days
    expected = _round_half_up(100_000 * (Fraction(1001, 1000) ** 60 - 1))
    assert expected == 6_180
    whole = _daily(Fraction(365, 1000), Compounding.DAILY)
    whole.accrue(date(2026, 3, 2), 100_000, 0)
    split = _daily(Fraction(365, 1000), Compounding.DAILY)
    split.accrue(date(2026, 1, 31), 100_000, 0)
    split.accrue(date(2026, 3, 2), 100_000, 0)
    assert whole.pending() == split.pending() == expected


def test_daily_compounding_grows_accrued_interest_once_the_principal_is_gone() -> None:
    # 30 days on 100,000 at 0.1% a day, then 30 more days on no principal: the accrued
    # interest alone compounds: 100,000 x (1.001^30 - 1) x 1.001^30
    d = _daily(Fraction(365, 1000), Compounding.DAILY)
    d.accrue(date(2026, 1, 31), 100_000, 0)
    d.accrue(date(2026, 3, 2), 0, 0)
    g = Fraction(1001, 1000) ** 30
    assert d.pending() == _round_half_up(100_000 * (g - 1) * g) == 3_137


def test_one_minor_unit_of_principal_accrues() -> None:
    # 1 minor unit at 100% for a year (act/365f, 2026 is not a leap year): 1 unit
    simple = _daily(Fraction(1))
    simple.accrue(date(2027, 1, 1), 1, 0)
    assert simple.pending() == 1
    # 1 minor unit at 365% compounded daily (1% a day) for 365 days: 1.01^365 - 1 = 36.78
    compounded = _daily(Fraction(365, 100), Compounding.DAILY)
    compounded.accrue(date(2027, 1, 1), 1, 0)
    assert compounded.pending() == _round_half_up(Fraction(101, 100) ** 365 - 1) == 37


def _ten_point_four() -> DailyInterest:
    # 146 minor units at 100% for 26 days (act/365f): 146 x 26/365 = 10.4 minor units
    d = _daily(Fraction(1))
    d.accrue(date(2026, 1, 27), 146, 0)
    assert d.pending() == 10
    return d


def test_booking_within_the_cap_drops_the_rounding_remainder() -> None:
    d = _ten_point_four()
    assert d.book(cap=10) == 10  # the rounded amount fits the cap: booked as a period is
    # the 0.4 left by rounding is not carried: one more day on 73 units is 0.2 -> 0
    d.accrue(date(2026, 1, 28), 73, 0)
    assert d.pending() == 0


def test_booking_beyond_the_cap_keeps_the_rest_accrued_exactly() -> None:
    d = _ten_point_four()
    assert d.book(cap=4) == 4
    assert d.exact == Fraction(32, 5)  # 10.4 - 4
    assert d.pending() == 6
    assert d.book(cap=0) == 0  # no room: nothing booked, nothing lost
    assert d.book(cap=-3) == 0
    assert d.exact == Fraction(32, 5)
    assert d.book() == 6 and d.exact == 0


# --------------------------------------------------------------------- engine.py


def _three() -> Schedule:
    # 1,200.00 at 12% over 3 months from 2026-01-15: interest 12.00, 8.04, 4.04
    s = Plan.annuity("1200", annual_rate="0.12", installments=3, start="2026-01-15").schedule()
    assert s.interest == (1200, 804, 404)
    assert s.principal_paid == (39603, 39999, 40398)
    return s


def _lines(state: LoanState, *kinds: str) -> list[tuple[str, Decimal, int | None, str | None]]:
    return [(e.kind, e.amount, e.installment, e.component) for e in state.ledger
            if e.kind in kinds]


def test_a_payoff_rebates_interest_charged_early_latest_first() -> None:
    # Default terms (credit_next, accrued_to_date). On Jan 20 a payment of 413.03 pays
    # installment 1 (408.03) early and 5.00 of installment 2's interest (8.04) early; a
    # second payment that day settles. Accrued to date the loan owes installment 1's
    # interest for 5 of its 31 days: 12.00 x 5/31 = 1.935 -> 1.94. Charged early: 12.00 +
    # 8.04 = 20.04, so 18.10 is given back, latest first: the 3.04 of installment 2 still
    # owed is forgiven, its 5.00 paid is refunded, then 10.06 of installment 1's 12.00.
    s = _three()
    state = loan_state(s, [("2026-01-20", "413.03"), ("2026-01-20", "1000")],
                       as_of="2026-01-20")
    assert _lines(state, "rebate", "refund") == [
        ("rebate", D("3.04"), 2, "interest"),
        ("rebate", D("5.00"), 2, "interest"),
        ("refund", D("5.00"), 2, "interest"),
        ("rebate", D("10.06"), 1, "interest"),
        ("refund", D("10.06"), 1, "interest"),
    ]
    assert _lines(state, "cancelled") == [("cancelled", D("4.04"), 3, "interest")]
    assert [(e.date, e.note) for e in state.ledger if e.kind == "rebate"] == [
        (date(2026, 1, 20), "early payoff rebate")] + [
        (date(2026, 1, 20), "early payoff rebate of a charge paid early")] * 2
    assert state.is_settled
    assert (state.paid["interest"], state.paid["principal"]) == (D("1.94"), D("1200.00"))
    # 1,413.03 received, 1,201.94 owed: the rest is held as credit
    assert state.total_paid == D("1413.03") and state.credit_balance == D("211.09")
    assert state.unpaid_interest == 0 and state.outstanding_principal == 0


def test_a_payoff_refunds_interest_paid_early_in_full() -> None:
    # As above, with installment 2 paid in full early (500.00 pays 408.03 + 8.04 + 83.93)
    s = _three()
    state = loan_state(s, [("2026-01-20", "500"), ("2026-01-20", "1000")], as_of="2026-01-20")
    assert _lines(state, "rebate", "refund") == [
        ("rebate", D("8.04"), 2, "interest"),
        ("refund", D("8.04"), 2, "interest"),
        ("rebate", D("10.06"), 1, "interest"),
        ("refund", D("10.06"), 1, "interest"),
    ]
    assert (state.paid["interest"], state.paid["principal"]) == (D("1.94"), D("1200.00"))
    assert state.credit_balance == D("1500.00") - D("1201.94")


DAILY = ServicingTerms(interest="daily")


def _three_daily() -> Schedule:
    # 1,200.00 at 12% (act/365f) over 3 months from 2026-01-15: 407.92, 407.92, 407.91
    s = Plan.annuity("1200", annual_rate="0.12", installments=3, start="2026-01-15",
                     day_count="act/365f").schedule()
    assert s.payment == (40792, 40792, 40791)
    return s


def test_daily_an_installment_paid_early_in_part_is_resplit_on_its_due_date() -> None:
    # Feb 15: 408.03 pays installment 1 (12.23 + 395.69) and 0.11 of installment 2, called
    # early with no interest yet (0 days): 407.92 of principal. Feb 25: 200.00 more.
    # Mar 15, its due date, it owes the interest accrued since Feb 15:
    #   804.20 x 12% x 10/365 = 2.6440 (Feb 15..25), 604.20 x 12% x 18/365 = 3.5756
    #   (Feb 25..Mar 15): 6.2196 -> 6.22, taken from its principal (407.92 -> 401.70).
    s = _three_daily()
    state = loan_state(s, [("2026-02-15", "408.03"), ("2026-02-25", "200")],
                       as_of="2026-03-16", terms=DAILY)
    assert [(e.kind, e.amount, e.installment, e.component, e.date)
            for e in state.ledger if e.note.startswith(("re-split", "accrued since"))] == [
        ("rebate", D("6.22"), 2, "principal", date(2026, 3, 15)),
        ("due", D("6.22"), 2, "interest", date(2026, 3, 15)),
    ]
    # installment 2 owes 401.70 - 200.11 = 201.59 of principal and 6.22 of interest; the
    # principal: 1,200.00 - 395.69 - 200.11 = 604.20
    assert [(o.number, o.principal, o.interest) for o in state.overdue] == [
        (2, D("201.59"), D("6.22"))]
    assert state.outstanding_principal == D("604.20") and state.unpaid_interest == D("6.22")
    # payoff on Mar 16: one more day, 604.20 x 12% / 365 = 0.1986 -> 0.20
    assert state.payoff_amount == D("610.62")


def test_daily_the_last_installment_paid_early_in_part_owes_its_interest_on_top() -> None:
    # Mar 15: 507.92 pays installment 2 (7.40 + 400.52) and 100.00 of installment 3, called
    # early (403.79 of principal). Apr 15: the interest since Mar 15 on 303.79,
    # 303.79 x 12% x 31/365 = 3.0962 -> 3.10, is added on top of its principal.
    s = _three_daily()
    state = loan_state(s, [("2026-02-15", "407.92"), ("2026-03-15", "507.92")],
                       as_of="2026-04-15", terms=DAILY)
    last = [(e.kind, e.amount, e.installment, e.component, e.date)
            for e in state.ledger if e.note == "accrued since it was paid early in part"]
    assert last == [("due", D("3.10"), 3, "interest", date(2026, 4, 15))]
    assert not any(e.kind == "rebate" for e in state.ledger)
    assert state.outstanding_principal == D("303.79") and state.unpaid_interest == D("3.10")
    assert state.payoff_amount == D("306.89")
    settled = loan_state(s, [("2026-02-15", "407.92"), ("2026-03-15", "507.92"),
                             ("2026-04-15", "306.89")], as_of="2026-04-15", terms=DAILY)
    assert settled.is_settled and settled.credit_balance == 0
    assert settled.paid["interest"] == D("12.23") + D("7.40") + D("3.10")


def _tail(state: LoanState, skip: int) -> list[tuple[str, Decimal, int | None, str | None,
                                                      date, str]]:
    return [(e.kind, e.amount, e.installment, e.component, e.date, e.note)
            for e in state.ledger[skip:]]


FEB15, FEB25 = date(2026, 2, 15), date(2026, 2, 25)


def test_daily_a_prepayment_pays_interest_to_the_day_then_principal() -> None:
    # After installment 1, 804.31 of principal is left; Feb 25 is 10 days on:
    # 804.31 x 12% x 10/365 = 2.6443 -> 2.64 of interest, then 297.36 of principal.
    s = _three_daily()
    terms = ServicingTerms(interest="daily", overpayment="prepay_shorten")
    state = loan_state(s, [("2026-02-15", "407.92"), ("2026-02-25", "300")],
                       as_of="2026-02-25", terms=terms)
    assert _tail(state, 5) == [
        ("payment", D("300.00"), None, None, FEB25, ""),
        ("due", D("2.64"), 2, "interest", FEB25, "interest to the day of a prepayment"),
        ("allocation", D("2.64"), 2, "interest", FEB25, ""),
        ("due", D("297.36"), 2, "principal", FEB25, "prepaid principal"),
        ("allocation", D("297.36"), 2, "principal", FEB25, "prepayment"),
        ("reschedule", D("0.00"), None, None, FEB25,
         "prepay_shorten: 297.36 of principal prepaid"),
    ]
    assert state.outstanding_principal == D("506.95") == state.payoff_amount


def test_daily_a_payoff_charges_interest_to_the_day_and_the_principal() -> None:
    # Feb 25: 804.31 + 2.64 = 806.95 settles; 900.00 leaves 93.05 of credit
    s = _three_daily()
    state = loan_state(s, [("2026-02-15", "407.92"), ("2026-02-25", "900")],
                       as_of="2026-02-25", terms=DAILY)
    assert _tail(state, 5) == [
        ("payment", D("900.00"), None, None, FEB25, ""),
        ("due", D("2.64"), 2, "interest", FEB25, "payoff: interest to the day"),
        ("due", D("804.31"), 2, "principal", FEB25, "payoff"),
        ("allocation", D("2.64"), 2, "interest", FEB25, ""),
        ("allocation", D("804.31"), 2, "principal", FEB25, ""),
        ("credit", D("93.05"), None, None, FEB25, "received beyond what is owed"),
    ]
    assert state.is_settled and state.credit_balance == D("93.05")


def test_daily_a_payment_after_the_last_due_date_books_the_interest_since() -> None:
    # Installment 3 (Apr 15) is 403.79 + 4.12 (403.79 x 12% x 31/365 = 4.1154). Paid
    # 100.00 on Apr 25: 10 more days, 403.79 x 12% x 10/365 = 1.3275 -> 1.33, booked to
    # it; the payment pays the 4.12 and 95.88 of principal (older than the 1.33).
    s = _three_daily()
    state = loan_state(s, [("2026-02-15", "407.92"), ("2026-03-15", "407.92"),
                           ("2026-04-25", "100")], as_of="2026-04-25", terms=DAILY)
    apr25 = date(2026, 4, 25)
    assert _tail(state, 12) == [
        ("payment", D("100.00"), None, None, apr25, ""),
        ("due", D("1.33"), 3, "interest", apr25, "accrued since the last due date"),
        ("allocation", D("4.12"), 3, "interest", apr25, ""),
        ("allocation", D("95.88"), 3, "principal", apr25, ""),
    ]
    assert state.outstanding_principal == D("307.91") and state.unpaid_interest == D("1.33")
    assert state.payoff_amount == D("309.24")


# _three()'s rows as records (a schedule read from them has no program)
RECORDS = ({"due_date": "2026-02-15", "payment": "408.03", "principal": "396.03",
            "interest": "12.00"},
           {"due_date": "2026-03-15", "payment": "408.03", "principal": "399.99",
            "interest": "8.04"},
           {"due_date": "2026-04-15", "payment": "408.02", "principal": "403.98",
            "interest": "4.04"})


def test_prepaying_principal_needs_the_schedule_program() -> None:
    # a schedule read from records has no program to re-run the plan still to come
    s = Schedule.from_records(RECORDS, start="2026-01-15")
    assert s.program is None
    with pytest.raises(InvalidArgumentError) as err:
        loan_state(s, [("2026-02-15", "600")], as_of="2026-02-15",
                   terms=ServicingTerms(overpayment="prepay_shorten"))
    assert err.value.argument == "terms.overpayment"
    assert err.value.message == ("prepayment against principal needs a schedule made by "
                                 "Plan.schedule() (with its program)")


# ------------------------------------------- prepayments against principal (third pass)

MAR15, APR15 = date(2026, 3, 15), date(2026, 4, 15)


def _three_with_fee(**kw: str) -> Schedule:
    # _three() with a fee of 5.00 on every installment: 413.03, 413.03, 413.02
    s = Plan.annuity("1200", annual_rate="0.12", installments=3, start="2026-01-15",
                     fee="5", **kw).schedule()
    assert s.fee == (500, 500, 500)
    return s


def _dues(state: LoanState, skip: int) -> list[tuple[str, Decimal, int | None, str | None,
                                                      date, str]]:
    return [t for t in _tail(state, skip) if t[0] in ("due", "reschedule", "allocation")]


def test_a_prepayment_shortens_the_plan_keeping_the_installment_less_its_fee() -> None:
    # After installment 1 (396.03 of principal) 803.97 is left; 300.00 on Feb 25 prepays
    # principal: 503.97, at 1% a month. The installments keep 408.03 (413.03 less the
    # 5.00 fee): Mar 15 interest 5.0397 -> 5.04, principal 408.03 - 5.04 = 402.99;
    # Apr 15 interest 100.98 x 1% -> 1.01 and the last 100.98 of principal.
    s = _three_with_fee()
    terms = ServicingTerms(overpayment="prepay_shorten")
    state = loan_state(s, [("2026-02-15", "413.03"), ("2026-02-25", "300")],
                       as_of="2026-04-15", terms=terms)
    assert _dues(state, 8) == [
        ("due", D("300.00"), 2, "principal", FEB25, "prepaid principal"),
        ("allocation", D("300.00"), 2, "principal", FEB25, "prepayment"),
        ("reschedule", D("0.00"), None, None, FEB25,
         "prepay_shorten: 2 installments remain"),
        ("due", D("402.99"), 2, "principal", MAR15, ""),
        ("due", D("5.04"), 2, "interest", MAR15, ""),
        ("due", D("5.00"), 2, "fee", MAR15, ""),
        ("due", D("100.98"), 3, "principal", APR15, ""),
        ("due", D("1.01"), 3, "interest", APR15, ""),
        ("due", D("5.00"), 3, "fee", APR15, ""),
    ]
    assert state.payoff_amount == D("402.99") + D("5.04") + D("5.00") + D("100.98") + D(
        "1.01") + D("5.00")


def test_a_prepayment_re_levels_the_installments_less_their_fee() -> None:
    # As above, reduced: 503.97 over two months at 1%: 503.97 x 1.01^2 / 2.01 = 255.766
    # -> 255.77 (half up): Mar 15 5.04 + 250.73; Apr 15 253.24 x 1% = 2.53 + 253.24.
    s = _three_with_fee()
    terms = ServicingTerms(overpayment="prepay_reduce")
    state = loan_state(s, [("2026-02-15", "413.03"), ("2026-02-25", "300")],
                       as_of="2026-04-15", terms=terms)
    level = Fraction(50397) * Fraction(101, 100) ** 2 / Fraction(201, 100)
    assert _round_half_up(level) == 25577
    assert _dues(state, 11) == [
        ("due", D("250.73"), 2, "principal", MAR15, ""),
        ("due", D("5.04"), 2, "interest", MAR15, ""),
        ("due", D("5.00"), 2, "fee", MAR15, ""),
        ("due", D("253.24"), 3, "principal", APR15, ""),
        ("due", D("2.53"), 3, "interest", APR15, ""),
        ("due", D("5.00"), 3, "fee", APR15, ""),
    ]


def test_daily_a_prepayment_re_levels_the_installments_at_the_contract_rate() -> None:
    # Daily interest (act/365f), a fee of 5.00. After installment 1, 804.31 of principal;
    # Feb 25 300.00 pays 2.64 of interest to the day and prepays 297.36: 506.95 left,
    # re-levelled over the plan's own periods, Feb 15..Mar 15 (28 days) and Mar 15..Apr 15
    # (31 days) at 12%/365 a day: L = 506.95 (1 + f1)(1 + f2) / (2 + f2) with f1 =
    # 0.12 x 28/365, f2 = 0.12 x 31/365, = 257.105 -> 257.11 (half up), plus the fee.
    # On Mar 15 installment 2 owes L less the 2.64 booked to it, as 3.00 of interest
    # (506.95 x 0.12 x 18/365 = 3.0000) and 257.11 - 2.64 - 3.00 = 251.47 of principal,
    # and its 5.00 fee.
    s = Plan.annuity("1200", annual_rate="0.12", installments=3, start="2026-01-15",
                     day_count="act/365f", fee="5").schedule()
    assert s.payment == (41292, 41292, 41291)
    f1, f2 = Fraction(12, 100) * Fraction(28, 365), Fraction(12, 100) * Fraction(31, 365)
    level = _round_half_up(Fraction(50695) * (1 + f1) * (1 + f2) / (2 + f2))
    assert level == 25711
    terms = ServicingTerms(interest="daily", overpayment="prepay_reduce")
    state = loan_state(s, [("2026-02-15", "412.92"), ("2026-02-25", "300")],
                       as_of="2026-03-15", terms=terms)
    assert _dues(state, 8) == [
        ("due", D("2.64"), 2, "interest", FEB25, "interest to the day of a prepayment"),
        ("allocation", D("2.64"), 2, "interest", FEB25, ""),
        ("due", D("297.36"), 2, "principal", FEB25, "prepaid principal"),
        ("allocation", D("297.36"), 2, "principal", FEB25, "prepayment"),
        ("reschedule", D("0.00"), None, None, FEB25,
         "prepay_reduce: 297.36 of principal prepaid"),
        ("due", D("251.47"), 2, "principal", MAR15, ""),
        ("due", D("3.00"), 2, "interest", MAR15, ""),
        ("due", D("5.00"), 2, "fee", MAR15, ""),
    ]
    assert D(level - 264 - 300) / 100 == D("251.47")


def test_a_prepayment_keeps_the_rows_of_a_plan_with_mixed_rules() -> None:
    # 1,200.00 at 1% a month: 400.00 of principal on Feb 15, interest only on Mar 15,
    # the rest on Apr 15. 300.00 prepaid on Jan 25 leaves 900.00. The rows before the
    # last mix a principal row and an interest-only one, so "reduce" cannot re-level or
    # re-split them: they are re-run as they are, Feb 15 400.00 + 900 x 1% = 9.00,
    # Mar 15 500 x 1% = 5.00, Apr 15 500.00 + 5.00 (not 450.00 + 450.00).
    s = Plan.from_rows("1200", start="2026-01-15", annual_rate="0.12", rows=[
        ("2026-02-15", "400"), {"due": "2026-03-15"}, {"due": "2026-04-15"}]).schedule()
    state = loan_state(s, [("2026-01-25", "300")], as_of="2026-04-15",
                       terms=ServicingTerms(overpayment="prepay_reduce"))
    jan25, feb15 = date(2026, 1, 25), date(2026, 2, 15)
    assert _dues(state, 0) == [
        ("due", D("300.00"), 1, "principal", jan25, "prepaid principal"),
        ("allocation", D("300.00"), 1, "principal", jan25, "prepayment"),
        ("reschedule", D("0.00"), None, None, jan25, "prepay_reduce: 3 installments remain"),
        ("due", D("400.00"), 1, "principal", feb15, ""),
        ("due", D("9.00"), 1, "interest", feb15, ""),
        ("due", D("5.00"), 2, "interest", MAR15, ""),
        ("due", D("500.00"), 3, "principal", APR15, ""),
        ("due", D("5.00"), 3, "interest", APR15, ""),
    ]


def test_a_payoff_with_no_rebate_charges_every_finance_charge_on_the_day() -> None:
    # After installment 1, 803.97 of principal; on Feb 25 a payoff with no rebate owes it
    # and all the interest still scheduled, 8.04 + 4.04: 816.05; 900.00 leaves 83.95.
    state = loan_state(_three(), [("2026-02-15", "408.03"), ("2026-02-25", "900")],
                       as_of="2026-02-25", terms=ServicingTerms(early_payoff="no_rebate"))
    assert _tail(state, 5) == [
        ("payment", D("900.00"), None, None, FEB25, ""),
        ("due", D("803.97"), 2, "principal", FEB25, "payoff"),
        ("due", D("8.04"), 2, "interest", FEB25, "payoff"),
        ("due", D("4.04"), 3, "interest", FEB25, "payoff"),
        ("allocation", D("8.04"), 2, "interest", FEB25, ""),
        ("allocation", D("803.97"), 2, "principal", FEB25, ""),
        ("allocation", D("4.04"), 3, "interest", FEB25, ""),
        ("credit", D("83.95"), None, None, FEB25, "received beyond what is owed"),
    ]
    assert state.is_settled and state.credit_balance == D("83.95")
