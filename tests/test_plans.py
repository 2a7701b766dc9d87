"""Golden cases for every plan, each with its source or an independent computation."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from bnpl_restructure import Plan, RoundingPolicy
from bnpl_restructure.errors import InvalidArgumentError, InvalidTermsError
from bnpl_restructure.testing.invariants import check_schedule


def _payments(plan: Plan) -> list[str]:
    return [str(row.payment) for row in plan.schedule()]


# ------------------------------------------------------------------- flat fee (等本等息)


def test_flat_fee_seed_example_1200_at_half_percent_for_12() -> None:
    # The seed's example: 1,200.00 at 0.5% a period for 12 periods:
    # principal 1200/12 = 100.00, fee 1200 x 0.005 = 6.00, payment 106.00 every period.
    s = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
                      start="2024-01-10").schedule()
    assert _payments_of(s) == ["106.00"] * 12
    assert (s.total_of_payments, s.total_fees) == (Decimal("1272.00"), Decimal("72.00"))


def _payments_of(schedule: object) -> list[str]:
    return [str(row.payment) for row in schedule]  # type: ignore[attr-defined]


def test_flat_fee_jd_baitiao_1000_at_0_7_percent_for_3() -> None:
    # JD Baitiao worked example (1,000 yuan, 3 periods, 0.7%/period -> 7 yuan fee each,
    # about 340 yuan a period): 1000.00 / 3 = 333.33 r 0.01 -> 333.33, 333.33, 333.34.
    s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
                      start="2024-01-15").schedule()
    assert _payments_of(s) == ["340.33", "340.33", "340.34"]
    assert [str(r.fee) for r in s] == ["7.00"] * 3
    assert [str(r.interest) for r in s] == ["0.00"] * 3


def test_flat_fee_huabei_total_fee_rate() -> None:
    # Ant Huabei: 3 installments at 2.5% for the whole term on 1,000 yuan -> 25.00 fee,
    # spread evenly: 8.33, 8.33, 8.34 (remainder on the last installment).
    s = Plan.flat_fee("1000.00", total_fee_rate="0.025", installments=3,
                      start="2024-01-15").schedule()
    assert [str(r.fee) for r in s] == ["8.33", "8.33", "8.34"]
    assert s.total_fees == Decimal("25.00")


def test_flat_fee_rounds_fee_by_the_interest_mode() -> None:
    # 1,234.50 x 0.6% = 7.407 -> 7.41 half-up, 7.40 down.
    assert Plan.flat_fee("1234.50", fee_rate="0.006", installments=2,
                         start="2024-01-01").fees == (741, 741)
    assert Plan.flat_fee("1234.50", fee_rate="0.006", installments=2, start="2024-01-01",
                         rounding=RoundingPolicy(interest="down")).fees == (740, 740)


# ------------------------------------------------------------------------ pay-in-4


def test_pay_in_4_splits_cents_exactly() -> None:
    # 100.01 -> three 25.00 and one 25.01; due at purchase, then every 14 days.
    s = Plan.pay_in_4("100.01", start="2024-03-01", currency="USD").schedule()
    assert _payments_of(s) == ["25.00", "25.00", "25.00", "25.01"]
    assert s.due_dates == (date(2024, 3, 1), date(2024, 3, 15), date(2024, 3, 29),
                           date(2024, 4, 12))
    first = Plan.pay_in_4("100.01", start="2024-03-01", currency="USD",
                          rounding=RoundingPolicy(residual="first")).schedule()
    assert _payments_of(first) == ["25.01", "25.00", "25.00", "25.00"]
    assert s.total_interest == Decimal("0.00")


# ------------------------------------------------------------- annuity (等额本息)


def test_annuity_matches_excel_pmt() -> None:
    # Microsoft support, PMT function: PMT(8%/12, 10, 10000) = ($1,037.03).
    s = Plan.annuity("10000", annual_rate="0.08", installments=10, start="2024-01-01",
                     currency="USD").schedule()
    assert _payments_of(s)[:9] == ["1037.03"] * 9
    check_schedule(s)


def test_annuity_matches_numpy_financial_pmt_and_rows() -> None:
    # numpy-financial docstring: pmt(0.075/12, 12*15, 200000) = -1854.0247200054619.
    s = Plan.annuity("200000", annual_rate="0.075", installments=180, start="2024-01-01",
                     currency="USD").schedule()
    assert s[0].payment == Decimal("1854.02")
    # Independent computation of the whole schedule with Fractions (half-up interest):
    balance, rate = 20_000_000, Fraction(75, 12_000)
    for k in range(180):
        interest = int(balance * rate + Fraction(1, 2))
        pay = 185_402 if k < 179 else balance + interest
        assert (s.interest[k], s.payment[k]) == (interest, pay)
        balance -= pay - interest
    assert balance == 0


def test_annuity_textbook_rounds_the_payment_up() -> None:
    # Same loan, payment rounded up to the next cent: 1,854.0247 -> 1,854.03; the last
    # installment is then smaller.
    s = Plan.annuity("200000", annual_rate="0.075", installments=180, start="2024-01-01",
                     currency="USD", rounding=RoundingPolicy.textbook()).schedule()
    assert s[0].payment == Decimal("1854.03")
    assert s[-1].payment < Decimal("1854.03")


def test_zero_rate_plan_is_an_ordinary_plan() -> None:
    # numpy-financial tests: pmt(0, 5*12, 15000) = -250.
    s = Plan.annuity("15000", annual_rate=0, installments=60, start="2024-01-01",
                     currency="USD").schedule()
    assert set(_payments_of(s)) == {"250.00"}
    assert s.total_interest == Decimal("0.00")


def test_one_installment() -> None:
    # 1,000.00 at 12%/yr nominal for one month: 1,000.00 + 10.00.
    s = Plan.annuity("1000", annual_rate="0.12", installments=1,
                     start="2024-01-15").schedule()
    assert _payments_of(s) == ["1010.00"]


def test_jpy_has_no_minor_units() -> None:
    # 100,000 yen at 1%/month for 12: PMT = 100000 * 0.01 / (1 - 1.01**-12) = 8,884.88
    # -> 8,885 yen (half-up to the yen).
    s = Plan.annuity(100000, periodic_rate="0.01", installments=12, start="2024-01-01",
                     currency="JPY").schedule()
    assert s[0].payment == Decimal("8885")
    assert s[0].interest == Decimal("1000")
    check_schedule(s)


def test_bhd_has_three_decimals() -> None:
    # 1,000.000 BHD split in 3: 333.333, 333.333, 333.334.
    s = Plan.equal_principal("1000.000", annual_rate=0, installments=3, start="2024-01-01",
                             currency="BHD").schedule()
    assert [str(r.principal) for r in s] == ["333.333", "333.333", "333.334"]


def test_bhd_refuses_four_decimals() -> None:
    with pytest.raises(InvalidArgumentError, match="principal"):
        Plan.pay_in_4("10.0001", start="2024-01-01", currency="BHD")


def test_half_way_interest_rounds_as_the_policy_says() -> None:
    # 5.00 at 0.5% a period: interest 0.025 -> 0.03 half-up, 0.02 half-even and down.
    def first_interest(mode: str) -> Decimal:
        return Plan.interest_only("5.00", periodic_rate="0.005", installments=2,
                                  start="2024-01-01",
                                  rounding=RoundingPolicy(interest=mode)).schedule()[0].interest

    assert first_interest("half_up") == Decimal("0.03")
    assert first_interest("half_even") == Decimal("0.02")
    assert first_interest("down") == Decimal("0.02")
    assert first_interest("up") == Decimal("0.03")


# ------------------------------------------------------------------ equal principal


def test_equal_principal_by_hand() -> None:
    # 1,200.00 at 1%/month: principal 100.00 each; interest 12.00, 11.00, ..., 1.00.
    s = Plan.equal_principal("1200.00", annual_rate="0.12", installments=12,
                             start="2024-01-15").schedule()
    assert [str(r.interest) for r in s] == [f"{12 - k}.00" for k in range(12)]
    assert s.total_interest == Decimal("78.00")


# --------------------------------------------------------------- calendar and odd days


def test_jan_31_start_is_due_on_month_ends() -> None:
    s = Plan.annuity("600", annual_rate="0.1", installments=4, start="2024-01-31").schedule()
    assert s.due_dates == (date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30),
                           date(2024, 5, 31))
    s = Plan.annuity("600", annual_rate="0.1", installments=2, start="2023-01-31").schedule()
    assert s.due_dates == (date(2023, 2, 28), date(2023, 3, 31))


def test_jan_31_first_due_anchors_the_rest() -> None:
    plan = Plan.flat_fee("300", fee_rate="0.005", installments=4, start="2024-01-05",
                         first_due="2024-01-31")
    assert plan.due_dates == (date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31),
                              date(2024, 4, 30))


def test_feb_29_anchor() -> None:
    plan = Plan.annuity("1200", annual_rate="0.1", installments=13, start="2024-01-29",
                        first_due="2024-02-29")
    assert plan.due_dates[1] == date(2024, 3, 29)
    assert plan.due_dates[12] == date(2025, 2, 28)


def test_month_end_start_is_a_regular_first_period() -> None:
    # Jan 31 -> Feb 29 is one whole month: charged exactly one periodic rate.
    plan = Plan.annuity("1000", annual_rate="0.12", installments=3, start="2024-01-31")
    assert plan.factors()[0] == Fraction(1, 100)


def test_long_odd_first_period_is_charged_by_days() -> None:
    # Start Jan 10, first due Feb 25: one whole period (Jan 25 -> Feb 25) plus 15 odd days
    # of the 31-day period Dec 25 -> Jan 25: factor 1% x (1 + 15/31);
    # interest on 1,000.00 = 14.8387 -> 14.84.
    plan = Plan.annuity("1000", annual_rate="0.12", installments=3, start="2024-01-10",
                        first_due="2024-02-25")
    assert plan.factors()[0] == Fraction(1, 100) * (1 + Fraction(15, 31))
    assert plan.schedule()[0].interest == Decimal("14.84")
    regular = Plan.annuity("1000", annual_rate="0.12", installments=3, start="2024-01-10",
                           first_due="2024-02-25", odd_days="regular")
    assert regular.schedule()[0].interest == Decimal("10.00")
    free = Plan.annuity("1000", annual_rate="0.12", installments=3, start="2024-01-10",
                        first_due="2024-02-25", odd_days="free")
    assert free.schedule()[0].interest == Decimal("10.00")  # extra 15 days not charged


def test_short_odd_first_period() -> None:
    # Start Jan 20, first due Feb 1: 12 days of the 31-day period Jan 1 -> Feb 1.
    plan = Plan.annuity("1000", annual_rate="0.12", installments=2, start="2024-01-20",
                        first_due="2024-02-01")
    assert plan.factors()[0] == Fraction(1, 100) * Fraction(12, 31)
    # "free" odd days never charge more than the days used: same as "charge" here;
    # "regular" charges the short period as a whole month.
    free = Plan.annuity("1000", annual_rate="0.12", installments=2, start="2024-01-20",
                        first_due="2024-02-01", odd_days="free")
    assert free.factors()[0] == Fraction(1, 100) * Fraction(12, 31)
    regular = Plan.annuity("1000", annual_rate="0.12", installments=2, start="2024-01-20",
                           first_due="2024-02-01", odd_days="regular")
    assert regular.factors()[0] == Fraction(1, 100)


def test_actual_365_day_count() -> None:
    # 1,000.00 at 12% Act/365 Fixed, Jan 15 -> Feb 15 (31 days): 1000 x .12 x 31/365
    # = 10.1918 -> 10.19; Feb 15 -> Mar 15 (29 days, 2024): 9.53 on 1,000.00 -> on the
    # declining balance below.
    s = Plan.equal_principal("1000", annual_rate="0.12", installments=2, start="2024-01-15",
                             day_count="act/365f").schedule()
    assert s[0].interest == Decimal("10.19")
    # 500.00 x .12 x 29/365 = 4.7671 -> 4.77
    assert s[1].interest == Decimal("4.77")


def test_thirty_360_makes_mid_month_periods_equal() -> None:
    plan = Plan.annuity("1000", annual_rate="0.12", installments=3, start="2024-01-15",
                        day_count="30/360")
    assert set(plan.factors()) == {Fraction(1, 100)}
    # Month ends under the US (bond basis) rule: Jan 31 -> Feb 29 counts 29 days
    # (D1 31 -> 30), Feb 29 -> Mar 31 counts 32 (D2 stays 31 as D1 < 30).
    ends = Plan.annuity("1000", annual_rate="0.12", installments=2, start="2024-01-31",
                        day_count="30/360")
    assert ends.factors() == (Fraction(12, 100) * Fraction(29, 360),
                              Fraction(12, 100) * Fraction(32, 360))


def test_canadian_semi_annual_compounding() -> None:
    # 6% compounded semi-annually, paid monthly: (1.03)**(1/6) - 1 = 0.4938622031...%
    plan = Plan.annuity("100000", annual_rate="0.06", compounding_per_year=2,
                        installments=300, start="2024-01-01", currency="CAD")
    assert abs(plan.periodic_rate - Fraction("0.0049386220311969784108")) < Fraction(1, 10**20)
    assert plan.schedule()[0].interest == Decimal("493.86")


def test_weekly_and_semi_monthly_plans() -> None:
    weekly = Plan.annuity("520", annual_rate="0.052", installments=4, start="2024-01-01",
                          frequency="weekly")
    assert weekly.periodic_rate == Fraction(1, 1000)  # 5.2% / 52
    semi = Plan.annuity("240", annual_rate="0.24", installments=4, start="2024-01-15",
                        frequency="semi_monthly")
    assert semi.due_dates == (date(2024, 1, 30), date(2024, 2, 15), date(2024, 2, 29),
                              date(2024, 3, 15))
    assert semi.periodic_rate == Fraction(1, 100)


# ------------------------------------------------------------ interest-only, from rows


def test_interest_only_and_balloon_annuity() -> None:
    s = Plan.interest_only("1000", annual_rate="0.12", installments=3,
                           start="2024-01-15").schedule()
    assert _payments_of(s) == ["10.00", "10.00", "1010.00"]
    # Annuity to a 400.00 balloon: A = (1000*1.01^3 - 400) / (1.01^2 + 1.01 + 1)
    # = 630.301 / 3.0301 = 208.0133 -> 208.01; last = 208.01 + balloon residual.
    b = Plan.annuity("1000", annual_rate="0.12", installments=3, start="2024-01-15",
                     balloon="400").schedule()
    assert b[0].payment == Decimal("208.01")
    assert b[2].payment > Decimal("600")
    check_schedule(b)


def test_from_rows_with_payments_and_rates() -> None:
    # 900.00 at 1%/month: interest-only row, a fixed payment, then payoff.
    s = Plan.from_rows("900.00", start="2024-01-01", periodic_rate="0.01", rows=[
        {"due": "2024-02-01"}, {"due": "2024-03-01", "payment": "309.00"},
        {"due": "2024-04-01", "principal": "600.00"}]).schedule()
    assert _payments_of(s) == ["9.00", "309.00", "606.00"]


def test_from_rows_principal_must_add_up() -> None:
    with pytest.raises(InvalidTermsError, match=r"rows: principal parts add up to 800\.00"):
        Plan.from_rows("900.00", start="2024-01-01", rows=[("2024-02-01", "400.00"),
                                                           ("2024-03-01", "400.00")])


# ---------------------------------------------------------------------- error paths


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"principal": "-5"}, "principal"),
    ({"principal": float("nan")}, "principal"),
    ({"principal": float("inf")}, "principal"),
    ({"principal": "abc"}, "principal"),
    ({"principal": "10.001"}, "principal"),
    ({"principal": "1e13"}, "principal"),
    ({"principal": 0}, "principal"),
    ({"installments": 0}, "installments"),
    ({"installments": "3.0"}, "installments"),
    ({"installments": "١٢"}, "installments"),  # Arabic-Indic digits: not ASCII
    ({"installments": "1e1"}, "installments"),
    ({"installments": True}, "installments"),
    ({"installments": 10_000}, "installments"),
    ({"start": "2024-13-01"}, "start"),
    ({"start": 20240101}, "start"),
    ({"first_due": "2023-12-31"}, "first_due"),
    ({"annual_rate": "-0.01"}, "annual_rate"),
    ({"annual_rate": "8"}, "annual_rate"),
    ({"annual_rate": "1001%"}, "annual_rate"),
    ({"annual_rate": "8%%"}, "annual_rate"),
    ({"annual_rate": None}, "annual_rate"),
    ({"periodic_rate": "0.01"}, "periodic_rate"),
    ({"currency": "XYZ"}, "currency"),
    ({"frequency": "fortnightly-ish"}, "frequency"),
    ({"day_count": "act/999"}, "day_count"),
    ({"odd_days": "sometimes"}, "odd_days"),
    ({"first_due": "2024-02-30"}, "first_due"),
    ({"rounding": "half_up"}, "rounding"),
    ({"rate_convention": "weird"}, "rate_convention"),
    ({"rate_convention": "effective", "compounding_per_year": 2}, "compounding_per_year"),
    ({"compounding_per_year": 0}, "compounding_per_year"),
    ({"balloon": "2000"}, "balloon"),
    ({"fee": "-1"}, "fee"),
])
def test_annuity_errors_name_the_argument(kwargs: dict[str, object], argument: str) -> None:
    args: dict[str, object] = {"principal": "1000", "annual_rate": "0.1", "installments": 12,
                               "start": "2024-01-01"}
    args.update(kwargs)
    principal = args.pop("principal")
    with pytest.raises(InvalidArgumentError) as info:
        Plan.annuity(principal, **args)  # type: ignore[arg-type]
    assert info.value.argument == argument
    assert str(info.value).startswith(argument)


def test_pay_in_4_installments_are_bounded() -> None:
    for bad in (1, 7, 12, "4.0", True):
        with pytest.raises(InvalidArgumentError) as info:
            Plan.pay_in_4("100", start="2024-01-01", installments=bad)  # type: ignore[arg-type]
        assert info.value.argument == "installments"
    three = Plan.pay_in_4("100", start="2024-01-01", installments=3, frequency="monthly")
    assert [str(r.payment) for r in three.schedule()] == ["33.33", "33.33", "33.34"]


def test_direct_construction_is_validated() -> None:
    plan = Plan.equal_principal("1200.00", annual_rate="0.12", installments=12,
                                start="2024-01-15")
    with pytest.raises(InvalidTermsError) as info:
        Plan(kind=plan.kind, principal=5_000_000, currency=plan.currency, start=plan.start,
             due_dates=plan.due_dates, principal_parts=plan.principal_parts)
    assert info.value.argument == "principal_parts"
    with pytest.raises(InvalidArgumentError) as info2:
        Plan(kind=plan.kind, principal=120_000, currency=plan.currency, start=plan.start,
             due_dates=plan.due_dates, odd_days="sometimes")  # type: ignore[arg-type]
    assert info2.value.argument == "odd_days"
    with pytest.raises(InvalidArgumentError) as info3:
        Plan(kind=plan.kind, principal=0, currency=plan.currency, start=plan.start,
             due_dates=plan.due_dates)
    assert info3.value.argument == "principal"
    with pytest.raises(InvalidTermsError) as info4:
        Plan(kind=plan.kind, principal=1, currency=plan.currency, start=plan.start,
             due_dates=plan.due_dates[::-1])
    assert info4.value.argument in ("first_due", "due_dates")


def test_flat_fee_needs_exactly_one_fee_rate() -> None:
    with pytest.raises(InvalidArgumentError, match="fee_rate: give exactly one"):
        Plan.flat_fee("1000", installments=3, start="2024-01-01")
    with pytest.raises(InvalidArgumentError, match="fee_rate: give exactly one"):
        Plan.flat_fee("1000", installments=3, start="2024-01-01", fee_rate="0.01",
                      total_fee_rate="0.03")


def test_from_rows_errors_name_the_row() -> None:
    with pytest.raises(InvalidArgumentError, match=r"rows\[1\]"):
        Plan.from_rows("100", start="2024-01-01", rows=[("2024-02-01", "50"), "oops"])
    with pytest.raises(InvalidArgumentError, match=r"rows\[0\]\.due"):
        Plan.from_rows("100", start="2024-01-01", rows=[("2024-02-30", "100")])
    with pytest.raises(InvalidArgumentError, match="rows: must contain at least one row"):
        Plan.from_rows("100", start="2024-01-01", rows=[])
    with pytest.raises(InvalidTermsError, match=r"rows\[1\]\.due: due dates must strictly"):
        Plan.from_rows("100", start="2024-01-01", rows=[("2024-03-01", "50"),
                                                        ("2024-02-01", "50")])
    with pytest.raises(InvalidTermsError, match=r"rows\[0\]\.due: must not be before start"):
        Plan.from_rows("100", start="2024-01-01", rows=[("2023-12-01", "100")])
    with pytest.raises(InvalidTermsError, match=r"rows: principal parts add up to 5,000\.00"):
        Plan.from_rows("900.00", start="2024-01-01", rows=[
            {"due": "2024-02-01", "payment": "10"}, {"due": "2024-03-01", "principal": "5000"},
            {"due": "2024-04-01"}])
    with pytest.raises(InvalidArgumentError, match=r"rows\[0\]: needs 'due'"):
        Plan.from_rows("100", start="2024-01-01", rows=[{"principal": "100"}])


def test_spreadsheet_policy_reproduces_an_amortization_table_cell_by_cell() -> None:
    # A spreadsheet amortization table for PMT(8%/12, 10, 10000): the payment cell holds
    # the unrounded PMT, interest = previous balance x 8%/12, principal = payment -
    # interest, balance = previous balance - principal, every cell shown rounded half-up.
    # Independent emulation with Fractions:
    rate = Fraction(8, 1200)
    growth = (1 + rate) ** 10
    pmt = 10000 * rate * growth / (growth - 1)
    balance = Fraction(10000)
    cells = []

    def shown_as(x: Fraction) -> Decimal:  # a cell formatted to 2 decimals, half-up
        return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)

    for _ in range(10):
        interest = balance * rate
        balance -= pmt - interest
        cells.append((shown_as(pmt), shown_as(interest), shown_as(balance)))
    s = Plan.annuity("10000", annual_rate="0.08", installments=10, start="2024-01-01",
                     currency="USD", rounding=RoundingPolicy.spreadsheet()).schedule()
    shown = [(r.payment, r.interest, r.balance) for r in s]
    assert shown[:9] == cells[:9]
    assert shown[1] == (Decimal("1037.03"), Decimal("60.20"), Decimal("8052.80"))
    assert shown[-1][2] == Decimal("0.00")
    # The ledger still reconciles: principal parts repay exactly the amount financed.
    assert s.total_principal == Decimal("10000.00")
    assert all(r.payment == r.principal + r.interest + r.fee for r in s)


def test_a_mistyped_per_period_rate_is_refused() -> None:
    # "0.6" for a 0.6% monthly fee would be 60% a period: refused unless written "60%".
    with pytest.raises(InvalidArgumentError) as info:
        Plan.flat_fee("6000", fee_rate="0.6", installments=12, start="2026-01-15")
    assert info.value.argument == "fee_rate" and "'60%'" in str(info.value)
    assert Plan.flat_fee("6000", fee_rate="60%", installments=2,
                         start="2026-01-15").fees == (360_000, 360_000)
    with pytest.raises(InvalidArgumentError) as info:
        Plan.annuity("6000", periodic_rate="0.5", installments=12, start="2026-01-15")
    assert info.value.argument == "periodic_rate"


def test_installments_as_text_from_a_web_form() -> None:
    """Digits as text are a count, like amounts, rates and dates given as text."""
    assert Plan.annuity("1000", annual_rate="0.1", installments=" 12 ",
                        start="2024-01-01") == Plan.annuity("1000", annual_rate="0.1",
                                                            installments=12,
                                                            start="2024-01-01")
    assert Plan.pay_in_4("100", start="2024-01-01", installments="4").installments == 4
    assert len(Plan.flat_fee("600", fee_rate="0.005", installments="6",
                             start="2024-01-01").schedule()) == 6
