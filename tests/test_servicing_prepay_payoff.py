"""A prepayment then a payoff on one day costs what a payoff of their sum costs
(issue 13 follow-up: found while mutation testing ``servicing/engine.py``).

The rule (docs/explanation/servicing-and-restructuring.md, "The payoff quote" and
"Prepayments"): under ``accrued_to_date`` an early payoff owes the finance charge earned
to the payoff day (EU Consumer Credit Directive 2008/48/EC art. 16(1): interest and
costs for the remaining duration are reduced, not those already run), and a prepayment
"never lowers the finance charges still to come below what an early payoff today would
keep ... So no sequence of payments settles the loan for less than the quote". A
prepayment against principal stops that principal earning from its day, never before
it: what was earned by the prepayment day stays earned. Booking the same money on the
same day as a prepayment and then a payoff, or as one payoff, must cost the same; on a
later day the prepaid principal has earned nothing since, so the two-step route may
cost less than a payoff of everything that later day, never more.

Every expected amount is worked by hand in the comments or computed with exact
fractions here, never read back from the code under test.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import (
    LateFee,
    LoanState,
    ServicingTerms,
    loan_state,
    payoff_quote,
)
from tests.test_servicing import MINOR_UNIT_CURRENCIES, PRESETS, SMALL

# 1,200.00 at 12% a year (1% a month) in 3 monthly installments of 408.03, 408.03, 408.02
# from 2026-01-15: interest 12.00 (1% of 1,200.00), 8.04 (of 803.97), 4.04 (of 403.98)
from tests.test_servicing_mutants import _three

D = Decimal
JAN25, FEB5, FEB25 = date(2026, 1, 25), date(2026, 2, 5), date(2026, 2, 25)
SHORTEN = ServicingTerms(overpayment="prepay_shorten")
REDUCE = ServicingTerms(overpayment="prepay_reduce")


def _half_up(x: Fraction) -> int:
    return int((x + Fraction(1, 2)) // 1)


def _settled(state: LoanState) -> bool:
    return (state.outstanding_principal == state.unpaid_interest == state.unpaid_fees
            == state.credit_balance == state.payoff_amount == 0)


# ------------------------------------------------------------ the reported case


def test_the_reported_case_a_prepayment_and_a_payoff_on_jan_25_cost_a_direct_payoff(
        ) -> None:
    # Paid off at once on Jan 25 (10 of the first period's 31 days, accrued_to_date):
    #   principal 1,200.00 + interest 12.00 x 10/31 = 3.8710 -> 3.87  = 1,203.87
    # 813.00 prepaid on Jan 25 (prepay_shorten): 387.00 is left, re-run at 1% the first
    # installment pays it (387.00 + 3.87 on Feb 15), 2 and 3 removed; the payoff keeps
    # 3.87 and so does the plan: nothing topped up. The payoff that same day owes the
    # 3.87 earned by Jan 25 on the 1,200.00 then outstanding, nothing since:
    #   387.00 + 3.87 = 390.87; 813.00 + 390.87 = 1,203.87, as paid off at once.
    # Before the fix the re-run 3.87 was pro-rated again, as if 387.00 had been owed
    # since Jan 15: 3.87 x 10/31 = 1.2484 -> 1.25, a payoff of 388.25 and 1,201.25 in all
    # (2.62 less than paying off directly).
    s = _three()
    assert s.payment == (40803, 40803, 40802)
    direct = loan_state(s, as_of=JAN25, terms=SHORTEN)
    assert direct.payoff_amount == D("1203.87")
    assert payoff_quote(s, as_of=JAN25, terms=SHORTEN) == D("1203.87")
    after = direct.apply((JAN25, "813.00"))
    assert after.payoff_amount == D("390.87")
    assert payoff_quote(s, [(JAN25, "813.00")], as_of=JAN25, terms=SHORTEN) == D("390.87")
    assert D("813.00") + after.payoff_amount == direct.payoff_amount
    # paying that quote settles the loan, as 1,203.87 at once does
    assert _settled(after.apply((JAN25, "390.87")))
    assert _settled(direct.apply((JAN25, "1203.87")))
    # both routes paid the same interest: 3.87
    assert after.apply((JAN25, "390.87")).paid["interest"] == D("3.87")
    assert direct.apply((JAN25, "1203.87")).paid["interest"] == D("3.87")


def test_the_reported_case_re_levelled_instead_of_shortened() -> None:
    # prepay_reduce: 387.00 re-levelled over the same three dates; what an early payoff
    # keeps on Jan 25 is still the 3.87 earned on 1,200.00: 387.00 + 3.87 = 390.87
    # (before the fix 388.25, as shortened).
    s = _three()
    assert payoff_quote(s, [(JAN25, "813.00")], as_of=JAN25, terms=REDUCE) == D("390.87")
    # 1,000.00 prepaid: 200.00 left, re-levelled: interest 2.00 + 1.34 + 0.67 = 4.01
    # >= 3.87, so no top-up and installment 1 carries 2.00 of interest, less than the
    # 3.87 already earned: the payoff keeps 3.87 (before: 2.00 x 10/31 = 0.65, a total of
    # 1,200.65, 3.22 less than at once).
    assert payoff_quote(s, [(JAN25, "1000.00")], as_of=JAN25, terms=REDUCE) == D("203.87")


def test_the_other_rules_on_one_day() -> None:
    s = _three()
    # current_period keeps the period's whole charge, 12.00 on 1,200.00: 1,212.00 at
    # once. 100.00 prepaid (re-levelled) leaves 1,100.00, whose first installment's
    # interest is 11.00 (and 11.00 + 7.37 + 3.70 > 12.00: no top-up); the payoff keeps
    # the 12.00 kept before the prepayment: 1,100.00 + 12.00 = 1,112.00, 1,212.00 in all
    # (before the fix 11.00: 1,211.00).
    current = REDUCE.with_(early_payoff="current_period")
    assert payoff_quote(s, as_of=JAN25, terms=current) == D("1212.00")
    assert payoff_quote(s, [(JAN25, "100")], as_of=JAN25, terms=current) == D("1112.00")
    # rule_of_78 on Feb 25 (installment 1, 408.03, overdue): at once the rule keeps the
    # upcoming 8.04 + 4.04 = 12.08 less 24.08 x 2·3/(3·4) = 12.04, i.e. 0.04:
    # 408.03 + 803.97 + 0.04 = 1,212.04. 813.00 on Feb 25 pays the 408.03 due and
    # prepays 404.97: 399.00 is left (one installment, 3.99 of interest); re-run, the
    # rule would keep max(3.99 - 15.99 x 1·2/(2·3), 0) = 0 and the payoff be 399.00,
    # 1,212.00 in all (before the fix). The 0.04 kept on Feb 25 stays kept:
    # 399.00 + 0.04 = 399.04, 1,212.04 in all.
    r78 = SHORTEN.with_(early_payoff="rule_of_78")
    assert payoff_quote(s, as_of=FEB25, terms=r78) == D("1212.04")
    assert payoff_quote(s, [(FEB25, "813")], as_of=FEB25, terms=r78) == D("399.04")
    # no_rebate keeps all 24.08, before and after: 1,224.08 = 813.00 + 411.08
    keep_all = SHORTEN.with_(early_payoff="no_rebate")
    assert payoff_quote(s, as_of=JAN25, terms=keep_all) == D("1224.08")
    assert payoff_quote(s, [(JAN25, "813")], as_of=JAN25, terms=keep_all) == D("411.08")


# ------------------------------------------------------------ later days


def test_a_payoff_later_in_the_period_owes_what_was_earned_then_the_rest_of_the_charge(
        ) -> None:
    # 100.00 prepaid on Jan 25 (shortened): 1,100.00 left, installment 1's interest re-run
    # is 11.00 (1% of 1,100.00). Earned by Jan 25: 12.00 x 10/31 = 120/31. The rest of
    # installment 1's charge, 11.00 - 120/31, is earned over the 21 days Jan 25..Feb 15;
    # on Feb 5 (11 of them): 120/31 + (11 - 120/31) x 11/21 = 7.6051 -> 7.61.
    # Payoff 1,100.00 + 7.61 = 1,107.61; with the 100.00: 1,207.61. Paid off at once on
    # Feb 5: 1,200.00 + 12.00 x 21/31 = 8.1290 -> 8.13: 1,208.13, 0.52 more (the 100.00
    # earned nothing after Jan 25).
    s = _three()
    earned = Fraction(120, 31)
    later = earned + (11 - earned) * Fraction(11, 21)
    assert _half_up(later * 100) == 761
    assert payoff_quote(s, [(JAN25, "100")], as_of=FEB5, terms=SHORTEN) == D("1107.61")
    assert payoff_quote(s, as_of=FEB5, terms=SHORTEN) == D("1208.13")
    # 813.00 prepaid: the plan's 3.87 for the period is already earned by Jan 25
    # (3.8710 >= 3.87), so nothing more accrues to Feb 5: 387.00 + 3.87 = 390.87
    # (before the fix 3.87 x 21/31 = 2.62: 389.62)
    assert payoff_quote(s, [(JAN25, "813")], as_of=FEB5, terms=SHORTEN) == D("390.87")
    # and on the due date itself installment 1 falls due with its 3.87 as scheduled
    state = loan_state(s, [(JAN25, "813")], as_of=date(2026, 2, 15), terms=SHORTEN)
    assert state.payoff_amount == D("390.87") and state.unpaid_interest == D("3.87")


def test_everything_prepaid_owes_what_was_earned_by_then_and_no_more() -> None:
    # 1,201.00 on Jan 25, re-levelled: all 1,200.00 of principal prepaid, 1.00 held as
    # credit. The 3.87 earned by Jan 25 stays owed whenever the loan is settled in the
    # period: on Feb 1 the payoff is 3.87 - 1.00 = 2.87, 1,203.87 in all (before the fix
    # 3.87 x 17/31 = 2.12 and a payoff of 1.12: the later payoff cost less than the
    # 1,203.87 owed on Jan 25 for the same principal).
    s = _three()
    assert payoff_quote(s, [(JAN25, "1201")], as_of=date(2026, 2, 1),
                        terms=REDUCE) == D("2.87")


# ------------------------------------------------------------ properties

TERMS = [
    *PRESETS,
    SHORTEN, REDUCE,
    SHORTEN.with_(early_payoff="current_period"), REDUCE.with_(early_payoff="rule_of_78"),
    REDUCE.with_(early_payoff="no_rebate"), SHORTEN.with_(early_payoff="rule_of_78"),
    ServicingTerms(early_payoff="actuarial"), ServicingTerms(early_payoff="uk_2004"),
    SHORTEN.with_(penalty_rate=Fraction(1, 2000), grace_days=2,
                  late_fees=(LateFee(days_past_due=1, amount=D(3), every=7),)),
    ServicingTerms(interest="daily", overpayment="prepay_reduce"),
    ServicingTerms(interest="daily", overpayment="prepay_shorten", early_payoff="no_rebate",
                   compounding="due_dates"),
    ServicingTerms(interest="daily", early_payoff="current_period"),
]


@st.composite
def prepaid_days(draw: st.DrawFn, terms: list[ServicingTerms] = TERMS
                 ) -> tuple[Schedule, list[tuple[date, Decimal]], date, ServicingTerms]:
    """A plan, earlier payments, a day and terms (every early-payoff and prepayment rule,
    both interest methods, penalties and late fees)."""
    from bnpl_restructure.testing.strategies import plans
    s = draw(plans(kinds=SMALL, max_installments=8, currency=MINOR_UNIT_CURRENCIES)
             ).schedule()
    horizon = (s.due_dates[-1] - s.start).days
    day = s.start + timedelta(days=draw(st.integers(0, horizon + 20)))
    offsets = sorted(draw(st.lists(st.integers(0, (day - s.start).days), max_size=3)))
    total = sum(s.payment)
    earlier = [(s.start + timedelta(days=o),
                s.currency.to_major(draw(st.integers(1, max(1, total // 3)))))
               for o in offsets]
    return s, earlier, day, draw(st.sampled_from(terms))


@given(prepaid_days(), st.data())
def test_a_prepayment_and_a_payoff_on_one_day_cost_a_payoff_of_their_sum(
        case: tuple[Schedule, list[tuple[date, Decimal]], date, ServicingTerms],
        data: st.DataObject) -> None:
    # neither cheaper (the reported case) nor dearer (the reverse risk), to the cent
    s, earlier, day, terms = case
    direct = loan_state(s, earlier, as_of=day, terms=terms)
    quote = s.currency.to_minor(direct.payoff_amount)
    assume(quote > 1)
    first = data.draw(st.integers(1, quote - 1), label="first payment, minor units")
    after = direct.apply((day, s.currency.to_major(first)))
    assert s.currency.to_minor(after.payoff_amount) + first == quote
    assert _settled(after.apply((day, after.payoff_amount)))


# No penalty or late fee here: a penalty is rounded at each booking (a payment books it),
# so paying arrears a few days early can move a penalty cent either way; that is not a
# finance charge and not what this test is about (the same-day test above has them).
ACCRUED = [SHORTEN, REDUCE, ServicingTerms(), PRESETS[8].with_(penalty_rate=0),
           REDUCE.with_(order="vertical", grace_days=2)]


@given(prepaid_days(ACCRUED), st.data())
def test_a_prepayment_then_a_payoff_later_in_its_period_costs_no_more_than_a_payoff(
        case: tuple[Schedule, list[tuple[date, Decimal]], date, ServicingTerms],
        data: st.DataObject) -> None:
    # accrued_to_date, precomputed interest: after a prepayment on day p the period's
    # charge is earned as what was earned by p plus, over the days to the due date, the
    # rest of the installment's re-run charge, which is at most its charge before (less
    # principal, same period); so on any later day q of the period the kept charge is at
    # most the direct payoff's (both rounded half-up once, from exact fractions).
    s, earlier, day, terms = case
    assert terms.early_payoff.value == "accrued_to_date"
    nxt = [d for d in s.due_dates if d > day]
    assume(nxt)
    later = day + timedelta(days=data.draw(st.integers(0, (nxt[0] - day).days - 1)))
    direct = loan_state(s, earlier, as_of=day, terms=terms)
    quote = s.currency.to_minor(direct.payoff_amount)
    assume(quote > 1)
    first = data.draw(st.integers(1, quote - 1), label="first payment, minor units")
    two_step = direct.apply((day, s.currency.to_major(first))).on(later)
    at_once = direct.on(later)
    assert s.currency.to_minor(two_step.payoff_amount) + first <= s.currency.to_minor(
        at_once.payoff_amount)
