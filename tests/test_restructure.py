"""Restructuring: worked cases, conservation and monotonicity properties, errors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bnpl_restructure import Plan, PlanKind, Residual, RoundingPolicy
from bnpl_restructure.errors import InvalidArgumentError, RestructureNotAllowedError
from bnpl_restructure.examples import seed_plan
from bnpl_restructure.restructure import (
    CapitalizeArrears,
    Change,
    ChangeRate,
    DeferPrincipal,
    ExtendTerm,
    ForgivePrincipal,
    NoFeasibleOption,
    PaymentHoliday,
    ReAge,
    ReAgePolicy,
    ReducePayment,
    ReduceRate,
    ShiftDueDates,
    WaiveFees,
    best_option,
    compare,
    extend_term,
    find_option,
    payment_holiday,
    position,
    re_age,
    reduce_payment,
    restructure,
)
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import LoanState, ServicingTerms, loan_state
from bnpl_restructure.testing.invariants import check_schedule
from bnpl_restructure.testing.strategies import plans

D = Decimal


def _seed_behind() -> tuple[Schedule, LoanState]:
    # The seed: 6,000.00 CNY, 12 x (500.00 + 36.00 fee) from 2026-01-15; only the first
    # installment paid; on 2026-04-20 installments 2 and 3 are overdue.
    s = seed_plan().schedule()
    return s, loan_state(s, [("2026-02-15", "536.00")], as_of="2026-04-20")


def _annuity() -> Schedule:
    # 1,200.00 at 1%/month over 12 from 2026-01-15: 106.62 a month (last 106.60).
    return Plan.annuity("1200", annual_rate="0.12", installments=12,
                        start="2026-01-15").schedule()


# ------------------------------------------------------------------ worked cases


def test_no_change_reproduces_the_remaining_plan() -> None:
    s = _annuity()
    paid = [(d, str(s.currency.to_major(p))) for d, p in zip(s.due_dates[:3], s.payment[:3],
                                                          strict=True)]
    same = restructure(s, [], as_of="2026-04-20", payments=paid)
    assert same.schedule.payment == s.payment[3:]
    assert same.schedule.principal_paid == s.principal_paid[3:]
    assert same.schedule.due_dates == s.due_dates[3:]
    assert same.waived == {} and same.capitalized == {} and same.forgiven == 0


def test_extension_of_a_flat_fee_plan_by_hand() -> None:
    # Position (see _seed_behind): 4,500.00 not yet due over 9 installments; arrears
    # 1,000.00 principal + 72.00 fees. Capitalized: 5,572.00 of principal; 6 more periods
    # -> 15: principal 5,572.00 / 15 = 371.46 (last 371.56), fee 5,572.00 x 0.6% = 33.43.
    _, state = _seed_behind()
    option = restructure(state, [CapitalizeArrears(), ExtendTerm(periods=6)])
    rows = option.schedule
    assert (rows.principal, len(rows)) == (557_200, 15)
    assert [str(r.payment) for r in rows][:2] == ["404.89", "404.89"]
    assert rows[-1].principal == D("371.56")
    assert set(rows.fee) == {3343}
    assert rows.due_dates[-1] == date(2027, 7, 15)  # six months after 2027-01-15
    assert option.capitalized == {"principal": D("1000.00"), "fee": D("72.00")}
    check_schedule(rows)


def test_extension_of_an_annuity_by_hand() -> None:
    # Three installments paid; on 2026-04-20 the balance is 913.29 (after 3 payments).
    # Extend by 6 at the same 1%: level payment over 15 periods
    # = 913.29 x 0.01 / (1 - 1.01^-15) = 65.8699 -> 65.87.
    s = _annuity()
    paid = [(d, "106.62") for d in s.due_dates[:3]]
    option = extend_term(s, as_of="2026-04-20", payments=paid, periods=6)
    assert option.schedule.principal == s.balance[2] == 91_329
    exact = Fraction(91_329, 100) * Fraction(1, 100) / (1 - Fraction(100, 101) ** 15)
    assert round(exact * 100) == 6587
    assert option.schedule.payment[0] == 6587 and len(option.schedule) == 15
    check_schedule(option.schedule)


def test_payment_holiday_variants() -> None:
    s = _annuity()
    paid = [(d, "106.62") for d in s.due_dates[:3]]
    # Two months with nothing due, interest capitalized, plan shifted: the balance grows
    # 913.29 -> 922.42 (9.13 interest, 1% of 913.29) -> 931.64 (9.22), then 9 level
    # payments: 931.64 x 0.01 / (1 - 1.01^-9) = 108.76.
    shifted = payment_holiday(s, as_of="2026-04-20", payments=paid, periods=2)
    rows = shifted.schedule
    assert rows.payment[:2] == (0, 0) and rows.capitalized[:2] == (913, 922)
    assert rows.payment[2] == 10876 and len(rows) == 11
    # Interest waived instead: the lender forgives 9.13 + 9.13; the balance stays 913.29.
    waived = payment_holiday(s, as_of="2026-04-20", payments=paid, periods=2,
                             interest="waive")
    assert waived.waived == {"interest": D("18.26")}
    # Re-amortized within the original maturity: 7 installments left after the holiday.
    inside = payment_holiday(s, as_of="2026-04-20", payments=paid, periods=2, shift=False)
    assert len(inside.schedule) == 9 and inside.schedule.due_dates[-1] == s.due_dates[-1]
    # Interest only for the holiday: 9.13 each month, nothing capitalized.
    io = payment_holiday(s, as_of="2026-04-20", payments=paid, periods=2,
                         interest_only=True)
    assert io.schedule.payment[:2] == (913, 913) and sum(io.schedule.capitalized) == 0


def test_reduced_payment_shortfall_rules_by_hand() -> None:
    # Seed plan current on 2026-02-20 (installment 1 paid): 536.00 a month. Pay 268.00
    # for 3 months: shortfall 268.00 x 3 = 804.00 of principal.
    s = seed_plan().schedule()
    pos = position(s, [("2026-02-15", "536.00")], as_of="2026-02-20")
    defer = reduce_payment(pos, fraction="0.5", periods=3, shortfall="defer")
    assert defer.schedule.payment[:3] == (26_800,) * 3
    assert defer.deferred == D("804.00")
    assert defer.schedule.payment[-1] == 53_600 + 80_400  # balloon with the last one
    spread = reduce_payment(pos, fraction="0.5", periods=3, shortfall="defer", spread=True)
    assert spread.schedule.payment[3] == 53_600 + 80_400 // 8  # over the 8 after
    waive = reduce_payment(pos, fraction="0.5", periods=3, shortfall="waive")
    assert waive.waived == {"principal": D("804.00")}
    assert sum(waive.schedule.forgiven) == 80_400
    cap = reduce_payment(pos, fraction="0.5", periods=3, shortfall="capitalize")
    check_schedule(cap.schedule)
    totals = [sum(o.schedule.payment) for o in (cap, defer, waive)]
    assert totals[0] >= totals[1] >= totals[2]  # capitalize >= defer >= waive


def test_permanent_reduced_payment_solves_the_term() -> None:
    # 913.29 at 1% paying 50.00 a month for good: n solves 913.29 = 50 a(n, 1%):
    # n = -ln(1 - 913.29 x 0.01 / 50) / ln(1.01) = 20.27 -> 21 installments.
    s = _annuity()
    paid = [(d, "106.62") for d in s.due_dates[:3]]
    forever = reduce_payment(s, as_of="2026-04-20", payments=paid, amount="50")
    assert len(forever.schedule) == 21
    assert set(forever.schedule.payment[:-1]) == {5000} and forever.schedule.payment[-1] < 5000
    check_schedule(forever.schedule)


def test_relief_options() -> None:
    s = _annuity()
    paid = [(d, "106.62") for d in s.due_dates[:3]]
    # Rate to 6%: 913.29 over 9 at 0.5% = 913.29 x 0.005 / (1 - 1.005^-9) = 104.03.
    cut = restructure(s, [ReduceRate(annual_rate="0.06")], as_of="2026-04-20", payments=paid)
    assert cut.schedule.payment[0] == 10403
    # Forgive 113.29: 800.00 over 9 at 1% = 800 x 0.01 / (1 - 1.01^-9) = 93.39.
    forgive = restructure(s, [ForgivePrincipal(amount="113.29")], as_of="2026-04-20",
                          payments=paid)
    assert forgive.forgiven == D("113.29") and forgive.schedule.payment[0] == 9339
    # Defer 300.00 into a balloon: 613.29 amortized (71.60), 300.00 with the last.
    defer = restructure(s, [DeferPrincipal(amount="300")], as_of="2026-04-20", payments=paid)
    assert defer.schedule.payment[0] == 7160
    assert defer.schedule.principal == 91_329
    # Fees waived on the seed plan: the fee column empties, arrears fees forgiven.
    _, state = _seed_behind()
    free = restructure(state, [WaiveFees()])
    assert set(free.schedule.fee[1:]) == {0}
    assert free.waived == {"fee": D("396.00")}  # 72.00 overdue + 9 x 36.00


# -------------------------------------------------------------------- comparison


def test_compare_marks_the_cheapest_affordable_option() -> None:
    _, state = _seed_behind()
    table = compare(state, [[CapitalizeArrears(), ExtendTerm(periods=6)],
                            [CapitalizeArrears(), ExtendTerm(periods=12)]],
                    discount_rate="0.05", monthly_income="1500")
    names = [r.name for r in table.rows]
    assert names == ["no change", "capitalize arrears + extend +6",
                     "capitalize arrears + extend +12"]
    # payment-to-income of the largest installment against the 31% HAMP target:
    # no change 536.00 / 1,500.00 = 35.7% (over); extended 404.99 / 1,500.00 = 27.0%.
    six = table.rows[1]
    assert six.payment_to_income == (D("404.99") / D("1500")).quantize(D("1e-12"))  # 12 places
    assert six.affordable and not table.rows[0].affordable
    assert table.best == 1  # within 31% of income and the cheapest such (extend +6)
    assert "*" in table.to_text() and "<table>" in table._repr_html_()
    # the lender's NPV change is measured against "no change"
    assert table.rows[0].npv_change == 0


# -------------------------------------------------------------------- properties


@st.composite
def situations(draw: st.DrawFn) -> tuple[Schedule, list[tuple[date, Decimal]], date]:
    plan = draw(plans(kinds=(PlanKind.ANNUITY, PlanKind.EQUAL_PRINCIPAL, PlanKind.FLAT_FEE,
                             PlanKind.INTEREST_ONLY), max_installments=10))
    s = plan.schedule()
    assume(len(s) >= 3)
    cut = draw(st.integers(1, len(s) - 2))
    paid = [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates[:cut], s.payment[:cut],
                                                        strict=True)
            if p and draw(st.booleans())]
    as_of = s.due_dates[cut - 1] + timedelta(days=1)
    if as_of >= s.due_dates[cut]:
        as_of = s.due_dates[cut - 1]
    return s, paid, as_of


def _changes() -> st.SearchStrategy[list[Change]]:
    one = st.one_of(
        st.builds(ExtendTerm, periods=st.integers(1, 6)),
        st.builds(PaymentHoliday, periods=st.integers(1, 2), shift=st.booleans(),
                  interest_only=st.booleans(),
                  interest=st.sampled_from(["capitalize", "accrue", "waive"])),
        st.builds(ReduceRate, annual_rate=st.just("0")),
        st.just(WaiveFees()),
        st.builds(ForgivePrincipal, fraction=st.sampled_from(["0.1", "0.5"])),
        st.builds(ReducePayment, fraction=st.sampled_from(["0.5", "0.8"]),
                  periods=st.integers(1, 2),
                  shortfall=st.sampled_from(["capitalize", "defer", "waive"]),
                  spread=st.booleans()),
    )
    return st.lists(one, max_size=2).map(lambda xs: [CapitalizeArrears(), *xs])


@given(situations(), _changes())
def test_conservation(situation: tuple[Schedule, list[tuple[date, Decimal]], date],
                      changes: list[Change]) -> None:
    s, paid, as_of = situation
    try:
        pos = position(s, paid, as_of=as_of)
    except RestructureNotAllowedError:
        return
    try:
        option = restructure(pos, changes)
    except (RestructureNotAllowedError, InvalidArgumentError):
        return
    new = option.schedule
    cur = s.currency
    capitalized = sum(cur.to_minor(v) for k, v in option.capitalized.items()
                      if k not in ("principal", "interest"))
    capitalized += cur.to_minor(option.capitalized.get("interest", D(0))) - sum(new.capitalized)
    # principal of the new plan = outstanding + capitalized amounts - forgiven principal
    assert new.principal == pos.outstanding + capitalized - cur.to_minor(option.forgiven)
    check_schedule(new, allow_capitalization=True)
    assert all(d >= as_of for d in new.due_dates)  # paid history is not touched


@given(situations(), st.integers(1, 6), st.integers(1, 6))
def test_a_longer_extension_never_raises_the_installment(
        situation: tuple[Schedule, list[tuple[date, Decimal]], date], a: int, b: int) -> None:
    s, paid, as_of = situation
    try:
        pos = position(s, paid, as_of=as_of)
        short = restructure(pos, [CapitalizeArrears(), ExtendTerm(periods=min(a, b))])
        long = restructure(pos, [CapitalizeArrears(), ExtendTerm(periods=max(a, b))])
    except RestructureNotAllowedError:
        return
    # the installment that takes a split's leftover minor units (fewer than the
    # installments: the last, or the first when the plan's rounding policy puts the
    # residual first) can exceed the shorter plan's by that much
    leftover = s.currency.to_major(len(long.installments))
    first_leftover = leftover if s.rounding_policy.residual is Residual.FIRST else 0
    assert long.first_payment <= short.first_payment + first_leftover
    assert long.max_payment <= short.max_payment + leftover


@given(situations(), st.integers(1, 3), st.sampled_from(["0.3", "0.5", "0.8"]))
def test_capitalizing_costs_at_least_deferring_which_costs_at_least_waiving(
        situation: tuple[Schedule, list[tuple[date, Decimal]], date], periods: int,
        fraction: str) -> None:
    s, _, as_of = situation
    paid = [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates, s.payment, strict=True)
            if d <= as_of and p]
    try:
        pos = position(s, paid, as_of=as_of)
        totals = [sum(reduce_payment(pos, fraction=fraction, periods=periods,
                                     shortfall=mode).schedule.payment)
                  for mode in ("capitalize", "defer", "waive")]
    except (RestructureNotAllowedError, InvalidArgumentError):
        return
    assert totals[0] >= totals[1] >= totals[2]


@given(st.sampled_from([PlanKind.ANNUITY, PlanKind.EQUAL_PRINCIPAL]),
       st.integers(100_000, 5_000_000), st.integers(1, 3000), st.integers(3, 24),
       st.integers(1, 12))
def test_extension_keeps_the_npv_at_the_contract_rate(kind: PlanKind, principal: int,
                                                      rate_bp: int, n: int,
                                                      extra: int) -> None:
    # At the contract rate, discounting the extended plan's installments by its periodic
    # factors from the last paid due date gives back the balance, within a cent per
    # installment (each installment's interest is rounded once).
    maker = Plan.annuity if kind is PlanKind.ANNUITY else Plan.equal_principal
    plan = maker(Decimal(principal).scaleb(-2), annual_rate=Decimal(rate_bp).scaleb(-4),
                 installments=n, start="2026-01-15", currency="USD")
    s = plan.schedule()
    paid = [(s.due_dates[0], s.currency.to_major(s.payment[0]))]
    option = extend_term(s, as_of=s.due_dates[0] + timedelta(days=1), payments=paid,
                         periods=extra)
    rows = option.schedule
    r = plan.periodic_rate
    npv = sum(Fraction(p) / (1 + r) ** (k + 1) for k, p in enumerate(rows.payment))
    assert abs(npv - s.balance[0]) <= len(rows)


# ------------------------------------------------------------------------ errors


def test_errors_say_why() -> None:
    s = _annuity()
    with pytest.raises(RestructureNotAllowedError, match="after the final due date"):
        restructure(s, [], as_of="2027-02-01")
    paid = [(d, "106.62") for d in s.due_dates[:3]]
    with pytest.raises(RestructureNotAllowedError, match="longer than the 6 allowed"):
        payment_holiday(s, as_of="2026-04-20", payments=paid, periods=7)
    with pytest.raises(RestructureNotAllowedError, match="does not cover the interest"):
        reduce_payment(s, as_of="2026-04-20", payments=paid, amount="5", periods=2,
                       shortfall="defer")
    with pytest.raises(RestructureNotAllowedError, match="never be repaid"):
        reduce_payment(s, as_of="2026-04-20", payments=paid, amount="9")
    with pytest.raises(InvalidArgumentError) as info:
        extend_term(s, as_of="2026-04-20", payments=paid)
    assert info.value.argument == "periods"
    with pytest.raises(InvalidArgumentError) as info:
        restructure(s, ["extend"], as_of="2026-04-20")  # type: ignore[list-item]
    assert info.value.argument == "changes[0]"
    with pytest.raises(InvalidArgumentError) as info:
        restructure(s, [ReduceRate(annual_rate="0.2")], as_of="2026-04-20")
    assert info.value.argument == "annual_rate"
    _, state = _seed_behind()
    with pytest.raises(InvalidArgumentError) as info:
        restructure(state, [ReduceRate(annual_rate="0.05")])
    assert info.value.argument == "fee_rate"


# -------------------------------------------------------------- re-age and search


def _annuity_behind() -> object:
    # 12,000.00 at 18%/yr over 12 from 2026-01-15 (1,100.16 a month); one installment
    # paid, then nothing: on 2026-04-20 installments 2 and 3 are overdue.
    a = Plan.annuity("12000", annual_rate="0.18", installments=12, start="2026-01-15"
                     ).schedule()
    return loan_state(a, [("2026-02-15", "1100.16")], as_of="2026-04-20")


def test_find_option_each_step_can_bind() -> None:
    state = _annuity_behind()
    a = state.schedule
    # Capitalized: the principal not yet paid (11,079.84) + overdue interest (166.20 +
    # 152.19) = 11,398.23, over the 9 remaining months.
    principal = Fraction(a.balance[0] + a.interest[1] + a.interest[2], 100)
    assert principal == Fraction("11398.23")

    def pmt(annual: Fraction, n: int) -> Fraction:  # independent level payment
        r = annual / 12
        return principal * r / (1 - (1 / (1 + r)) ** n)

    # (1) capitalizing alone: 11,398.23 at 1.5% over 9 = 1,363.34 meets 1,400.00
    only_cap = find_option(state, target_payment="1400")
    assert only_cap and [c.kind for c in only_cap.changes] == ["capitalize_arrears"]
    assert only_cap.first_payment == D("1363.34") == round(D(float(pmt(Fraction(18, 100), 9))),
                                                            2)
    # (2) the rate in 0.125% steps from 18%: the first that meets 1,300.00
    rate = Fraction(18, 100)
    while pmt(rate, 9) > 1300:
        rate -= Fraction(125, 100_000)
    assert rate == Fraction("0.0625")
    cut = find_option(state, target_payment="1300")
    assert cut and [c.describe() for c in cut.changes] == ["capitalize arrears",
                                                           "rate 6.25%/yr"]
    # (3) even 2% misses 1,250.00 over 9 months (pmt = 1,276.9); one more month meets it
    assert pmt(Fraction(2, 100), 9) > 1250 >= pmt(Fraction(2, 100), 10)
    longer = find_option(state, target_payment="1250")
    assert longer and [c.describe() for c in longer.changes] == [
        "capitalize arrears", "rate 2%/yr", "extend +1"]
    # (4) at 24 more periods, the least principal deferral that meets 300.00
    deferral = find_option(state, target_payment="300")
    assert deferral and deferral.changes[-1].kind == "defer_principal"
    assert deferral.first_payment <= D("300")
    least = deferral.changes[-1]
    assert isinstance(least, DeferPrincipal)
    one_less = restructure(state, [*deferral.changes[:-1], DeferPrincipal(
        amount=D(str(least.amount)) - D("0.01"))])
    assert one_less.first_payment > D("300")  # the deferral found is the least
    # nothing works: the deferral limit binds
    none = find_option(state, target_payment="50")
    assert not none and none.binding == "principal deferral limit"
    assert "50.00" in none.reason


def _re_age_case() -> tuple[Schedule, str, list[tuple[object, str]], object]:
    # 12,000.00 at 18% over 24 from 2026-01-15: 9 months old on 2026-10-21, installments
    # 1-3 paid, 4-6 missed, then 3 consecutive payments of one installment each.
    a = Plan.annuity("12000", annual_rate="0.18", installments=24, start="2026-01-15"
                     ).schedule()
    pay = str(a[0].payment)
    history = [(d, pay) for d in a.due_dates[:3]] + [
        ("2026-08-20", pay), ("2026-09-20", pay), ("2026-10-20", pay)]
    return a, pay, history, loan_state(a, history, as_of="2026-10-21")


def test_re_age_policy_and_mechanics() -> None:
    a, pay, history, state = _re_age_case()
    assert state.days_past_due > 0
    re_aged = re_age(state)
    new = re_aged.schedule
    assert new.due_dates[0] > state.as_of  # brought current: nothing due now
    check_schedule(new)
    spread = re_age(state, interest="spread_frozen")
    assert sum(spread.schedule.interest) == 0  # interest frozen
    # too young: 2026-01-15 to 2026-07-15 is 6 months
    young = loan_state(a, [*history[:3], ("2026-06-20", pay), ("2026-07-01", pay),
                           ("2026-07-10", pay)], as_of="2026-07-15")
    with pytest.raises(RestructureNotAllowedError, match="account is 6 months old"):
        re_age(young)
    # re-aged within the last 12 months already
    with pytest.raises(RestructureNotAllowedError, match="at most 1 in 12 months"):
        re_age(position(state, history=["2026-03-01"]))
    # no qualifying payments
    idle = loan_state(a, history[:3], as_of="2026-10-21")
    with pytest.raises(RestructureNotAllowedError, match="consecutive payments"):
        re_age(idle)


# ------------------------------------------------------------- review regressions


def test_restructuring_on_a_due_date_keeps_its_principal() -> None:
    # On 2026-03-15 installment 2 falls due unpaid: 5,500.00 is still owed in all.
    # (with no rebate on early payoff, paying off owes every remaining fee, as the plan
    # that does not change does)
    s = seed_plan().schedule()
    state = loan_state(s, [("2026-02-15", "536.00")], as_of="2026-03-15",
                       terms=ServicingTerms(early_payoff="no_rebate"))
    pos = position(state)
    assert pos.outstanding == 550_000 == s.currency.to_minor(state.outstanding_principal)
    same = restructure(pos, [])
    assert sum(same.schedule.payment) == s.currency.to_minor(state.payoff_amount)


def test_a_restructured_schedule_is_serviced_and_restructured_again() -> None:
    _, state = _seed_behind()
    first = restructure(state, [CapitalizeArrears(), ExtendTerm(periods=6)])
    new = first.schedule
    paid = [(new.due_dates[1], str(new[1].payment))]
    later = loan_state(new, paid, as_of="2026-05-20")
    assert later.days_past_due > 0  # the 10.99 penalty row due on 2026-04-20 is unpaid
    again = restructure(later, [WaiveFees(future=False)], )
    check_schedule(again.schedule)
    # 404.89 due on 2026-05-15 plus 1,000.00 prepaid: 5,572.00 - 371.46 - 1,000.00 left
    prepaid = loan_state(new, [(new.due_dates[0], str(new[0].payment + 1000))],
                         as_of="2026-05-16", terms=ServicingTerms(overpayment="prepay_reduce"))
    assert prepaid.remaining is not None and prepaid.remaining.principal == 420_054
    assert first.history == (date(2026, 4, 20),)


def test_compare_survives_a_deeply_behind_borrower() -> None:
    s = Plan.equal_principal("12345.67", annual_rate="0.18", installments=12,
                             start="2026-01-31").schedule()
    state = loan_state(s, [("2026-02-28", "500")], as_of="2027-01-01",
                       terms=ServicingTerms.jd_baitiao())
    table = compare(state, [[CapitalizeArrears(), ExtendTerm(periods=6)]],
                    discount_rate="0.05")
    assert len(table.rows) == 2


def test_find_option_reaches_the_rate_floor() -> None:
    # From 10.1% the 0.125% steps skip 2%: the floor itself is still tried.
    a = Plan.annuity("12000", annual_rate="0.101", installments=12, start="2026-01-15"
                     ).schedule()
    paid = [(d, str(a[0].payment)) for d in a.due_dates[:3]]
    state = loan_state(a, paid, as_of="2026-04-20")
    at_floor = restructure(state, [CapitalizeArrears(), ReduceRate(annual_rate="0.02")])
    found = find_option(state, target_payment=str(at_floor.first_payment))
    assert found and [c.describe() for c in found.changes] == ["capitalize arrears",
                                                               "rate 2%/yr"]


def test_a_fee_cut_survives_an_extension() -> None:
    # 5,572.00 over 10 at a 0.3% fee: 557.20 + 16.72 = 573.92.
    _, state = _seed_behind()
    option = restructure(state, [CapitalizeArrears(), ReduceRate(fee_rate="0.003"),
                                 ExtendTerm(periods=1)])
    assert option.schedule.payment[1] == 57_392
    with pytest.raises(InvalidArgumentError) as info:
        restructure(state, [ReduceRate(fee_rate="0.01")])
    assert info.value.argument == "fee_rate"
    with pytest.raises(InvalidArgumentError) as info:
        restructure(state, [ExtendTerm(periods=2, annual_rate="0.12")])
    assert info.value.argument == "annual_rate"


def test_reduced_payment_is_measured_on_the_plan_as_changed() -> None:
    # After capitalizing, the installment is 655.11 (5,572.00 / 9 + 33.43 fee); 90% of it
    # is 589.60.
    _, state = _seed_behind()
    option = restructure(state, [CapitalizeArrears(),
                                 ReducePayment(fraction="0.9", periods=3, shortfall="defer")])
    assert option.schedule.payment[1] == 58_960


def test_interest_only_plans_stay_interest_only() -> None:
    s = Plan.interest_only("1200", annual_rate="0.12", installments=6,
                           start="2026-01-15").schedule()
    longer = extend_term(s, as_of="2026-02-20", payments=[("2026-02-15", "12")], periods=2)
    assert set(longer.schedule.payment[:-1]) == {1200}  # 12.00 interest, principal at end


def test_re_age_bookkeeping() -> None:
    _, _, _, state = _re_age_case()
    pos = position(state)
    re_aged = restructure(pos, [ReAge()])
    assert re_aged.capitalized["principal"] == state.currency.to_major(pos.arrears["principal"])
    with pytest.raises(RestructureNotAllowedError, match="nothing is overdue"):
        restructure(pos, [CapitalizeArrears(), ReAge()])
    frozen = restructure(pos, [ReAge(interest="spread_frozen")])
    assert frozen.waived["interest"] == state.currency.to_major(sum(pos.remaining.interest))


def test_hamp_npv_test_weights_default() -> None:
    # NPV = (1 - p) x PV(payments at 5%) + p x recovery x principal owed (5,500.00).
    _, state = _seed_behind()
    plain = compare(state, [[CapitalizeArrears(), ExtendTerm(periods=6)]],
                    discount_rate="0.05")
    weighted = compare(state, [[CapitalizeArrears(), ExtendTerm(periods=6)]],
                       discount_rate="0.05", default_probability="0.5",
                       redefault_probability="0.2", recovery_rate="0.3")
    # independent PV of "no change" (float, to the cent): payments discounted by days/365
    base = restructure(state, []).schedule
    pv = sum(p / 100 / 1.05 ** ((d - base.start).days / 365)
             for d, p in zip(base.due_dates, base.payment, strict=True))
    assert abs(float(plain.rows[0].lender_npv) - pv) < 0.006
    expected_base = 0.5 * float(plain.rows[0].lender_npv) + 0.5 * 0.3 * 5500
    expected_option = 0.8 * float(plain.rows[1].lender_npv) + 0.2 * 0.3 * 5500
    assert abs(float(weighted.rows[0].lender_npv) - expected_base) < 0.01
    assert abs(float(weighted.rows[1].lender_npv) - expected_option) < 0.01
    assert weighted.rows[1].npv_change > 0  # the modification passes the NPV test


def test_each_option_on_the_flat_fee_plan_by_hand() -> None:
    # Seed plan current on 2026-02-20 (installment 1 paid): 11 installments of 500.00
    # principal + 36.00 fee (0.6% of the original 6,000.00) remain, 5,500.00 principal.
    s = seed_plan().schedule()
    pos = position(s, [("2026-02-15", "536.00")], as_of="2026-02-20")
    # holiday of 2, plan shifted: nothing due twice, then the 11 installments of 536.00
    shifted = restructure(pos, [PaymentHoliday(periods=2)])
    assert shifted.schedule.payment[:3] == (0, 0, 53_600) and len(shifted.schedule) == 13
    assert shifted.schedule.due_dates[-1] == date(2027, 3, 15)
    # re-amortized within maturity: 5,500.00 / 9 = 611.11 + 36.00; the two holiday
    # months' fees (72.00) are waived and reported
    inside = restructure(pos, [PaymentHoliday(periods=2, shift=False)])
    assert inside.schedule.payment[2] == 64_711 and inside.waived == {"fee": D("72.00")}
    # a 0.3% fee on the outstanding 5,500.00 = 16.50: 516.50 a month
    cheaper = restructure(pos, [ReduceRate(fee_rate="0.003")])
    assert set(cheaper.schedule.payment) == {51_650}
    # 1,100.00 forgiven: 4,400.00 / 11 = 400.00 + 36.00
    forgiven = restructure(pos, [ForgivePrincipal(amount="1100")])
    assert set(forgiven.schedule.payment) == {43_600} and forgiven.forgiven == D("1100.00")
    # 1,100.00 deferred to a balloon: 436.00 a month, the last 436.00 + 1,100.00
    deferred = restructure(pos, [DeferPrincipal(amount="1100")])
    assert deferred.schedule.payment[0] == 43_600
    assert deferred.schedule.payment[-1] == 153_600
    assert sum(deferred.schedule.payment) == sum(s.payment[1:])  # nothing forgiven
    for option in (shifted, inside, cheaper, forgiven, deferred):
        check_schedule(option.schedule)


def test_combinations_keep_what_each_change_did() -> None:
    _, state = _seed_behind()
    easy = ReAgePolicy(min_account_age_months=0, consecutive_payments=0)
    # a re-age's overdue fee (72.00) stays on the first installment through an extension
    re_aged = restructure(state, [ReAge(policy=easy), ExtendTerm(periods=2)])
    assert re_aged.schedule.fee[0] == re_aged.schedule.fee[1] + 7_200
    # a reduced payment then a shifting holiday: the reduced rows follow the holiday
    s = seed_plan().schedule()
    pos = position(s, [("2026-02-15", "536.00")], as_of="2026-02-20")
    both = restructure(pos, [ReducePayment(fraction="0.5", periods=2, shortfall="defer"),
                             PaymentHoliday(periods=2)])
    assert both.schedule.payment[:4] == (0, 0, 26_800, 26_800)
    assert both.deferred == D("536.00")
    # a temporary fee cut survives an extension; holiday rows keep no fee
    cut = restructure(pos, [ReduceRate(fee_rate="0.003", periods=2), ExtendTerm(periods=2)])
    assert cut.schedule.fee[:2] == (1_650, 1_650) and cut.schedule.fee[2] == 3_300
    io = restructure(pos, [PaymentHoliday(periods=2, interest_only=True, shift=False),
                           ExtendTerm(periods=2)])
    assert io.schedule.fee[:2] == (0, 0) and io.waived == {"fee": D("72.00")}
    # the reduced amount asked for is what is paid, whatever the fee becomes later
    paid = restructure(state, [CapitalizeArrears(), ReducePayment(amount="300", periods=2),
                               ExtendTerm(periods=3)])
    assert paid.schedule.payment[:2] == (30_000, 30_000)
    # a permanent reduced payment after a holiday is measured on the regular installment
    later = restructure(pos, [PaymentHoliday(periods=2), ReducePayment(amount="300")])
    assert later.schedule.payment[2] == 30_000
    # the plan without what is due today discloses
    assert restructure(state, []).plan.first_number == 4


@given(situations(), _changes())
def test_a_new_plan_paid_as_scheduled_settles_the_loan(
        situation: tuple[Schedule, list[tuple[date, Decimal]], date],
        changes: list[Change]) -> None:
    # The new schedule is a normal schedule: servicing it with its own payments on their
    # due dates leaves nothing owed after the last one.
    s, paid, as_of = situation
    try:
        option = restructure(s, changes, as_of=as_of, payments=paid)
    except (RestructureNotAllowedError, InvalidArgumentError):
        return
    new = option.schedule
    payments = [(d, new.currency.to_major(p)) for d, p in zip(new.due_dates, new.payment,
                                                             strict=True) if p]
    after = loan_state(new, payments, as_of=new.due_dates[-1])
    assert after.payoff_amount == 0 and after.outstanding_principal == 0
    assert after.days_past_due == 0


@given(situations())
def test_no_change_reproduces_the_remaining_schedule(
        situation: tuple[Schedule, list[tuple[date, Decimal]], date]) -> None:
    s, paid, as_of = situation
    try:
        pos = position(s, paid, as_of=as_of)
    except RestructureNotAllowedError:
        return
    same = restructure(pos, [])
    rows = same.plan  # without the arrears due today
    rest = pos.remaining
    assert (rows.due_dates, rows.payment, rows.principal_paid, rows.interest, rows.fee) == (
        rest.due_dates, rest.payment, rest.principal_paid, rest.interest, rest.fee)
    assert same.waived == {} and same.capitalized == {} and same.forgiven == 0


@pytest.mark.parametrize(("fraction", "label"), [
    (Fraction(1, 2), "pay 50% ×3 (capitalize)"), ("0.5", "pay 50% ×3 (capitalize)"),
    ("12.5%", "pay 12.5% ×3 (capitalize)"), (Fraction(1, 3), "pay 33.33% ×3 (capitalize)")])
def test_a_reduced_payment_describes_its_fraction_in_any_form(fraction: object,
                                                             label: str) -> None:
    assert ReducePayment(fraction=fraction, periods=3).describe() == label


# ----------------------------------------------------- the plan's own rounding policy


def _rounded_annuity(rounding: RoundingPolicy) -> tuple[Schedule, LoanState]:
    s = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2026-01-15",
                     rounding=rounding).schedule()
    paid = [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates[:3], s.payment[:3],
                                                       strict=True)]
    return s, loan_state(s, paid, as_of="2026-04-20")


def test_recomputed_payments_round_as_the_plan_does() -> None:
    # Whole-unit installments (increment 1.00): 1,200.00 at 1%/month over 12 pays 107.00;
    # after three, 912.14 is left. Extended by 6 to 15 installments the level payment is
    # 912.14 x 0.01 / (1 - 1.01^-15) = 65.7870..., a whole 66.00 (half-up), the last
    # installment the rest.
    s, state = _rounded_annuity(RoundingPolicy(increment="1"))
    assert s.payment[:3] == (10700, 10700, 10700) and s.balance[2] == 91214
    exact = Fraction(91214) * Fraction(1, 100) / (1 - Fraction(100, 101) ** 15)
    assert 6578 < exact < 6579
    new = restructure(state, [ExtendTerm(periods=6)]).schedule
    assert new.payment[:-1] == (6600,) * 14 and new.payment[-1] < 6600
    # Payments rounded up: 913.29 left, 913.29 x 0.01 / (1 - 1.01^-15) = 65.8699... -> 65.87
    s, state = _rounded_annuity(RoundingPolicy(payment="up"))
    assert s.balance[2] == 91329
    assert restructure(state, [ExtendTerm(periods=6)]).schedule.payment[:2] == (6587, 6587)
    # servicing re-levels a prepaid plan the same way: whole units
    whole = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2026-01-15",
                         rounding=RoundingPolicy(increment="1")).schedule()
    prepaid = loan_state(whole, [(whole.due_dates[0], "400")], as_of=whole.due_dates[0],
                         terms=ServicingTerms(overpayment="prepay_reduce"))
    assert prepaid.remaining is not None
    assert all(p % 100 == 0 for p in prepaid.remaining.payment[:-1])
    assert whole.rounding_policy == RoundingPolicy(increment="1")


def test_extensions_reach_the_maturity_asked_or_say_why_not() -> None:
    _, state = _rounded_annuity(RoundingPolicy())
    # to a maturity: the last due date on or before it (the plan's 15th of the month)
    far = restructure(state, [ExtendTerm(maturity="2061-06-30")]).schedule
    assert far.due_dates[-1] == date(2061, 6, 15)
    # 9 left (2026-05-15..2027-01-15), then monthly 2027-02-15..2061-06-15: 34 x 12 + 5
    assert len(far) == 9 + (2061 - 2027) * 12 + 5
    # beyond the plan limit (2,600 installments): a typed error naming the argument
    with pytest.raises(InvalidArgumentError) as periods:
        restructure(state, [ExtendTerm(periods=10_000)])
    assert periods.value.argument == "periods" and "2600" in str(periods.value)
    with pytest.raises(InvalidArgumentError) as maturity:
        restructure(state, [ExtendTerm(maturity="2400-01-15")])
    assert maturity.value.argument == "maturity" and "2600" in str(maturity.value)
    most = restructure(state, [ExtendTerm(periods=2600 - 9)]).schedule
    assert len(most) == 2600


# ---------------------------------------------------------------- the best option


def test_the_best_option_is_the_cheapest_that_meets_the_target() -> None:
    _, state = _seed_behind()
    found = best_option(state, target_payment="465.00", discount_rate="0.05",
                        fee_rate_step="0.001", max_extension=6)
    assert found and found.best is not None
    totals = [r.row.total_to_pay for r in found.ranking]
    assert totals == sorted(totals) and [r.rank for r in found.ranking] == list(
        range(1, len(totals) + 1))
    assert all(r.row.first_payment <= 465 and not r.row.over_caps for r in found.ranking)
    assert all(r.reasons and r.rank is None for r in found.rejected)
    assert all(r.row.first_payment > 465 for r in found.rejected
               if r.reasons[0].startswith("payment above target"))
    # 7 fee rates (0.6% down to 0 in 0.1% steps) x 7 extensions (0..6) were run
    assert len(found.ranking) + len(found.rejected) + len(found.refused) == 7 * 7
    # the HAMP waterfall's first option is among them, and costs no less than the best
    first = find_option(state, target_payment="465.00", fee_rate_step="0.001")
    assert not isinstance(first, NoFeasibleOption)
    assert found.ranking[0].row.total_to_pay <= Decimal(str(sum(
        first.schedule.payment))) / 100
    npv = best_option(state, target_payment="465.00", discount_rate="0.05",
                      fee_rate_step="0.001", max_extension=6, objective="lender_npv")
    assert npv.best is not None
    assert npv.ranking[0].row.lender_npv == max(r.row.lender_npv for r in found.ranking)
    none = best_option(state, target_payment="10.00", discount_rate="0.05",
                       fee_rate_step="0.001", max_extension=2)
    assert not none and none.best is None and none.ranking == ()
    assert "payment above target" in none.to_text()


def test_searches_are_bounded() -> None:
    _, state = _seed_behind()
    annuity_state = loan_state(Plan.annuity("12000", annual_rate="0.18", installments=24,
                                            start="2026-01-15").schedule(), [],
                               as_of="2026-03-20")
    for call, argument in (
            (lambda: find_option(annuity_state, target_payment="100", rate_step="1e-30"),
             "rate_step"),
            (lambda: find_option(annuity_state, target_payment="100", rate_step="0.00001"),
             "rate_step"),
            (lambda: find_option(state, target_payment="100", fee_rate_step="0"),
             "fee_rate_step"),
            (lambda: best_option(annuity_state, target_payment="100", discount_rate="0.05",
                                 max_extension=100), "max_extension"),
            (lambda: best_option(annuity_state, target_payment="100", discount_rate="0.05",
                                 max_candidates=0), "max_candidates")):
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.argument == argument


# ------------------------------------------------------------- rates up and down


def test_rate_increases_and_steps() -> None:
    s = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2026-01-15"
                     ).schedule()
    # 6% a year for 3 installments, then 18%: one level payment over the steps,
    # P x G / sum(G / G_k) with G_k the growth to period k = 107.08 (independently,
    # fractions: 1,200.00 x prod(1 + r) / sum(prod / prod_k)); interest 0.5% of 1,200.00
    # = 6.00 in period 1, 1.5% of the balance after 3 in period 4
    growth, each = Fraction(1), []
    for r in [Fraction(5, 1000)] * 3 + [Fraction(15, 1000)] * 9:
        growth *= 1 + r
        each.append(growth)
    assert round(Fraction(120000) * growth / sum(growth / g for g in each)) == 10708
    stepped = restructure(s, [ChangeRate(annual_rate="0.06", periods=3),
                              ChangeRate(annual_rate="0.18", start=4)], as_of="2026-01-20")
    assert stepped.schedule.payment[0] == 10708 and stepped.schedule.interest[0] == 600
    balance = 120000
    for _ in range(3):
        balance += round(Fraction(balance * 5, 1000)) - 10708
    assert stepped.schedule.interest[3] == round(Fraction(balance * 15, 1000)) == 1343
    # a plain increase: ReduceRate refuses it and says what to use
    with pytest.raises(InvalidArgumentError) as up:
        restructure(s, [ReduceRate(annual_rate="0.18")], as_of="2026-01-20")
    assert up.value.argument == "annual_rate" and "ChangeRate" in str(up.value)
    higher = restructure(s, [ChangeRate(annual_rate="0.18")], as_of="2026-01-20")
    assert higher.first_payment > restructure(s, [], as_of="2026-01-20").first_payment
    with pytest.raises(InvalidArgumentError) as start:
        restructure(s, [ChangeRate(annual_rate="0.18", start=13)], as_of="2026-01-20")
    assert start.value.argument == "start"


def test_a_flat_plans_fee_repriced_on_the_original_or_the_outstanding() -> None:
    # the seed: 6,000.00 flat at 0.6% a month; two installments behind on 2026-04-20 with
    # 4,500.00 left to come (9 installments); a 0.4% fee on the outstanding 4,500.00 is
    # 18.00 a period, on the original 6,000.00 (as flat plans price it) 24.00
    _, state = _seed_behind()
    outstanding = restructure(state, [ChangeRate(fee_rate="0.004")]).schedule
    original = restructure(state, [ChangeRate(fee_rate="0.004", fee_basis="original")]
                           ).schedule
    assert outstanding.fee[-1] == 1800 and original.fee[-1] == 2400
    raised = restructure(state, [ChangeRate(fee_rate="0.008")]).schedule
    assert raised.fee[-1] == 3600  # 0.8% of 4,500.00: an increase ChangeRate allows
    assert "of the original" in ChangeRate(fee_rate="0.004", fee_basis="original").describe()


def test_shifting_due_dates_charges_the_days_by_the_day_count() -> None:
    # 1,200.00 at 1% a month (per period) from 2026-01-15, restructured on 2026-01-20 to
    # fall due on the 25th: the first period runs Jan 15..Feb 25, 41 days instead of 31,
    # charged pro rata: 1,200.00 x 1% x 41/31 = 15.8710 -> 15.87; the others as before
    s = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2026-01-15"
                     ).schedule()
    moved = restructure(s, [ShiftDueDates(day_of_month=25)], as_of="2026-01-20").schedule
    assert moved.due_dates[0] == date(2026, 2, 25) and moved.due_dates[-1] == date(
        2027, 1, 25)
    assert moved.interest[0] == round(Fraction(120000) * Fraction(1, 100) * 41 / 31) == 1587
    check_schedule(moved)
    # under Actual/365 every moved period is charged its own days: 10 days later each,
    # the first period is Jan 15..Feb 25 = 41 days: 1,200.00 x 12% x 41/365 = 16.1753
    a365 = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2026-01-15",
                        day_count="act/365f").schedule()
    later = restructure(a365, [ShiftDueDates(days=10)], as_of="2026-01-20").schedule
    assert later.due_dates[0] == date(2026, 2, 25)
    assert later.interest[0] == round(Fraction(120000 * 12 * 41, 100 * 365)) == 1618
    for kwargs, argument in (({"days": 0}, "days"), ({"day_of_month": 32}, "day_of_month"),
                             ({}, "days"), ({"days": 5, "day_of_month": 3}, "days")):
        with pytest.raises(InvalidArgumentError) as info:  # refused when built
            ShiftDueDates(**kwargs)  # type: ignore[arg-type]
        assert info.value.argument == argument
    with pytest.raises(InvalidArgumentError) as info:  # before the restructuring date
        restructure(s, [ShiftDueDates(days=-40)], as_of="2026-01-20")
    assert info.value.argument == "days"


def test_compare_shows_the_true_rate_three_ways_and_the_months_added() -> None:
    from bnpl_restructure.apr import cn_annualized_rate, eu_aprc, reg_z_apr
    _, state = _seed_behind()
    table = compare(state, [[CapitalizeArrears(), ExtendTerm(periods=6)]],
                    discount_rate="0.05")
    base, option = table.rows
    assert (base.months_added, option.months_added) == (0, 6)  # 2027-01-15 -> 2027-07-15
    ahead = option.option.schedule.after(state.as_of) if option.option else None
    assert ahead is not None
    assert option.annual_rate == cn_annualized_rate(ahead).nominal
    assert option.reg_z_apr == reg_z_apr(ahead) and option.eu_aprc == eu_aprc(ahead)
    # the EU APRC is an effective annual rate, above the nominal ones for monthly flows
    assert option.eu_aprc is not None and option.reg_z_apr is not None
    assert option.eu_aprc > option.reg_z_apr
    text = table.to_text(columns=("+months", "rate", "APR", "APRC"))
    assert text.splitlines()[0].split() == ["option", "+months", "rate", "APR", "APRC"]
    assert "+6" in text.splitlines()[2]


def test_new_changes_are_stored_and_restored() -> None:
    from bnpl_restructure.restructure import Restructuring
    _, state = _seed_behind()
    for changes in ([ChangeRate(fee_rate="0.004", fee_basis="original", start=2)],
                    [ShiftDueDates(day_of_month=20)], [ShiftDueDates(days=5)]):
        option = restructure(state, changes)
        assert Restructuring.from_dict(option.to_dict()) == option


def test_rate_caps_and_payment_to_income_limits() -> None:
    # Caps: Provisions of the Supreme People's Court on Private Lending Cases (2015 Art.
    # 26: 24% and 36% a year; 2020 amendment: 4 x the one-year LPR); payment-to-income:
    # HAMP's 31% target, CBRC 2004 guidelines Art. 36 (50% / 55%).
    from bnpl_restructure.restructure import AFFORDABILITY, RATE_CAPS

    assert RATE_CAPS["CN 24%"] == Fraction(24, 100) and RATE_CAPS["CN 36%"] == Fraction(36, 100)
    assert (AFFORDABILITY["hamp"], AFFORDABILITY["cn_50"], AFFORDABILITY["cn_55"]) == (
        Fraction(31, 100), Fraction(1, 2), Fraction(55, 100))
    costly = Plan.flat_fee("6000", fee_rate="0.015", installments=12,
                           start="2026-01-15").schedule()
    table = compare(costly, [[ExtendTerm(periods=6)]], discount_rate="0.05",
                    as_of="2026-01-20", lpr="3.45%", monthly_income="2000")
    for row in table.rows:  # about 32.5% a year: over 24% and 4 x 3.45% = 13.8%, not 36%
        assert Decimal("0.24") < row.annual_rate < Decimal("0.36")
        assert row.over_caps == ("CN 24%", "4 × LPR")
    # 590.00 a month of 2,000.00 income: 29.5%, within HAMP's 31%
    assert table.rows[0].payment_to_income == Decimal("0.295") and table.rows[0].affordable
    assert table.best is None  # every option is over a cap
    cheap = Plan.flat_fee("6000", fee_rate="0.006", installments=12,
                          start="2026-01-15").schedule()
    under = compare(cheap, [], discount_rate="0.05", as_of="2026-01-20", lpr="3.45%")
    over = compare(cheap, [], discount_rate="0.05", as_of="2026-01-20", lpr="3%")
    assert Decimal("0.12") < under.rows[0].annual_rate < Decimal("0.138")
    assert under.rows[0].over_caps == () and over.rows[0].over_caps == ("4 × LPR",)
    # 536.00 of 1,000.00 income is 53.6%: over CBRC's 50%, within its 55% for all debts
    for limit, ok in (("cn_50", False), ("cn_55", True)):
        row = compare(cheap, [], discount_rate="0.05", as_of="2026-01-20",
                      monthly_income="1000", affordability=AFFORDABILITY[limit]).rows[0]
        assert row.payment_to_income == Decimal("0.536") and row.affordable is ok
