"""The command line (bnpl_restructure.cli): every command and format, JSON checked against
the library's own figures, and the error paths (exit codes 1 and 2, messages on stderr).

Most tests call ``main(argv)`` in-process; a few run ``python -m bnpl_restructure`` and the
``bnpl-restructure`` console script through ``subprocess``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bnpl_restructure import Plan, disclose
from bnpl_restructure.cli import main
from bnpl_restructure.cli.demo import demo_text
from bnpl_restructure.restructure import (
    CapitalizeArrears,
    ExtendTerm,
    WaiveFees,
    compare,
    find_option,
)
from bnpl_restructure.rounding import RoundingPolicy
from bnpl_restructure.servicing import (
    Charge,
    LateFee,
    ServicingTerms,
    loan_state,
    payoff_quote,
)
from bnpl_restructure.testing.reconcile import reconcile

ROOT = Path(__file__).resolve().parents[1]
SEED = ["flat_fee", "6000", "--fee-rate", "0.6%", "--start", "2026-01-15"]
BEHIND = [*SEED, "--payment", "2026-02-15=536.00", "--on", "2026-04-20"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--format", "json")
    assert (code, err) == (0, "")
    return json.loads(out)


def run_csv(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, str]]:
    code, out, err = run(capsys, *argv, "--format", "csv")
    assert (code, err) == (0, "")
    return list(csv.DictReader(io.StringIO(out)))


def rows_of(plan: Plan) -> list[dict[str, Any]]:
    return [{"number": r.number, "due_date": r.due_date.isoformat(), "payment": str(r.payment),
             "principal": str(r.principal), "interest": str(r.interest), "fee": str(r.fee),
             "balance": str(r.balance)} for r in plan.schedule()]


# ----------------------------------------------------------------------------- schedule

KINDS = [
    (["annuity", "200000", "--annual-rate", "0.075", "--installments", "180", "--start",
      "2024-01-01", "--currency", "USD"],
     Plan.annuity("200000", annual_rate="0.075", installments=180, start="2024-01-01",
                  currency="USD")),
    # every annuity convention by a flag: Fineract's RS03 (the Plan.annuity docstring)
    (["annuity", "5000", "--annual-rate", "0.12", "--installments", "18", "--start",
      "2022-11-01", "--currency", "EUR", "--day-count", "act/365f", "--payment-basis",
      "nominal", "--rounding-payment", "half_even", "--rounding-interest", "half_even",
      "--increment", "1"],
     Plan.annuity("5000", annual_rate="0.12", installments=18, start="2022-11-01",
                  currency="EUR", day_count="act/365f", payment_basis="nominal",
                  rounding=RoundingPolicy(payment="half_even", interest="half_even",
                                          increment="1"))),
    (["annuity", "1000", "--periodic-rate", "1%", "--installments", "6", "--start",
      "2024-01-31", "--first-due", "2024-03-15", "--odd-days", "free", "--fee", "2.50",
      "--balloon", "400", "--frequency", "monthly"],
     Plan.annuity("1000", periodic_rate="0.01", installments=6, start="2024-01-31",
                  first_due="2024-03-15", odd_days="free", fee="2.50", balloon="400")),
    (["annuity", "2500", "--annual-rate", "8.24%", "--installments", "12", "--start",
      "2024-01-01", "--last-installment", "level", "--rounding-payment", "up"],
     Plan.annuity("2500", annual_rate="0.0824", installments=12, start="2024-01-01",
                  last_installment="level", rounding=RoundingPolicy(payment="up"))),
    (["annuity", "10000", "--annual-rate", "6%", "--rate-convention", "effective",
      "--installments", "12", "--start", "2024-01-01", "--balance", "exact"],
     Plan.annuity("10000", annual_rate="0.06", rate_convention="effective", installments=12,
                  start="2024-01-01", rounding=RoundingPolicy(balance="exact"))),
    (["annuity", "100000", "--annual-rate", "6%", "--compounding-per-year", "2",
      "--installments", "24", "--start", "2024-01-01", "--currency", "CAD"],
     Plan.annuity("100000", annual_rate="0.06", compounding_per_year=2, installments=24,
                  start="2024-01-01", currency="CAD")),
    (["equal_principal", "1200.01", "--annual-rate", "12%", "--installments", "12",
      "--start", "2024-01-15", "--residual", "first", "--day-count", "30/360"],
     Plan.equal_principal("1200.01", annual_rate="0.12", installments=12, start="2024-01-15",
                          day_count="30/360", rounding=RoundingPolicy(residual="first"))),
    (["interest_only", "1000", "--annual-rate", "12%", "--installments", "3", "--start",
      "2024-01-15", "--frequency", "quarterly"],
     Plan.interest_only("1000", annual_rate="0.12", installments=3, start="2024-01-15",
                        frequency="quarterly")),
    (["flat_fee", "1000", "--total-fee-rate", "2.5%", "--installments", "3", "--start",
      "2024-01-15"],
     Plan.flat_fee("1000", total_fee_rate="0.025", installments=3, start="2024-01-15")),
    ([*SEED, "--rounding-interest", "down"],
     Plan.flat_fee("6000", fee_rate="0.006", installments=12, start="2026-01-15",
                   rounding=RoundingPolicy(interest="down"))),
    (["pay_in_4", "100.01", "--start", "2024-03-01", "--currency", "USD", "--residual",
      "first"],
     Plan.pay_in_4("100.01", start="2024-03-01", currency="USD",
                   rounding=RoundingPolicy(residual="first"))),
    (["pay_in_4", "90", "--start", "2024-03-01", "--installments", "6", "--frequency",
      "weekly", "--currency", "JPY"],
     Plan.pay_in_4("90", start="2024-03-01", installments=6, frequency="weekly",
                   currency="JPY")),
]


@pytest.mark.parametrize(("argv", "plan"), KINDS, ids=lambda v: v[0] if isinstance(v, list)
                         else None)
def test_schedule_json_is_the_library_schedule(capsys: pytest.CaptureFixture[str],
                                               argv: list[str], plan: Plan) -> None:
    doc = run_json(capsys, "schedule", *argv)
    assert doc["plan"] == plan.to_dict()
    assert Plan.from_dict(doc["plan"]) == plan
    assert doc["installments"] == rows_of(plan)
    s = plan.schedule()
    assert doc["totals"]["total_of_payments"] == str(s.total_of_payments)
    assert doc["totals"]["closing_balance"] == str(s.closing_balance)
    assert run_csv(capsys, "schedule", *argv) == [
        {k: str(v) for k, v in row.items()} for row in rows_of(plan)]


def test_schedule_rows_plan_from_a_csv_and_a_json_file(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("due,principal,fee\n2024-02-01,300.00,\n"
                                       "2024-04-01,300.00,5.00\n2024-05-01,300.00,\n")
    (tmp_path / "rows.json").write_text(json.dumps([
        {"due": "2024-02-01", "principal": "300.00"},
        {"due": "2024-04-01", "principal": "300.00", "fee": "5.00"},
        {"due": "2024-05-01", "principal": "300.00"}]))
    plan = Plan.from_rows("900.00", start="2024-01-01", annual_rate="0.12", rows=[
        ("2024-02-01", "300.00"), ("2024-04-01", "300.00", "5.00"),
        ("2024-05-01", "300.00")])
    for name in ("rows.csv", "rows.json"):
        doc = run_json(capsys, "schedule", "rows", "900", "--rows", str(tmp_path / name),
                       "--start", "2024-01-01", "--annual-rate", "12%")
        assert doc["plan"] == plan.to_dict()
        assert doc["installments"] == rows_of(plan)


def test_schedule_table_is_what_the_old_command_printed(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schedule", *SEED)
    assert (code, err) == (0, "")
    plan = Plan.flat_fee("6000", fee_rate="0.006", installments=12, start="2026-01-15")
    assert out.startswith(repr(plan) + "\n\n" + plan.schedule().to_text() + "\n\n")
    assert "True annual rate    13.03% (IRR method; compound 13.84%" in out
    assert "Quoted fee rate     0.6% per period (looks like 7.2% a year)" in out


def test_rates_in_json_are_the_library_rates(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "schedule", *SEED)
    # the seed's 13.03% (the disclose() docstring) at full precision
    assert Decimal(doc["rates"]["cn_annual_rate"]).quantize(Decimal("0.0001")) == \
        Decimal("0.1303")
    assert doc["rates"]["reg_z_apr"].startswith("0.130")


INAPPLICABLE = [
    (["annuity", "1000", "--annual-rate", "8%"], "--fee-rate", "1%", "flat_fee"),
    (["annuity", "1000", "--annual-rate", "8%"], "--rows", "x.csv", "rows"),
    (["equal_principal", "1000", "--annual-rate", "8%"], "--balloon", "100", "annuity"),
    (["interest_only", "1000", "--annual-rate", "8%"], "--payment-basis", "nominal",
     "annuity"),
    (["flat_fee", "1000", "--fee-rate", "0.5%"], "--annual-rate", "8%", "annuity"),
    (["flat_fee", "1000", "--fee-rate", "0.5%"], "--day-count", "act/365f", "annuity"),
    (["flat_fee", "1000", "--fee-rate", "0.5%"], "--fee", "1", "annuity"),
    (["pay_in_4", "100"], "--first-due", "2024-02-01", "annuity"),
    (["pay_in_4", "100"], "--annual-rate", "0", "annuity"),
    (["pay_in_4", "100"], "--total-fee-rate", "1%", "flat_fee"),
    (["pay_in_4", "100"], "--rounding-interest", "down", "annuity"),
    (["pay_in_4", "100"], "--balance", "exact", "annuity"),
    (["rows", "100", "--rows", "x.csv"], "--installments", "3", "annuity"),
    # a level payment's residual always goes to the last installment
    (["annuity", "1000", "--annual-rate", "8%"], "--residual", "first", "equal_principal"),
    (["interest_only", "1000", "--annual-rate", "8%"], "--residual", "first", "flat_fee"),
    (["interest_only", "1000", "--annual-rate", "8%"], "--increment", "1", "annuity"),
    (["rows", "100", "--rows", "x.csv"], "--rounding-payment", "up", "annuity"),
]


def test_payment_rounding_of_equal_installments_needs_an_increment(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "schedule", *SEED, "--rounding-payment", "up")
    assert code == 2 and err.startswith("error: --rounding-payment: applies to flat_fee "
                                        "plans only with --increment")
    plan = Plan.flat_fee("6000", fee_rate="0.006", installments=12, start="2026-01-15",
                         rounding=RoundingPolicy(payment="up", increment="10"))
    doc = run_json(capsys, "schedule", *SEED, "--rounding-payment", "up", "--increment", "10")
    assert doc["installments"] == rows_of(plan)
    assert doc["installments"][0]["payment"] == "540.00"  # 536.00 up to a multiple of 10


@pytest.mark.parametrize(("argv", "flag", "value", "taker"), INAPPLICABLE)
def test_a_flag_that_does_not_apply_is_an_error(capsys: pytest.CaptureFixture[str],
                                                argv: list[str], flag: str, value: str,
                                                taker: str) -> None:
    code, out, err = run(capsys, "schedule", *argv, "--start", "2024-01-01", flag, value)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {flag}: does not apply to {argv[0]} plans (it applies "
                          "to ")
    assert taker in err and "Traceback" not in err


def test_plan_json_is_an_alternative_to_flags(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    plan = KINDS[2][1]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan.to_dict()))
    doc = run_json(capsys, "schedule", "--plan-json", str(path))
    assert doc["plan"] == plan.to_dict() and doc["installments"] == rows_of(plan)
    # a schedule document too (what a ledger stored)
    path.write_text(json.dumps(plan.schedule().to_dict()))
    assert run_json(capsys, "schedule", "--plan-json", str(path))["installments"] == \
        rows_of(plan)
    # never both
    code, _, err = run(capsys, "schedule", "--plan-json", str(path), "--fee", "1")
    assert code == 2 and err.startswith("error: --fee: cannot be combined with --plan-json")
    code, _, err = run(capsys, "schedule", "annuity", "1", "--plan-json", str(path))
    assert code == 2 and "kind: cannot be combined with --plan-json" in err
    # a document of another kind, or a malformed one, is refused naming the flag or field
    path.write_text(json.dumps(ServicingTerms().to_dict()))
    code, _, err = run(capsys, "schedule", "--plan-json", str(path))
    assert code == 2 and "--plan-json: must hold a plan or a schedule" in err
    path.write_text(json.dumps(plan.to_dict() | {"balloon": 5}))
    code, _, err = run(capsys, "schedule", "--plan-json", str(path))
    assert code == 2 and "plan.balloon: must be a string of money" in err


# ----------------------------------------------------------------------------- disclose

SEED_PLAN = Plan.flat_fee("6000", fee_rate="0.006", installments=12, start="2026-01-15")


@pytest.mark.parametrize("standard", ["cn", "reg_z", "eu"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_disclose_every_standard_and_language(capsys: pytest.CaptureFixture[str],
                                              standard: str, lang: str) -> None:
    d = disclose(SEED_PLAN, standard=standard)
    doc = run_json(capsys, "disclose", *SEED, "--standard", standard, "--lang", lang)
    library = d.to_dict()
    assert {k: v for k, v in doc.items() if k not in (
        "language", "title", "rows", "method_text", "citation_text")} == \
        {k: v for k, v in library.items() if k != "language"}
    assert doc["language"] == lang
    assert [r["value"] for r in doc["rows"]][:-1] == [v for _, v, _ in d.rows()][:-1]
    code, out, _ = run(capsys, "disclose", *SEED, "--standard", standard, "--lang", lang)
    assert code == 0
    if lang == d.language:
        assert out == d.to_text() + "\n"
    else:
        assert d.rate_display in out and "6,432.00" in out
        assert ("年" in out.splitlines()[1]) == (lang == "zh")
    table = run_csv(capsys, "disclose", *SEED, "--standard", standard, "--lang", lang)
    # the CSV carries the exact figures (as the JSON does), what is shown next to them
    assert [r["shown"] for r in table[:-1]] == [r["value"] for r in doc["rows"]][:-1]
    assert [r["label"] for r in table] == [r["label"] for r in doc["rows"]]
    figures = {r["item"]: r["value"] for r in table[:-1]}
    assert figures["annual_rate"] == doc["annual_rate"]
    assert figures["finance_charge"] == doc["finance_charge"] == "432.00"
    assert figures["total_of_payments"] == "6432.00"
    assert {r["unit"] for r in table} == {"rate", "CNY"}
    payment = table[-1]
    assert (payment["item"], payment["value"], payment["shown"], payment["count"],
            payment["first_due"], payment["last_due"]) == (
        "payment", "536.00", "536.00", "12", "2026-02-15", "2027-01-15")


def test_disclose_in_english_and_chinese_labels(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "disclose", *SEED, "--standard", "cn", "--lang", "en")
    assert out.splitlines()[:2] == [
        "Installment cost disclosure (CNY)",
        "Annualized rate           13.03%  by the internal rate of return (IRR) method"]
    assert "Repayment plan            12 payments of 536.00, 2026-02-15 to 2027-01-15" in out
    assert out.splitlines()[-2:] == ["Method: IRR method, annual rate = periodic IRR × 12",
                                     "Reference: PBOC Announcement [2021] No. 3"]
    _, out, _ = run(capsys, "disclose", *SEED, "--standard", "reg_z", "--lang", "zh")
    assert "还款计划      12期 每期 536.00, 2026-02-15 至 2027-01-15" in out
    assert out.splitlines()[-2:] == ["计算方法: 精算法, 12 CFR 1026 附录J",
                                     "依据: 12 CFR 1026.18、1026.22 及附录J (美国Z条例)"]
    doc = run_json(capsys, "disclose", *SEED, "--standard", "eu", "--lang", "zh")
    assert doc["method_text"] == "附件一基本公式, 实际年利率, 时间按日历日"
    assert doc["method"] == disclose(SEED_PLAN, standard="eu").method


def test_disclose_options(capsys: pytest.CaptureFixture[str]) -> None:
    d = disclose(SEED_PLAN, standard="eu", upfront_fees="100", time_basis="equal_months")
    doc = run_json(capsys, "disclose", *SEED, "--standard", "eu", "--upfront-fees", "100",
                   "--time-basis", "equal_months")
    assert doc["annual_rate"] == str(d.annual_rate) and doc["amount_financed"] == "5900.00"
    code, _, err = run(capsys, "disclose", *SEED, "--standard", "cn", "--time-basis",
                       "weeks")
    assert code == 2 and err.startswith("error: --time-basis: applies to --standard eu")


# ------------------------------------------------------------------------ state, payoff


def test_state_json_is_the_library_report(capsys: pytest.CaptureFixture[str]) -> None:
    state = loan_state(SEED_PLAN.schedule(), [("2026-02-15", "536.00")], as_of="2026-04-20",
                       terms=ServicingTerms.jd_baitiao())
    assert run_json(capsys, "state", *BEHIND, "--terms", "jd_baitiao") == state.report()
    ledger = run_csv(capsys, "state", *BEHIND, "--terms", "jd_baitiao")
    assert len(ledger) == len(state.ledger)
    assert ledger[-1] == {"date": "2026-04-20", "kind": "penalty", "amount": "1.34",
                          "installment": "3", "component": "penalty",
                          "note": "accrued through 2026-04-20"}
    code, out, _ = run(capsys, "state", *BEHIND, "--terms", "jd_baitiao")
    assert code == 0 and out.startswith(repr(state))
    assert "unpaid penalty            10.99" in out and "Overdue installments:" in out


def test_payments_from_csv_and_json_files(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    payments = [("2026-02-15", "536.00"), ("2026-03-20", "300.00")]
    (tmp_path / "p.csv").write_text("Date,Amount\n" + "".join(f"{d},{a}\n"
                                                               for d, a in payments))
    (tmp_path / "p.json").write_text(json.dumps([{"date": d, "amount": a}
                                                 for d, a in payments]))
    (tmp_path / "pairs.json").write_text(json.dumps([list(p) for p in payments]))
    expected = loan_state(SEED_PLAN.schedule(), payments, as_of="2026-04-20").report()
    for name in ("p.csv", "p.json", "pairs.json"):
        assert run_json(capsys, "state", *SEED, "--payments", str(tmp_path / name), "--on",
                        "2026-04-20") == expected
    # a file and a flag together, merged in date order
    assert run_json(capsys, "state", *SEED, "--payments", str(tmp_path / "pairs.json"),
                    "--payment", "2026-04-01=10", "--on", "2026-04-20") == loan_state(
        SEED_PLAN.schedule(), [*payments, ("2026-04-01", "10")], as_of="2026-04-20").report()


def test_charges_from_a_file_and_flags(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    charges = [Charge(date="2026-03-02", name="nsf", amount="15.00"),
               Charge(date="2026-03-20", name="extension_fee", amount="5", installment=2),
               Charge(date="2026-04-01", name="collection", amount="3")]
    expected = loan_state(SEED_PLAN.schedule(), [("2026-02-15", "536.00")],
                          as_of="2026-04-20", charges=charges).report()
    assert expected["unpaid_charges"] == "23.00"
    (tmp_path / "c.csv").write_text("Date,Name,Amount,Installment\n2026-03-02,nsf,15.00,\n"
                                    "2026-03-20,extension_fee,5,2\n")
    (tmp_path / "c.json").write_text(json.dumps([
        {"date": "2026-03-02", "name": "nsf", "amount": "15.00"},
        {"date": "2026-03-20", "name": "extension_fee", "amount": "5", "installment": 2}]))
    for name in ("c.csv", "c.json"):
        assert run_json(capsys, "state", *BEHIND, "--charges", str(tmp_path / name),
                        "--charge", "date=2026-04-01,name=collection,amount=3") == expected
    # on a stored loan: the charges before a new payment come first
    state = loan_state(SEED_PLAN.schedule(), [("2026-02-15", "536.00")], as_of="2026-02-20")
    (tmp_path / "loan.json").write_text(json.dumps(state.to_dict()))
    later = loan_state(SEED_PLAN.schedule(), [("2026-02-15", "536.00"),
                                              ("2026-03-25", "100.00")],
                       as_of="2026-04-20", charges=charges)
    assert run_json(capsys, "state", "--loan-json", str(tmp_path / "loan.json"), "--charges",
                    str(tmp_path / "c.json"), "--charge",
                    "date=2026-04-01,name=collection,amount=3", "--payment",
                    "2026-03-25=100.00", "--on", "2026-04-20") == later.report()
    for spec, message in (("date=2026-04-01,amount=3", "needs date, name and amount"),
                          ("date=2026-04-01,name=x,amount=3,installment=two",
                           "installment must be a whole number"),
                          ("2026-04-01=3", "needs date, name and amount"),
                          ("2026-04-01", "must be date=D,name=N,amount=A")):
        code, _, err = run(capsys, "state", *BEHIND, "--charge", spec)
        assert code == 2 and err.startswith("error: --charge: ") and message in err


def test_terms_flags_are_the_servicing_terms(capsys: pytest.CaptureFixture[str]) -> None:
    terms = ServicingTerms(grace_days=2, penalty_rate="0.0005", penalty_base="overdue_principal",
                           late_fees=(LateFee(days_past_due=5, amount="15", percent="0.01"),
                                      LateFee(days_past_due=30, amount="20", every=30)),
                           late_fee_cap_per_plan="50", waterfall=(
                               "late_fee", "charge", "fee", "penalty", "interest",
                               "principal"), order="vertical", early_payoff="rule_of_78",
                           delinquency_buckets=(15, 45), count_due_date=True)
    state = loan_state(SEED_PLAN.schedule(), [("2026-02-15", "536.00")], as_of="2026-06-20",
                       terms=terms)
    argv = [*SEED, "--payment", "2026-02-15=536.00", "--on", "2026-06-20", "--grace-days",
            "2", "--penalty-rate", "0.05%", "--penalty-base", "overdue_principal",
            "--late-fee", "days=5,amount=15,percent=1%", "--late-fee",
            "days=30, amount=20, every=30", "--late-fee-cap-per-plan", "50", "--waterfall",
            "late_fee,charge,fee,penalty,interest,principal", "--order", "vertical",
            "--early-payoff", "rule_of_78", "--delinquency-buckets", "15,45",
            "--count-due-date"]
    assert run_json(capsys, "state", *argv) == state.report()
    # the flags took effect: late fees held to the plan cap, the buckets' bounds 15 and 45
    assert (state.late_fees_charged, state.bucket) == (Decimal("50.00"), "45+")
    # a preset changed by a flag
    changed = ServicingTerms.afterpay().with_(late_fee_cap_per_plan="20")
    expected = loan_state(SEED_PLAN.schedule(), as_of="2026-05-01", terms=changed).report()
    assert run_json(capsys, "state", *SEED, "--on", "2026-05-01", "--terms", "afterpay",
                    "--late-fee-cap-per-plan", "20") == expected


def test_terms_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    terms = ServicingTerms.klarna_uk()
    path = tmp_path / "terms.json"
    path.write_text(json.dumps(terms.to_dict()))
    expected = loan_state(SEED_PLAN.schedule(), as_of="2026-04-20", terms=terms).report()
    assert run_json(capsys, "state", *SEED, "--on", "2026-04-20", "--terms-json",
                    str(path)) == expected
    code, _, err = run(capsys, "state", *SEED, "--on", "2026-04-20", "--terms-json",
                       str(path), "--terms", "afterpay")
    assert code == 2 and "--terms-json: give --terms or --terms-json, not both" in err


def test_payoff(capsys: pytest.CaptureFixture[str]) -> None:
    flat = ["flat_fee", "1200", "--fee-rate", "0.5%", "--start", "2026-01-10", "--on",
            "2026-01-10"]
    # the payoff_quote docstring: 1,200.00 by default, 1,272.00 with no rebate
    assert run_json(capsys, "payoff", *flat)["payoff_amount"] == "1200.00"
    doc = run_json(capsys, "payoff", *flat, "--early-payoff", "no_rebate")
    assert doc["payoff_amount"] == "1272.00" and doc["future_finance_charges"] == "72.00"
    expected = payoff_quote(SEED_PLAN.schedule(), [("2026-02-15", "536.00")],
                            as_of="2026-04-20", terms=ServicingTerms.jd_baitiao())
    doc = run_json(capsys, "payoff", *BEHIND, "--terms", "jd_baitiao")
    assert doc["payoff_amount"] == str(expected) == "5906.99"
    # 5,500 principal + 72 fees + 10.99 penalty + 9 × 36 fees not yet due (no rebate)
    assert (doc["outstanding_principal"], doc["unpaid_fees"], doc["unpaid_penalty"],
            doc["future_finance_charges"]) == ("5500.00", "72.00", "10.99", "324.00")
    code, out, _ = run(capsys, "payoff", *BEHIND, "--terms", "jd_baitiao")
    assert code == 0 and out.startswith("Payoff on 2026-04-20: CNY 5,906.99\n")
    assert "finance charges not yet due    324.00" in out
    rows = run_csv(capsys, "payoff", *BEHIND, "--terms", "jd_baitiao")
    assert rows == [{k: str(v) for k, v in doc.items()}]


def test_daily_interest_by_flags(capsys: pytest.CaptureFixture[str]) -> None:
    # simple daily interest at 18% a year, Actual/365: Jan 15 to Feb 10 is 26 days,
    # 12,000.00 × 0.18 × 26 / 365 = 153.86, so the payment of 1,100.16 repays 946.30;
    # Feb 10 to Mar 1 is 19 days on 11,053.70: 103.57 accrued
    doc = run_json(capsys, "payoff", "annuity", "12000", "--annual-rate", "18%",
                   "--installments", "12", "--start", "2026-01-15", "--payment",
                   "2026-02-10=1100.16", "--on", "2026-03-01", "--interest-method", "daily",
                   "--accrual-rate", "18%", "--accrual-day-count", "act/365f")
    assert (doc["outstanding_principal"], doc["accrued_interest"], doc["payoff_amount"]) == \
        ("11053.70", "103.57", "11157.27")


def test_loan_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    state = loan_state(SEED_PLAN.schedule(), [("2026-02-15", "536.00")], as_of="2026-03-01",
                       terms=ServicingTerms.jd_baitiao())
    path = tmp_path / "loan.json"
    path.write_text(json.dumps(state.to_dict()))
    assert run_json(capsys, "state", "--loan-json", str(path)) == state.report()
    later = loan_state(SEED_PLAN.schedule(), [("2026-02-15", "536.00"),
                                              ("2026-03-20", "545.00")],
                       as_of="2026-04-20", terms=ServicingTerms.jd_baitiao())
    assert run_json(capsys, "state", "--loan-json", str(path), "--payment",
                    "2026-03-20=545.00", "--on", "2026-04-20") == later.report()
    assert run_json(capsys, "payoff", "--loan-json", str(path), "--on", "2026-04-20"
                    )["payoff_amount"] == str(state.on("2026-04-20").payoff_amount)
    for extra in (["--terms", "us_card"], ["--grace-days", "1"], ["--fee-rate", "1%"],
                  ["flat_fee", "100"]):
        code, _, err = run(capsys, "state", "--loan-json", str(path), *extra)
        assert code == 2 and err.startswith("error: --loan-json: "), extra
    path.write_text(json.dumps(SEED_PLAN.to_dict()))
    code, _, err = run(capsys, "state", "--loan-json", str(path))
    assert code == 2 and "--loan-json: must hold a loan_state document" in err


# ------------------------------------------------------------------------------ options


def test_options_json_is_the_library_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    state = loan_state(SEED_PLAN.schedule(), [("2026-02-15", "536.00")], as_of="2026-04-20",
                       terms=ServicingTerms.jd_baitiao())
    options = [[CapitalizeArrears(), ExtendTerm(periods=6)],
               [CapitalizeArrears(), WaiveFees(), ExtendTerm(periods=6)]]
    table = compare(state, options, discount_rate="0.05", monthly_income="1500")
    doc = run_json(capsys, "options", *BEHIND, "--terms", "jd_baitiao", "--income", "1500",
                   "--search", "none", "--option", "capitalize_arrears + extend_term(periods=6)",
                   "--option", "capitalize_arrears+waive_fees+extend_term(periods=6)")
    assert doc["comparison"] == table.to_dict()
    assert doc["search"] == {"mode": "none", "target_payment": "465.00", "found": None}
    rows = run_csv(capsys, "options", *BEHIND, "--terms", "jd_baitiao", "--income", "1500",
                   "--search", "none", "--option", "capitalize_arrears + extend_term(periods=6)")
    assert [r["option"] for r in rows] == ["no change", "capitalize arrears + extend +6"]
    assert rows[1]["first_payment"] == "404.89" and rows[1]["best"] == "True"


def test_options_search_meets_the_target(capsys: pytest.CaptureFixture[str]) -> None:
    state = loan_state(SEED_PLAN.schedule(), [("2026-02-15", "536.00")], as_of="2026-04-20",
                       terms=ServicingTerms.jd_baitiao())
    found = find_option(state, target_payment="465.00")
    # income 1,500 × 31% (HAMP) = 465.00, searched by default (the demo's option)
    doc = run_json(capsys, "options", *BEHIND, "--terms", "jd_baitiao", "--income", "1500")
    assert doc["search"]["found"] == found.name  # type: ignore[union-attr]
    assert doc["comparison"]["rows"][-1]["name"] == found.name  # type: ignore[union-attr]
    assert len(doc["comparison"]["rows"]) == 7  # no change, five usual options, the found
    best = run_json(capsys, "options", *BEHIND, "--target-payment", "465", "--search", "best",
                    "--max-extension", "6", "--fee-rate-step", "0.001", "--objective",
                    "lender_npv")
    assert best["search"]["mode"] == "best" and best["search"]["found"]
    code, out, err = run(capsys, "options", *BEHIND, "--target-payment", "465", "--search",
                         "best", "--max-extension", "6", "--fee-rate-step", "0.001")
    assert code == 0 and "Target payment 465: met by" in out and err == ""


def test_options_search_of_an_interest_bearing_plan(capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    loan = ["annuity", "12000", "--annual-rate", "18%", "--installments", "12", "--start",
            "2026-01-15", "--payment", "2026-02-15=1100.16", "--on", "2026-04-20"]
    schedule = Plan.annuity("12000", annual_rate="0.18", installments=12,
                            start="2026-01-15").schedule()
    assert str(schedule[0].payment) == "1100.16"
    state = loan_state(schedule, [("2026-02-15", "1100.16")], as_of="2026-04-20")
    found = find_option(state, target_payment="900", rate_step="0.01", rate_floor="0.05")
    doc = run_json(capsys, "options", *loan, "--target-payment", "900", "--rate-step", "1%",
                   "--rate-floor", "5%", "--option", "extend_term(periods=3)")
    assert doc["search"]["found"] == found.name  # type: ignore[union-attr]
    code, _, err = run(capsys, "options", *loan, "--target-payment", "900",
                       "--fee-rate-step", "0.001")
    assert code == 2 and err.startswith("error: --fee-rate-step: does not apply to "
                                        "annuity plans (the search lowers their annual rate")


def test_options_no_feasible_option_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "options", *BEHIND, "--target-payment", "100",
                         "--max-extension", "2", "--format", "json")
    assert code == 1
    doc = json.loads(out)  # the comparison is still printed
    assert doc["search"]["found"] is None and doc["search"]["binding"]
    assert err.startswith("error: no option meets the target payment 100: ")


@pytest.mark.parametrize(("argv", "message"), [
    (["--objective", "lender_npv", "--target-payment", "400"],
     "--objective: applies to --search best only"),
    (["--max-deferral", "0.1", "--target-payment", "400", "--search", "best"],
     "--max-deferral: applies to --search first only"),
    (["--rate-step", "0.01"], "--rate-step: applies to a search"),
    (["--rate-step", "0.01", "--target-payment", "400"],
     "--rate-step: does not apply to flat_fee plans (the search lowers their fee rate"),
    (["--search", "first"], "--search: needs --target-payment or --income"),
    (["--affordability", "0.5"], "--affordability: needs --income"),
    (["--target-payment", "400", "--search", "none"],
     "--target-payment: is the search's target; --search none does not search"),
    (["--option", "extend(periods=6)"], "--option: each change must be one of"),
    (["--option", "extend_term(months=6)"], "--option: extend_term has no such argument"),
    (["--option", "extend_term(6)"], "--option: arguments of extend_term must be key=value"),
    (["--cap", "24%"], "--cap: must be NAME=RATE"),
])
def test_options_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str],
                              message: str) -> None:
    code, out, err = run(capsys, "options", *BEHIND, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {message}")


def test_a_restructuring_the_library_refuses_exits_1(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    # a holiday longer than the lender allows (RestructureNotAllowedError)
    code, out, err = run(capsys, "options", *BEHIND, "--option",
                         "payment_holiday(periods=7)")
    assert (code, out) == (1, "") and "Traceback" not in err
    assert err == ("error: periods: a payment holiday of 7 periods is longer than the 6 "
                   "allowed (the lender's max_periods)\n")


# ---------------------------------------------------------------------------- reconcile


def test_reconcile_their_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plan = ["annuity", "2500", "--annual-rate", "0.0824", "--installments", "12", "--start",
            "2024-01-01", "--currency", "USD"]
    ours = tmp_path / "ours.csv"
    code, out, _ = run(capsys, "schedule", *plan, "--format", "csv")
    ours.write_text(out)
    code, out, err = run(capsys, "reconcile", *plan, "--theirs", str(ours))
    assert (code, err) == (0, "") and out.startswith("Your schedule agrees")
    assert run_json(capsys, "reconcile", *plan, "--theirs", str(ours))["matches"] is True
    # the numpy-financial ipmt table (the reconcile docstring): a spreadsheet's cells
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("Period,Principal,Interest\n" + "".join(
        f"{k},{p},{i}\n" for k, (p, i) in enumerate([
            ("200.58", "17.17"), ("201.96", "15.79"), ("203.35", "14.40"),
            ("204.74", "13.01"), ("206.15", "11.60"), ("207.56", "10.18"), ("208.99", "8.76"),
            ("210.42", "7.32"), ("211.87", "5.88"), ("213.32", "4.42"), ("214.79", "2.96"),
            ("216.26", "1.49")], start=1)))
    code, out, err = run(capsys, "reconcile", *plan, "--theirs", str(theirs), "--format",
                         "json")
    doc = json.loads(out)
    library = reconcile(theirs, Plan.annuity("2500", annual_rate="0.0824", installments=12,
                                             start="2024-01-01", currency="USD"))
    assert code == 1 and err == f"error: {len(library.differences)} cells differ\n"
    assert len(doc["differences"]) == len(library.differences) > 0
    assert doc["differences"][0] == {"row": 6, "column": "principal", "theirs": "207.56",
                                     "ours": "207.57", "minor_units": -1}
    assert doc["conventions"] == ["each cell rounded on its own from the unrounded "
                                  "schedule (a spreadsheet table)"]
    code, out, _ = run(capsys, "reconcile", *plan, "--theirs", str(theirs), "--format", "csv",
                       "--no-search")
    assert code == 1 and out.splitlines()[:2] == ["row,column,theirs,ours,minor_units",
                                                  "6,principal,207.56,207.57,-1"]
    # their rows as JSON
    (tmp_path / "theirs.json").write_text(json.dumps([
        {"number": k + 1, "payment": row["payment"]} for k, row in enumerate(csv.DictReader(
            io.StringIO(ours.read_text())))]))
    code, out, _ = run(capsys, "reconcile", *plan, "--theirs", str(tmp_path / "theirs.json"))
    assert code == 0 and "(12 rows; number, payment)" in out
    (tmp_path / "theirs.json").write_text('{"payment": "217.75"}')
    code, _, err = run(capsys, "reconcile", *plan, "--theirs", str(tmp_path / "theirs.json"))
    assert code == 2 and err.startswith("error: their_rows: must be a sequence of rows")
    # a schedule document is compared only
    (tmp_path / "schedule.json").write_text(json.dumps(
        Plan.annuity("2500", annual_rate="0.0824", installments=12, start="2024-01-01",
                     currency="USD").schedule().to_dict()))
    code, out, _ = run(capsys, "reconcile", "--plan-json", str(tmp_path / "schedule.json"),
                       "--theirs", str(ours))
    assert code == 0 and out.startswith("Your schedule agrees")
    code, _, err = run(capsys, "reconcile", "--plan-json", str(tmp_path / "schedule.json"),
                       "--theirs", str(ours), "--no-search")
    assert code == 2 and err.startswith("error: --no-search: a schedule document is compared")
    # a column under a name of their own
    theirs.write_text(theirs.read_text().replace("Interest", "Int. charged"))
    code, out, _ = run(capsys, "reconcile", *plan, "--theirs", str(theirs), "--column",
                       "interest=Int. charged", "--format", "json")
    assert code == 1 and "interest" in json.loads(out)["columns"]


# ------------------------------------------------------------------------- demo, errors


def test_demo_is_the_default_and_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    text = demo_text()
    for argv in ([], ["demo"]):
        code, out, err = run(capsys, *argv)
        assert (code, out, err) == (0, text + "\n", "")
    assert "capitalize arrears + waive fees + extend +6 *" in text
    code, _, err = run(capsys, "demo", "--format", "json")
    assert code == 2 and "unrecognized arguments: --format" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["schedule", "annuity", "1000", "--annual-rate", "8%", "--start", "2024-02-30"],
     "error: start: must be a valid calendar date"),
    (["schedule", "annuity", "10,00x", "--annual-rate", "8%", "--start", "2024-01-01"],
     "error: principal: must be a plain decimal number"),
    (["schedule", "flat_fee", "1000", "--fee-rate", "lots", "--start", "2024-01-01"],
     "error: fee_rate: "),
    (["schedule", "annuity", "1000", "--start", "2024-01-01"],
     "error: --annual-rate: is required for annuity"),
    (["schedule", "flat_fee", "1000", "--start", "2024-01-01"],
     "error: --fee-rate: is required for flat_fee"),
    (["schedule", "annuity", "1000", "--annual-rate", "8%"], "error: --start: is required"),
    (["schedule", "rows", "1000", "--start", "2024-01-01"], "error: --rows: is required"),
    (["schedule"], "error: kind: give a plan kind and a principal"),
    (["schedule", "balloon", "1000"], "error: argument kind: invalid choice: 'balloon'"),
    (["schedule", "annuity", "1000", "--annual-rate", "8%", "--start", "2024-01-01",
      "--compounding-per-year", "two"], "error: --compounding-per-year: must be a whole"),
    (["schedule", "--plan-json", "/nonexistent/plan.json"],
     "error: --plan-json: cannot read '/nonexistent/plan.json'"),
    (["state", *SEED], "error: --on: is required"),
    (["state", *SEED, "--on", "2026-13-01"], "error: --on: must be a valid calendar date"),
    (["state", *SEED, "--on", "2026-04-01", "--payment", "2026-02-15"],
     "error: --payment: must be DATE=AMOUNT"),
    (["state", *SEED, "--on", "2026-04-01", "--payment", "2026-02-15=abc"],
     "error: payment"),
    (["state", *SEED, "--on", "2026-04-01", "--payments", "/nonexistent.csv"],
     "error: --payments: cannot read '/nonexistent.csv'"),
    (["state", *SEED, "--on", "2026-04-01", "--late-fee", "amount=10"],
     "error: --late-fee: needs days=N"),
    (["state", *SEED, "--on", "2026-04-01", "--grace-days", "x"],
     "error: argument --grace-days: invalid int value"),
    (["state", *SEED, "--on", "2026-04-01", "--terms", "bank"],
     "error: argument --terms: invalid choice"),
    (["state", *SEED, "--on", "2026-04-01", "--delinquency-buckets", "30,sixty"],
     "error: --delinquency-buckets: must be whole numbers"),
    (["disclose", *SEED, "--standard", "uk"], "error: argument --standard: invalid choice"),
    (["reconcile", *SEED, "--theirs", "/nonexistent.csv"],
     "error: --theirs: cannot read '/nonexistent.csv': No such file or directory"),
    (["reconcile", *SEED], "error: the following arguments are required: --theirs"),
    (["schedule", *SEED, "--format", "xml"], "error: argument --format: invalid choice"),
    (["nonsense"], "error: argument COMMAND: invalid choice"),
])
def test_usage_errors_exit_2_with_a_message(capsys: pytest.CaptureFixture[str],
                                            argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err


def test_payments_file_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00date,amount\x81\n")
    for command in (["state", *SEED, "--on", "2026-04-01", "--payments"],
                    ["reconcile", *SEED, "--theirs"], ["schedule", "rows", "100", "--start",
                                                      "2024-01-01", "--rows"]):
        code, _, err = run(capsys, *command, str(binary))
        assert code == 2 and err.endswith(f"{str(binary)!r} is not UTF-8 text\n"), command
    code, _, err = run(capsys, "state", *SEED, "--on", "2026-04-01", "--payments",
                       str(tmp_path))
    assert code == 2 and err.startswith(f"error: --payments: cannot read {str(tmp_path)!r}")
    bad = tmp_path / "bad.csv"
    bad.write_text("when,paid\n2026-02-15,536\n")
    code, _, err = run(capsys, "state", *SEED, "--on", "2026-04-01", "--payments", str(bad))
    assert code == 2 and "--payments: " in err and "date and amount" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run(capsys, "state", *SEED, "--on", "2026-04-01", "--payments", str(bad))
    assert code == 2 and err.startswith("error: --payments: ") and "is not JSON" in err
    bad.write_text('[{"day": "2026-02-15"}]')
    code, _, err = run(capsys, "state", *SEED, "--on", "2026-04-01", "--payments", str(bad))
    assert code == 2 and "item 0 must be" in err


def test_plan_json_from_standard_input(capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(SEED_PLAN.to_dict())))
    assert run_json(capsys, "schedule", "--plan-json", "-")["installments"] == \
        rows_of(SEED_PLAN)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from bnpl_restructure import __version__

    assert run(capsys, "--version") == (0, f"bnpl-restructure {__version__}\n", "")


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "Exit codes" in out
    for command in ("schedule", "disclose", "state", "payoff", "options", "reconcile"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0 and "--format" in out, command


# ----------------------------------------------------------------------- subprocesses


def _python(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get(
        "PYTHONPATH", ""), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "bnpl_restructure", *argv],
                          capture_output=True, text=True, env=env, timeout=120, check=False,
                          encoding="utf-8")


def test_python_m_demo_and_json_in_a_subprocess() -> None:
    demo = _python("demo")
    assert (demo.returncode, demo.stderr) == (0, "")
    assert demo.stdout == demo_text() + "\n"
    done = _python("schedule", *SEED, "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["installments"] == rows_of(SEED_PLAN)


def test_exit_codes_in_a_subprocess(tmp_path: Path) -> None:
    usage = _python("schedule", "annuity", "1000", "--annual-rate", "8%", "--start",
                    "2024-01-01", "--fee-rate", "1%")
    assert (usage.returncode, usage.stdout) == (2, "")
    assert usage.stderr.startswith("error: --fee-rate: does not apply to annuity plans")
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("number,payment\n1,500.00\n")
    differ = _python("reconcile", *SEED, "--theirs", str(theirs))
    assert differ.returncode == 1 and "Traceback" not in differ.stderr
    # row 1's payment (536.00 against their 500.00) and our rows 2 to 12 they lack
    assert differ.stderr == "error: 12 cells differ\n"


def test_console_script() -> None:
    script = Path(sys.executable).parent / "bnpl-restructure"
    if not script.exists():
        pytest.skip("the package is not installed with its console script here")
    done = subprocess.run([str(script), "payoff", *BEHIND, "--terms", "jd_baitiao",
                           "--format", "csv"], capture_output=True, text=True, timeout=120,
                          check=False, encoding="utf-8")
    assert done.returncode == 0 and done.stdout.splitlines()[1].startswith(
        "2026-04-20,CNY,5906.99,5500.00,")
