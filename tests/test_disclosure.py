"""Disclosure documents and the command line."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bnpl_restructure import Plan, disclose
from bnpl_restructure.__main__ import main
from bnpl_restructure.apr import cn_annualized_rate, eu_aprc, reg_z_apr
from bnpl_restructure.disclosure import payment_groups
from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.examples import seed_plan


def test_every_standard_reports_the_same_money() -> None:
    plan = seed_plan()  # 6,000.00 CNY, 12 x (500.00 + 36.00 fee)
    for standard in ("reg_z", "eu", "cn"):
        d = disclose(plan, standard=standard)
        assert (d.amount_financed, d.finance_charge, d.total_of_payments) == (
            Decimal("6000.00"), Decimal("432.00"), Decimal("6432.00"))
        assert d.finance_charge == d.total_of_payments - d.amount_financed
        assert [(g.count, g.amount) for g in d.payments] == [(12, Decimal("536.00"))]


def test_rates_come_from_each_rule_book() -> None:
    plan = seed_plan()
    schedule = plan.schedule()
    assert disclose(plan, standard="reg_z").annual_rate == reg_z_apr(schedule)
    assert disclose(plan, standard="eu").annual_rate == eu_aprc(plan)
    cn = disclose(plan, standard="cn")
    assert (cn.annual_rate, cn.compound_rate) == (cn_annualized_rate(plan).nominal,
                                                  cn_annualized_rate(plan).compound)
    assert disclose(plan, standard="reg_z").rate_display == "13.03%"
    assert disclose(plan, standard="eu").rate_display == "13.9%"  # one decimal, half-up


def test_upfront_fee_is_a_prepaid_finance_charge() -> None:
    # 60.00 deducted at the advance: amount financed 5,940.00, finance charge 492.00,
    # and the APR rises.
    plan = seed_plan()
    base = disclose(plan, standard="reg_z")
    with_fee = disclose(plan, standard="reg_z", upfront_fees="60")
    assert (with_fee.amount_financed, with_fee.finance_charge) == (Decimal("5940.00"),
                                                                   Decimal("492.00"))
    assert with_fee.annual_rate > base.annual_rate
    assert disclose(plan, standard="cn", upfront_fees="60").annual_rate > disclose(
        plan, standard="cn").annual_rate


def test_eu_time_basis_is_selectable() -> None:
    plan = seed_plan()
    months = disclose(plan, standard="eu", time_basis="equal_months")
    assert months.annual_rate == eu_aprc(plan, time_basis="equal_months")
    assert "equal months" in months.method
    with pytest.raises(InvalidArgumentError) as info:
        disclose(plan, standard="eu", time_basis="lunar")
    assert info.value.argument == "time_basis"


def test_renderings() -> None:
    plan = seed_plan()
    cn = disclose(plan, standard="cn")
    text = str(cn)
    for word in ("年化利率", "手续费", "还款总额", "13.03%", "中国人民银行公告〔2021〕第3号"):
        assert word in text
    us = disclose(plan, standard="reg_z")
    assert "ANNUAL PERCENTAGE RATE" in str(us) and "FINANCE CHARGE" in str(us)
    assert "<table>" in us._repr_html_() and "13.03%" in us._repr_html_()
    assert repr(us) == ("<Disclosure reg_z CNY 6,000.00 · rate 13.03% · finance charge "
                        "432.00>")


def test_to_dict_is_json_ready_without_floats() -> None:
    d = disclose(seed_plan(), standard="cn").to_dict()
    text = json.dumps(d, ensure_ascii=False)
    assert json.loads(text) == d
    assert d["annual_rate_display"] == "13.03%" and d["total_of_payments"] == "6432.00"

    def no_floats(value: object) -> bool:
        if isinstance(value, dict):
            return all(no_floats(v) for v in value.values())
        if isinstance(value, list):
            return all(no_floats(v) for v in value)
        return not isinstance(value, float)

    assert no_floats(d)


def test_payment_groups_split_on_changes() -> None:
    s = Plan.annuity("1000", annual_rate="0.12", installments=3, start="2024-01-15").schedule()
    groups = payment_groups(s)
    assert [g.count for g in groups] == [2, 1]  # level payment, then the adjusted last one
    assert groups[0].first_due.isoformat() == "2024-02-15"


def test_pay_in_4_discloses_zero_cost() -> None:
    plan = Plan.pay_in_4("100.00", start="2024-03-01", currency="USD")
    for standard in ("reg_z", "eu", "cn"):
        d = disclose(plan, standard=standard)
        assert d.annual_rate == 0 and d.finance_charge == Decimal("0.00")
    assert "dollar amount" in str(disclose(plan, standard="reg_z"))


def test_bad_arguments() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        disclose(seed_plan(), standard="uk")
    assert info.value.argument == "standard"
    with pytest.raises(InvalidArgumentError) as info:
        disclose(seed_plan(), upfront_fees="6000")
    assert info.value.argument == "upfront_fees"
    with pytest.raises(InvalidArgumentError) as info:
        disclose("plan")  # type: ignore[arg-type]
    assert info.value.argument == "plan"


def test_cli_demo_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "6,432.00" in out and "13.03%" in out and "年化利率" in out
    # the seed's story: two installments behind, options compared, the best one marked
    assert "overdue 1,082.99 (36 days, 31-60)" in out
    assert "capitalize arrears + waive fees + extend +6 *" in out
    assert main(["schedule", "annuity", "10000", "--annual-rate", "8%", "--start",
                 "2024-01-01", "--installments", "10", "--currency", "USD"]) == 0
    assert "1,037.03" in capsys.readouterr().out
    assert main(["schedule", "annuity", "10000", "--annual-rate", "8", "--start",
                 "2024-01-01"]) == 2
    assert "annual_rate: a rate is a fraction" in capsys.readouterr().err
    assert main(["schedule", "annuity", "100", "--start", "2024-01-01"]) == 2
    assert "--annual-rate: is required" in capsys.readouterr().err
