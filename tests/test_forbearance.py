"""Deferment / forbearance, interest pauses and partial claims (restructure.forbearance):
published examples, independent exact computations with fractions, conservation, errors
and documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from bnpl_restructure import Plan
from bnpl_restructure.daycount import DayCount
from bnpl_restructure.errors import InvalidArgumentError, RestructureNotAllowedError
from bnpl_restructure.examples import seed_plan
from bnpl_restructure.restructure import (
    CapitalizeArrears,
    ExtendTerm,
    NoFeasibleOption,
    Restructuring,
    compare,
    position,
    restructure,
)
from bnpl_restructure.restructure.forbearance import (
    Forbearance,
    ForbearanceInterest,
    InterestPause,
    PartialClaim,
    _quarter_ends,
    partial_claim,
)
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import loan_state

D = Decimal


def _half_up(value: Fraction) -> int:
    """Round a non-negative exact amount of minor units half up."""
    whole, rest = divmod(value.numerator, value.denominator)
    return whole + (1 if 2 * rest >= value.denominator else 0)


def _chart_loan() -> Schedule:
    # $15,000 at 9% a year, 120 monthly installments (the Department of Education chart)
    return Plan.annuity("15000", annual_rate="0.09", installments=120, currency="USD",
                        start="2026-01-15").schedule()


def _check_conserved(option: Restructuring) -> None:
    """The balance identity row by row and the principal repaid: what was owed plus
    what was capitalized, less what was forgiven."""
    s = option.schedule
    owed = s.principal
    for k in range(len(s)):
        owed += s.capitalized[k] - s.principal_paid[k] - s.forgiven[k]
        assert s.balance[k] == owed
        assert s.payment[k] == s.principal_paid[k] + s.interest[k] + s.fee[k]
    assert owed == 0


# ------------------------------------------------------ the Department of Education chart


# U.S. Department of Education, deferment and forbearance request forms (Direct Loan /
# FFEL, OMB No. 1845-0011), "Capitalization" chart: a $15,000 loan at 9% after a 12-month
# deferment/forbearance (read from copies of the form text; the form itself was not in
# the sources available):
#   interest paid:                     $0.00 capitalized, $15,000.00, $190.01 x 120
#   capitalized at the end:        $1,350.00 capitalized, $16,350.00, $207.11 x 120
#   capitalized quarterly and at the end: $1,396.25,      $16,396.25, $207.70 x 120
CHART = [("pay", D("0.00"), D("15000.00"), D("190.01"), D("24151.64")),
         ("capitalize", D("1350.00"), D("16350.00"), D("207.11"), D("24853.79")),
         ("capitalize_quarterly", D("1396.25"), D("16396.25"), D("207.70"), D("24924.09"))]


@pytest.mark.parametrize(("interest", "capitalized", "principal", "payment", "total"), CHART)
def test_education_department_chart(interest: str, capitalized: Decimal, principal: Decimal,
                                    payment: Decimal, total: Decimal) -> None:
    s = _chart_loan()
    option = restructure(s, [Forbearance(periods=12, interest=interest)], as_of="2026-01-20")
    rows = option.schedule
    assert sum(option.capitalized.values(), D(0)) == capitalized
    assert rows.currency.to_major(rows.balance[11]) == principal  # after the forbearance
    assert len(rows) - 12 == 120 and rows.due_dates[12] == date(2027, 2, 15)
    assert {rows[k].payment for k in range(12, 131)} == {payment}
    if interest == "pay":  # 12 interest-only installments of 15,000.00 x 0.75%
        assert rows.payment[:12] == (11250,) * 12
    else:
        assert rows.payment[:12] == (0,) * 12
    # after the forbearance the plan is exactly a new 120-month loan of the new principal
    fresh = Plan.annuity(str(principal), annual_rate="0.09", installments=120,
                         currency="USD", start="2027-01-15").schedule()
    assert rows.payment[12:] == fresh.payment and rows.interest[12:] == fresh.interest
    # the chart's "total amount repaid" is 120 unrounded payments (plus, for the first
    # row, the $1,350.00 interest paid during the deferment), not a schedule whose last
    # installment takes the rounding residual: checked exactly here, and our schedule's
    # total is its rows' sum
    r = Fraction(9, 1200)
    exact = Fraction(str(principal)) * r / (1 - (1 + r) ** -120)
    assert D(_half_up(120 * exact * 100)) / 100 + (D("1350") if interest == "pay" else 0) \
        == total
    assert D(_half_up(exact * 100)) / 100 == payment
    _check_conserved(option)


def test_chart_quarterly_interest_is_simple_interest_rounded_at_each_capitalization() -> None:
    # 15,000 x 2.25% = 337.50; then 15,337.50, 15,682.59, 16,035.45 each x 2.25%, rounded
    # once a quarter: 337.50 + 345.09 + 352.86 + 360.80 = 1,396.25 (a monthly rounding
    # would give 1,396.26)
    balance, total = 1500000, 0
    for _ in range(4):
        interest = _half_up(balance * Fraction(9, 400))
        total, balance = total + interest, balance + interest
    assert total == 139625
    option = restructure(_chart_loan(), [Forbearance(periods=12,
                                                     interest="capitalize_quarterly")],
                         as_of="2026-01-20")
    assert [c for c in option.schedule.capitalized[:12] if c] == [33750, 34509, 35286, 36080]
    assert [k for k, c in enumerate(option.schedule.capitalized) if c] == [2, 5, 8, 11]


def test_waived_interest_is_reported_and_the_principal_unchanged() -> None:
    option = restructure(_chart_loan(), [Forbearance(periods=12, interest="waive")],
                         as_of="2026-01-20")
    assert option.waived == {"interest": D("1350.00")} and option.capitalized == {}
    assert option.schedule.balance[11] == 1500000
    assert option.schedule.payment[12] == 19001
    _check_conserved(option)


def test_compare_puts_the_chart_side_by_side() -> None:
    s = _chart_loan()
    state = position(s, as_of="2026-01-20")
    options = [restructure(state, [Forbearance(periods=12, interest=how)])
               for how in ("pay", "capitalize", "capitalize_quarterly")]
    table = compare(state, options, discount_rate="0.05")
    firsts = [row.first_payment for row in table.rows[1:]]
    totals = [row.total_to_pay for row in table.rows[1:]]
    assert firsts == [D("112.50"), D("0.00"), D("0.00")]
    assert totals[0] < totals[1] < totals[2]  # paying interest is cheapest


# ------------------------------------------------------------- day basis: Actual/365.25


def test_act_365_25_forbearance_reproduces_the_interest_rate_factor_example() -> None:
    # aie.org "Daily Interest Calculator" example: $8,600 at 8.5%, 28 days at the
    # interest rate factor .085 / 365.25: $56.04. Here: the installment due 2026-03-01
    # (its period 2026-02-01 to 2026-03-01, 28 days) forborne, its interest on the
    # student-loan basis capitalized.
    s = Plan.annuity("8600", annual_rate="0.085", installments=60, currency="USD",
                     start="2026-01-01").schedule()
    paid = [("2026-02-01", str(s[0].payment))]
    state = loan_state(s, paid, as_of="2026-02-10")
    option = restructure(state, [Forbearance(periods=1, day_count="act/365.25")])
    assert option.position.principal == 860000 - s.principal_paid[0]
    expected = _half_up(option.position.principal * Fraction("0.085") * 28 / Fraction("365.25"))
    assert option.schedule.capitalized[0] == expected
    # the example's own balance, on the same basis
    assert _half_up(860000 * Fraction("0.085") * 28 / Fraction("365.25")) == 5604


def test_day_basis_of_a_daily_plan_is_rebased_exactly() -> None:
    # an act/360 plan, its forbearance interest on act/365.25: 5,000.00 x 12% x
    # (31 + 28 + 31) / 365.25 (Jan 15 - Apr 15, 2026), rounded once
    s = Plan.annuity("5000", annual_rate="0.12", installments=24, currency="USD",
                     start="2026-01-15", day_count="act/360").schedule()
    option = restructure(s, [Forbearance(end="2026-04-15", day_count=DayCount.ACT_365_25)],
                         as_of="2026-01-20")
    assert option.schedule.capitalized[:3] == (0, 0, _half_up(
        500000 * Fraction("0.12") * 90 / Fraction("365.25")))
    own = restructure(s, [Forbearance(end="2026-04-15")], as_of="2026-01-20")
    assert own.schedule.capitalized[2] == _half_up(500000 * Fraction("0.12") * 90 / 360)
    _check_conserved(option)


# ---------------------------------------------------------- the forbearance's options


def test_quarters_are_anchored_on_the_start_of_the_first_forborne_period() -> None:
    dues = [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31),
            date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31)]
    # quarters end 2026-04-30 and 2026-07-31 (Jan 31 + 3 and + 6 months), and at the end
    assert _quarter_ends(date(2026, 1, 31), dues) == {2, 5, 6}
    assert _quarter_ends(date(2026, 1, 31), dues[:1]) == {0}


def test_reduced_payment_pays_interest_first_and_capitalizes_the_rest_quarterly() -> None:
    # Independent computation: 6 payments of 50.00; each month's interest on the balance
    # (rounded half up), paid first from the 50.00, the rest to principal; interest left
    # unpaid carried without interest and capitalized after 3 and 6 months.
    option = restructure(_chart_loan(), [Forbearance(periods=6, payment="50",
                                                     interest="capitalize_quarterly")],
                         as_of="2026-01-20")
    balance, carried, capitalized, paid_principal = 1500000, 0, [], []
    for k in range(6):
        due = carried + _half_up(balance * Fraction(3, 400))
        interest = min(due, 5000)
        principal = 5000 - interest
        carried = due - interest
        if k in (2, 5):
            capitalized.append(carried)
            balance, carried = balance + carried, 0
        balance -= principal
        paid_principal.append(principal)
    rows = option.schedule
    assert rows.payment[:6] == (5000,) * 6
    assert [c for c in rows.capitalized[:6] if c] == capitalized == [18750, 19173]
    assert list(rows.principal_paid[:6]) == paid_principal
    assert rows.balance[5] == balance
    _check_conserved(option)


def test_shift_false_keeps_the_maturity_and_waives_the_forborne_fees() -> None:
    s = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2026-01-15",
                     fee="2.00").schedule()
    option = restructure(s, [Forbearance(periods=3, shift=False)], as_of="2026-01-20")
    rows = option.schedule
    assert rows.due_dates == s.due_dates and rows.fee[:3] == (0, 0, 0)
    assert option.waived == {"fee": D("6.00")}
    assert option.capitalized == {"interest": D("36.00")}  # 1,200.00 x 1% x 3, simple
    _check_conserved(option)
    shifted = restructure(s, [Forbearance(periods=3)], as_of="2026-01-20")
    assert len(shifted.schedule) == 15 and shifted.waived == {}


def test_end_date_selects_the_installments_and_start_is_checked() -> None:
    s = _chart_loan()
    by_date = restructure(s, [Forbearance(start="2026-01-20", end="2026-06-14")],
                          as_of="2026-01-20")
    by_count = restructure(s, [Forbearance(periods=4)], as_of="2026-01-20")
    assert by_date.schedule == by_count.schedule  # Feb 15 ... May 15
    with pytest.raises(InvalidArgumentError, match=r"start: .*before the restructuring date"):
        restructure(s, [Forbearance(start="2026-01-01", periods=2)], as_of="2026-01-20")
    with pytest.raises(RestructureNotAllowedError, match="restructure on the forbearance"):
        restructure(s, [Forbearance(start="2026-03-01", periods=2)], as_of="2026-01-20")
    with pytest.raises(InvalidArgumentError, match="end: covers no installment"):
        restructure(s, [Forbearance(end="2026-02-01")], as_of="2026-01-20")


@pytest.mark.parametrize("kwargs", [{}, {"periods": 2, "end": "2026-06-30"}])
def test_periods_or_end_is_required(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgumentError, match="periods: give either periods"):
        restructure(_chart_loan(), [Forbearance(**kwargs)], as_of="2026-01-20")  # type: ignore[arg-type]


@pytest.mark.parametrize("interest", ["pay", "waive"])
def test_a_reduced_payment_needs_accruing_interest(interest: str) -> None:
    with pytest.raises(InvalidArgumentError, match="payment: a reduced payment needs"):
        restructure(_chart_loan(), [Forbearance(periods=2, payment="10", interest=interest)],
                    as_of="2026-01-20")


def test_bad_interest_and_periods_are_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="interest"):
        restructure(_chart_loan(), [Forbearance(periods=2, interest="compound")],
                    as_of="2026-01-20")
    with pytest.raises(InvalidArgumentError, match="periods"):
        restructure(_chart_loan(), [Forbearance(periods=0)], as_of="2026-01-20")
    with pytest.raises(InvalidArgumentError, match="day_count"):
        restructure(_chart_loan(), [Forbearance(periods=1, day_count="act/366")],
                    as_of="2026-01-20")


def test_forbearance_then_extension_composes() -> None:
    option = restructure(_chart_loan(), [Forbearance(periods=6), ExtendTerm(periods=12)],
                         as_of="2026-01-20")
    assert len(option.schedule) == 138 and option.capitalized == {"interest": D("675.00")}
    _check_conserved(option)


# ---------------------------------------------------------------------- interest pause


def test_interest_pause_prorates_by_days_exactly() -> None:
    # Independent computation on the chart loan (per-period 0.75%): a pause from
    # 2026-03-01 to 2026-06-01 keeps 14 of the 28 days of Feb 15 - Mar 15, none of
    # Mar 15 - May 15, and 14 of the 31 days of May 15 - Jun 15; the level payment is
    # re-solved over those factors and rounded half up.
    s = _chart_loan()
    option = restructure(s, [InterestPause(start="2026-03-01", end="2026-06-01")],
                         as_of="2026-01-20")
    r = Fraction(3, 400)
    factors = [r, r * Fraction(14, 28), Fraction(0), Fraction(0), r * Fraction(14, 31)] + \
        [r] * 115
    discount, level = Fraction(1), Fraction(0)
    for f in factors:
        discount /= 1 + f
        level += discount
    payment = _half_up(1500000 / level)
    balance, interest = 1500000, []
    for f in factors[:-1]:
        due = _half_up(balance * f)
        interest.append(due)
        balance -= payment - due
    rows = option.schedule
    assert rows.payment[0] == payment and set(rows.payment[:-1]) == {payment}
    assert list(rows.interest[:-1]) == interest
    assert rows.interest[2:4] == (0, 0) and rows.due_dates == s.due_dates
    _check_conserved(option)


def test_interest_pause_on_thirty_360_counts_thirty_360_days() -> None:
    s = Plan.annuity("1000", annual_rate="0.12", installments=6, start="2026-01-31",
                     day_count="30/360").schedule()
    # the period 2026-02-28 - 2026-03-31 has 33 days on 30/360 (D1 = 28 stays); the
    # pause 2026-03-16 - 2026-03-31 has 15 (D1 = 16): 18/33 of its factor is kept
    option = restructure(s, [InterestPause(start="2026-03-16", end="2026-03-31")],
                         as_of="2026-02-01")
    assert DayCount.THIRTY_360.days(date(2026, 2, 28), date(2026, 3, 31)) == 33
    assert option.schedule.interest[0] == s.interest[0]
    balance = 100000 - option.schedule.principal_paid[0]
    assert option.schedule.interest[1] == _half_up(
        balance * Fraction("0.12") * Fraction(33, 360) * Fraction(18, 33))


def test_interest_pause_errors() -> None:
    s = _chart_loan()
    with pytest.raises(InvalidArgumentError, match="end: must be after start"):
        restructure(s, [InterestPause(start="2026-03-01", end="2026-03-01")],
                    as_of="2026-01-20")
    with pytest.raises(InvalidArgumentError, match="overlaps no interest period"):
        restructure(s, [InterestPause(start="2040-01-01", end="2040-02-01")],
                    as_of="2026-01-20")
    flat = seed_plan().schedule()
    with pytest.raises(RestructureNotAllowedError, match="no interest to pause"):
        restructure(flat, [InterestPause(start="2026-03-01", end="2026-06-01")],
                    as_of="2026-01-20")


# ---------------------------------------------------------------------- partial claims


def _seed_behind() -> Restructuring:
    s = seed_plan().schedule()
    state = loan_state(s, [("2026-02-15", "536.00")], as_of="2026-04-20")
    return restructure(state, [])


def test_partial_claim_cures_the_arrearage_first() -> None:
    # the seed behind: 1,000.00 principal and 72.00 fees overdue, 4,500.00 not yet due
    state = _seed_behind().position
    assert state.arrears["principal"] == 100000 and state.arrears["fee"] == 7200
    option = restructure(state, [PartialClaim(amount="1572.00")])
    assert option.due_now == 0 and option.deferred == D("1572.00")
    assert option.schedule.principal == 450000 - 50000 + 157200  # interest-bearing + note
    assert option.schedule.payment[-1] - option.schedule.fee[-1] > 157200  # repaid last
    short = restructure(state, [PartialClaim(amount="1000.00")])
    assert short.due_now == D("72.00") and short.deferred == D("1000.00")
    _check_conserved(option)
    with pytest.raises(InvalidArgumentError, match="components"):
        restructure(state, [PartialClaim(amount="1", components=("escrow",))])
    with pytest.raises(InvalidArgumentError, match="must leave some principal"):
        restructure(state, [PartialClaim(amount="5572.00")])


DEFERRED_AT_360 = D("14188.71")  # the doctest's claim, checked in closed form below


def _least_principal(target: int, rate: Fraction, n: int) -> int:
    """The largest principal (minor units) whose level payment, rounded half up, is at
    most ``target``: payment <= target  <=>  P * a < target + 1/2."""
    annuity = rate / (1 - (1 + rate) ** -n)
    bound = (Fraction(target) + Fraction(1, 2)) / annuity
    whole = bound.numerator // bound.denominator
    return whole - 1 if whole == bound else whole


def test_partial_claim_is_the_least_deferral_by_exact_bisection() -> None:
    # Independent computation: 100,000.00 at 7.5% for 360 months, restructured before
    # the first installment; the largest principal whose payment rounds to at most
    # 600.00 is found in closed form with fractions; the claim defers the rest.
    s = Plan.annuity("100000", annual_rate="0.075", installments=360, currency="USD",
                     start="2026-01-01").schedule()
    found = partial_claim(s, target_payment="600.00", as_of="2026-01-10")
    assert isinstance(found, Restructuring)
    keep = _least_principal(60000, Fraction(75, 12000), 360)
    assert found.deferred == D(10000000 - keep) / 100 == DEFERRED_AT_360
    assert found.first_payment == D("600.00")
    one_less = restructure(s, [PartialClaim(amount=str(found.deferred - D("0.01")))],
                           as_of="2026-01-10")
    assert one_less.first_payment > D("600.00")
    _check_conserved(found)


def test_partial_claim_from_income_and_after_an_extension() -> None:
    s = Plan.annuity("100000", annual_rate="0.075", installments=360, currency="USD",
                     start="2026-01-01").schedule()
    # 31% of 1,935.50 is 600.005: the target rounds down to 600.00
    by_income = partial_claim(s, monthly_income="1935.50", as_of="2026-01-10")
    assert isinstance(by_income, Restructuring) and by_income.deferred == DEFERRED_AT_360
    quarter = partial_claim(s, monthly_income="2400", income_share="25%", as_of="2026-01-10")
    assert isinstance(quarter, Restructuring) and quarter.deferred == DEFERRED_AT_360
    longer = partial_claim(s, target_payment="600.00", changes=[ExtendTerm(periods=120)],
                           as_of="2026-01-10")
    assert isinstance(longer, Restructuring)
    keep = _least_principal(60000, Fraction(75, 12000), 480)
    assert longer.deferred == D(10000000 - keep) / 100 < DEFERRED_AT_360
    assert longer.changes[0] == ExtendTerm(periods=120)


def test_no_claim_when_the_target_is_already_met() -> None:
    s = Plan.annuity("100000", annual_rate="0.075", installments=360, currency="USD",
                     start="2026-01-01").schedule()
    option = partial_claim(s, target_payment="700.00", as_of="2026-01-10")
    assert isinstance(option, Restructuring) and option.changes == ()


def test_the_fha_limit_binds_with_a_previous_claim() -> None:
    # HUD Mortgagee Letter 2016-14, as worked by a HUD-approved housing counselor
    # ("Don't Lose Your Tennessee Home", July 2017): unpaid principal at the first
    # default 56,000.00 x 30% = 16,800.00, less a previous partial claim of 3,000.00:
    # 13,800.00 still available.
    s = Plan.annuity("55000", annual_rate="0.065", installments=300, currency="USD",
                     start="2026-01-01").schedule()
    found = partial_claim(s, target_payment="100.00", unpaid_principal="56000",
                          previous_claims="3000", as_of="2026-01-10")
    assert isinstance(found, NoFeasibleOption) and not found
    assert found.binding == "partial claim limit"
    assert found.closest is not None and found.closest.deferred == D("13800.00")
    assert "13,800.00" in found.reason


def test_an_arrearage_over_the_limit_is_infeasible() -> None:
    state = _seed_behind().position  # 1,072.00 overdue, 5,500.00 outstanding
    found = partial_claim(state, target_payment="100", max_share="0.15")
    assert isinstance(found, NoFeasibleOption)
    assert found.binding == "partial claim limit" and "arrearage" in found.reason
    capped = partial_claim(state, target_payment="1", unpaid_principal="100000")
    assert isinstance(capped, NoFeasibleOption)
    assert capped.binding == "interest-bearing principal"


def test_partial_claim_arguments_are_checked() -> None:
    s = _chart_loan()
    with pytest.raises(InvalidArgumentError, match="target_payment"):
        partial_claim(s, as_of="2026-01-20")
    with pytest.raises(InvalidArgumentError, match="target_payment"):
        partial_claim(s, target_payment="100", monthly_income="1000", as_of="2026-01-20")
    with pytest.raises(InvalidArgumentError, match="max_share"):
        partial_claim(s, target_payment="100", max_share="0", as_of="2026-01-20")
    with pytest.raises(InvalidArgumentError, match="income_share"):
        partial_claim(s, monthly_income="1000", income_share="150%", as_of="2026-01-20")
    with pytest.raises(InvalidArgumentError, match="changes"):
        partial_claim(s, target_payment="100", changes=ExtendTerm(periods=1),  # type: ignore[arg-type]
                      as_of="2026-01-20")


# ------------------------------------------------------------------------- documents


@pytest.mark.parametrize("changes", [
    [Forbearance(periods=12, interest=ForbearanceInterest.CAPITALIZE_QUARTERLY)],
    [Forbearance(start=date(2026, 1, 20), end="2026-06-30", payment=D("25.00"),
                 day_count=DayCount.ACT_365_25, shift=False)],
    [Forbearance(periods=3, interest="waive", day_count="act/365.25")],
    [InterestPause(start=date(2026, 3, 1), end="2026-06-01")],
    [CapitalizeArrears(), PartialClaim(amount="1500.00")],
])
def test_documents_round_trip(changes: list[object]) -> None:
    option = restructure(_chart_loan(), changes, as_of="2026-01-20")  # type: ignore[arg-type]
    doc = option.to_dict()
    assert Restructuring.from_dict(doc) == option
    assert doc["change_terms"][-1]["change"] == changes[-1].kind  # type: ignore[attr-defined]


def test_describe() -> None:
    assert Forbearance(periods=12).describe() == "forbear 12 (capitalize, shift)"
    assert Forbearance(end="2026-06-30", payment="50", shift=False,
                       day_count="act/365.25").describe() == \
        "forbear to 2026-06-30 paying 50 (capitalize, reamortize, act/365.25)"
    assert InterestPause(start="2026-03-01", end="2026-06-01").describe() == \
        "0% 2026-03-01 to 2026-06-01"
    assert PartialClaim(amount="100").describe() == "partial claim 100"
