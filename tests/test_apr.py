"""IRR / XIRR solvers, EU APRC and China's annualized rate: golden cases and properties."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import Plan
from bnpl_restructure.apr import (
    TimeBasis,
    cn_annualized_rate,
    eu_aprc,
    fee_rate_table,
    format_rate,
    irr,
    irr_many,
    xirr,
    xirr_many,
)
from bnpl_restructure.errors import InvalidArgumentError, NoSolutionError
from bnpl_restructure.solver import solve_rates


def _bisect(flows: list[tuple[Fraction, Decimal]], lo: str = "-0.5", hi: str = "2") -> Decimal:
    """Independent reference: bisection in 40-digit Decimal on sum a (1+r)^-t = 0."""
    from decimal import Context

    ctx = Context(prec=40)

    def npv(rate: Decimal) -> Decimal:
        total = Decimal(0)
        for t, a in flows:
            growth = ctx.power(1 + rate, ctx.divide(Decimal(t.numerator), Decimal(t.denominator)))
            total = ctx.add(total, ctx.divide(a, growth))
        return total

    low, high = Decimal(lo), Decimal(hi)
    sign_low = npv(low) > 0
    for _ in range(130):
        mid = ctx.divide(low + high, 2)
        if (npv(mid) > 0) == sign_low:
            low = mid
        else:
            high = mid
    return low


# ----------------------------------------------------------------------- golden cases


def test_irr_matches_excel_and_numpy_financial() -> None:
    # Microsoft support, IRR function: {-70000, 12000, 15000, 18000, 21000, 26000} -> 8.7%
    assert format_rate(irr([-70000, 12000, 15000, 18000, 21000, 26000]), 1) == "8.7%"
    # numpy-financial docstring: irr([-100, 39, 59, 55, 20]) = 0.28095 (5 d.p.)
    assert irr([-100, 39, 59, 55, 20]).quantize(Decimal("0.00001")) == Decimal("0.28095")


def test_xirr_matches_the_spreadsheet_example_and_a_reference() -> None:
    # Microsoft support, XIRR function: result 0.373362535 (Excel's own tolerance ~1e-8).
    flows = [("2008-01-01", -10000), ("2008-03-01", 2750), ("2008-10-30", 4250),
             ("2009-02-15", 3250), ("2009-04-01", 2750)]
    rate = xirr(flows)
    assert abs(rate - Decimal("0.373362535")) < Decimal("2e-9")
    days = [0, 60, 303, 411, 456]  # days from 2008-01-01
    reference = _bisect([(Fraction(d, 365), Decimal(a)) for d, (_, a) in zip(days, flows,
                                                                           strict=True)])
    assert abs(rate - reference) < Decimal("1e-11")


def test_eu_aprc_directive_examples() -> None:
    # Directive 98/7/EC, Annex III worked examples (same equation as 2008/48/EC Annex I).
    # A1: 1000 drawn 1994-01-01, 1200 repaid 1995-07-01 (546 days -> 1 year + 181/365):
    # X = 0.1296204, printed 13%.
    x = eu_aprc([("1994-01-01", 1000)], [("1995-07-01", 1200)])
    assert x.quantize(Decimal("1e-7")) == Decimal("0.1296204")
    # A3: 1000 drawn, 600 after 1 year and 600 after 2 years: X = 0.1306623 -> 13.1%.
    # (The Directive truncates: with v = 1/(1+X), 600 v^2 + 600 v = 1000 gives
    # v = (sqrt(2,760,000) - 600) / 1200 and X = 0.13066238..., so compare to 1e-7.)
    x = eu_aprc([("1994-01-01", 1000)], [("1995-01-01", 600), ("1996-01-01", 600)])
    assert abs(x - Decimal("0.1306623")) < Decimal("1e-7")
    v = (Decimal(2_760_000).sqrt() - 600) / 1200
    assert abs(x - (1 / v - 1)) < Decimal("1e-11")
    assert format_rate(x, 1) == "13.1%"


def test_eu_time_bases() -> None:
    # 12 equal months: a payment one calendar month after the drawdown is 1/12 of a year
    # whatever the month's length; (1 + X)^(1/12) = 101/100 -> X = 1.01^12 - 1.
    x = eu_aprc([("2024-02-01", 100)], [("2024-03-01", 101)], time_basis="equal_months")
    assert abs(x - Decimal("0.126825030132")) < Decimal("1e-11")
    # Weeks: 2 weeks = 2/52 year: X = 1.01^26 - 1.
    x = eu_aprc([("2024-02-01", 100)], [("2024-02-15", 101)], time_basis=TimeBasis.WEEKS)
    assert abs(x - (Decimal("1.01") ** 26 - 1)) < Decimal("1e-11")


def test_cn_flat_fee_rates_match_independent_irr() -> None:
    # Baitiao-style 0.5%/month x 12 on 10,000: payments 883.33 x 11 and 883.37 (principal
    # 833.33.. split, fee 50.00). Reference: 40-digit bisection of the same flows.
    plan = Plan.flat_fee("10000", fee_rate="0.005", installments=12, start="2024-01-15")
    result = cn_annualized_rate(plan)
    flows = [(Fraction(0), Decimal(-10000))] + [
        (Fraction(k + 1), Decimal(str(p.payment))) for k, p in enumerate(plan.schedule())]
    reference = _bisect(flows)
    assert abs(result.periodic_irr - reference) < Decimal("1e-12")
    assert format_rate(result.nominal) == "10.90%"   # vs the headline 6% (0.5% x 12)
    assert format_rate(result.compound) == "11.46%"
    assert result.simple is None


def test_cn_toolcool_example_and_simple_label() -> None:
    # toolcool.cn installment calculator: 10,000 x 12 months x 0.6%/month: payment 893.33,
    # total fee 720, nominal 7.2%, IRR-APR about 13.03%; EAR 13.84%.
    r = cn_annualized_rate(Plan.flat_fee("10000", fee_rate="0.006", installments=12,
                                         start="2024-01-15"), include_simple=True)
    assert (format_rate(r.nominal), format_rate(r.compound)) == ("13.03%", "13.84%")
    assert r.simple == Decimal("0.072000000000")
    assert "simple" in str(r) and "年化利率" in str(r)


def test_cn_upfront_fee_reduces_the_principal_received() -> None:
    # 1,000 repaid 1,100 after one month with 100 deducted upfront: 900 -> 1,100.
    r = cn_annualized_rate(["-1000", "1100"], periods_per_year=12, upfront_fees="100")
    assert r.periodic_irr == Decimal("0.222222222222")  # 1100/900 - 1


def test_fee_rate_table_shows_the_real_cost() -> None:
    # Values cross-checked against the independent bisection above for 12 installments
    # and the domain research table (0.5%/period: 8.98, 10.21, 10.90, 11.13%).
    table = fee_rate_table("0.005")
    assert [format_rate(r.true_annual) for r in table] == ["8.98%", "10.21%", "10.90%",
                                                           "11.13%"]
    assert [format_rate(r.headline_annual) for r in table] == ["6.00%"] * 4
    assert "<table>" in table._repr_html_()


# ------------------------------------------------------------------------- properties


@given(st.integers(1, 3000), st.integers(1, 60), st.integers(100, 10**7))
def test_solver_round_trips_exact_annuity_flows(rate_bp: int, n: int, principal: int) -> None:
    # Exact (unrounded) level payments at periodic rate r: the IRR is r within 1e-9.
    r = rate_bp / 10_000 / 12
    payment = principal * r / (1 - (1 + r) ** -n)
    rate = irr_many([[-principal] + [payment] * n])[0]
    assert abs(rate * 12 - rate_bp / 10_000) < 1e-9


@given(st.integers(1, 3600), st.integers(2, 36))
def test_plan_apr_round_trips_within_the_cent_rounding(rate_bp: int, n: int) -> None:
    # A real plan's payments are rounded to the cent, so its IRR differs from the contract
    # rate by at most what the rounding moves: bound it by solving with the payments
    # shifted by a cent either way.
    annual = Decimal(rate_bp).scaleb(-4)
    plan = Plan.annuity("100000", annual_rate=annual, installments=n, start="2024-01-15")
    nominal = cn_annualized_rate(plan).nominal
    pays = [float(p.payment) for p in plan.schedule()]
    low = irr_many([[-100000.0] + [p - 0.01 for p in pays]])[0] * 12
    high = irr_many([[-100000.0] + [p + 0.01 for p in pays]])[0] * 12
    assert low - 1e-12 <= float(nominal) <= high + 1e-12
    assert abs(float(nominal) - float(annual)) < 1e-5


@given(st.integers(0, 199), st.integers(1, 100), st.sampled_from([3, 6, 12, 24]))
def test_apr_increases_strictly_with_the_fee_rate(fee_bp: int, extra: int, n: int) -> None:
    def apr(bp: int) -> Decimal:
        plan = Plan.flat_fee("6000", fee_rate=Decimal(bp).scaleb(-4), installments=n,
                             start="2024-01-15")
        return cn_annualized_rate(plan).nominal

    assert apr(fee_bp + extra) > apr(fee_bp)


@given(st.integers(0, 2400), st.integers(1, 2000), st.integers(2, 24))
def test_adding_a_fee_never_lowers_the_apr(rate_bp: int, fee_cents: int, n: int) -> None:
    base = Plan.annuity("5000", annual_rate=Decimal(rate_bp).scaleb(-4), installments=n,
                        start="2024-03-31")
    with_fee = Plan.annuity("5000", annual_rate=Decimal(rate_bp).scaleb(-4), installments=n,
                            start="2024-03-31", fee=Decimal(fee_cents).scaleb(-2))
    assert cn_annualized_rate(with_fee).nominal > cn_annualized_rate(base).nominal
    assert eu_aprc(with_fee) > eu_aprc(base)


def test_zero_cost_pay_in_4_has_apr_exactly_zero() -> None:
    plan = Plan.pay_in_4("100.01", start="2024-03-01", currency="USD")
    assert cn_annualized_rate(plan).nominal == 0
    assert eu_aprc(plan) == 0


def test_irregular_weekly_and_odd_period_plans_disclose() -> None:
    odd = Plan.annuity("1000", annual_rate="0.12", installments=6, start="2024-01-10",
                       first_due="2024-02-25")
    weekly = Plan.annuity("1000", annual_rate="0.12", installments=8, start="2024-01-10",
                          frequency="weekly")
    semi = Plan.equal_principal("1000", annual_rate="0.12", installments=8,
                                start="2024-01-15", frequency="semi_monthly")
    for plan in (odd, weekly, semi):
        nominal = cn_annualized_rate(plan).nominal
        assert Decimal("0.11") < nominal < Decimal("0.13")
        assert Decimal("0.11") < eu_aprc(plan) < Decimal("0.14")


def test_many_streams_at_once_agree_with_the_scalar_solver() -> None:
    d = np.array([["2024-01-01", "2024-07-01", "2025-01-01"],
                  ["2024-01-01", "2024-02-01", "2024-03-01"]], dtype="datetime64[D]")
    rates = xirr_many([[-100, 50, 60], [-100, 60, 50]], d)
    assert abs(rates[0] - float(xirr([("2024-01-01", -100), ("2024-07-01", 50),
                                       ("2025-01-01", 60)]))) < 1e-12
    assert abs(rates[1] - float(xirr([("2024-01-01", -100), ("2024-02-01", 60),
                                       ("2024-03-01", 50)]))) < 1e-12


def test_multiple_roots_pick_the_smallest_positive() -> None:
    # -100 + 230 v - 132 v^2 = 0 has roots r = 10% and r = 20%.
    assert abs(irr([-100, 230, -132]) - Decimal("0.1")) < Decimal("1e-12")


# ----------------------------------------------------------------------------- errors


def test_no_root_raises_a_typed_error() -> None:
    with pytest.raises(NoSolutionError, match="never change sign"):
        irr([-100, 0, 0])
    with pytest.raises(NoSolutionError, match="never change sign"):
        irr([0, 0, 0])
    with pytest.raises(NoSolutionError):
        solve_rates([[10.0, 20.0]], [[0.0, 1.0]])


def test_bad_inputs_name_the_argument() -> None:
    with pytest.raises(InvalidArgumentError, match=r"cash_flows\[1\]"):
        irr([-100, "abc"])
    with pytest.raises(InvalidArgumentError, match="cash_flows"):
        irr("-100,110")
    with pytest.raises(InvalidArgumentError, match=r"cash_flows\[0\]"):
        xirr([("2024-01-01", -100, 3), ("2024-02-01", 110)])
    with pytest.raises(InvalidArgumentError, match="day_count"):
        xirr([("2024-01-01", -100), ("2024-02-01", 110)], day_count="per_period")
    with pytest.raises(InvalidArgumentError, match="payments"):
        eu_aprc([("2024-02-01", 100)], [("2024-01-01", 110)])
    with pytest.raises(InvalidArgumentError, match="periods_per_year"):
        cn_annualized_rate([-100, 110])
    with pytest.raises(InvalidArgumentError, match="upfront_fees"):
        cn_annualized_rate([-100, 110], periods_per_year=12, upfront_fees="-1")
    with pytest.raises(InvalidArgumentError, match="amounts"):
        solve_rates([[1.0, np.inf]], [[0.0, 1.0]])


def test_rates_are_json_ready_strings() -> None:
    r = cn_annualized_rate(["-100", "110"], periods_per_year=1)
    assert json.loads(json.dumps({"rate": str(r.nominal)})) == {"rate": "0.100000000000"}
