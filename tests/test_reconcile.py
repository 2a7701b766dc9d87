"""Reconciling another system's schedule: cell-by-cell differences and the convention
search (``bnpl_restructure.testing.reconcile``), and reading their rows
(``bnpl_restructure.records``)."""

from __future__ import annotations

import io
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bnpl_restructure import Plan, RoundingPolicy
from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.records import read_rows
from bnpl_restructure.testing.reconcile import reconcile
from tests.test_conventions import NPF_IPMT_TABLE, RS03

D = Decimal


def _rows(plan: Plan) -> list[dict[str, str]]:
    s = plan.schedule()
    return [{"date": d.isoformat(), "payment": str(r.payment), "principal": str(r.principal),
             "interest": str(r.interest), "balance": str(r.balance)}
            for d, r in zip(s.due_dates, s, strict=True)]


def test_one_interest_cell_off_by_two_cents_is_found_and_not_explained() -> None:
    """The case that passed check_schedule: their row 7 interest is 2 cents high (and the
    row still adds up, their principal 2 cents low)."""
    plan = Plan.annuity("10000", annual_rate="0.08", installments=12, start="2024-01-15",
                        currency="USD")
    theirs = _rows(plan)
    theirs[6]["interest"] = str(D(theirs[6]["interest"]) + D("0.02"))
    theirs[6]["principal"] = str(D(theirs[6]["principal"]) - D("0.02"))
    result = reconcile(theirs, plan)
    assert not result.matches and result.matched is None
    assert [str(d) for d in result.differences] == [
        f"row 7 principal: theirs {theirs[6]['principal']}, ours "
        f"{D(theirs[6]['principal']) + D('0.02')} (-2 minor units)",
        f"row 7 interest: theirs {theirs[6]['interest']}, ours "
        f"{D(theirs[6]['interest']) - D('0.02')} (+2 minor units)"]
    assert result.first_difference is not None and result.first_difference.row == 7
    assert "No convention searched reproduces it exactly" in result.explanation or \
        "No convention searched helps" in result.explanation


def test_fineract_rs03_conventions_are_found() -> None:
    """Apache Fineract's fixture RS03 (tests/test_conventions.py) against the plan as a
    team would first write it (1% a month, cents, half-up): the search names what their
    system does."""
    theirs = [{"Due Date": d, "Balance": b, "Principal": p, "Interest": i, "Due": due}
              for d, b, p, i, due in RS03]
    plan = Plan.annuity("5000", annual_rate="0.12", installments=18, start="2022-11-01",
                        currency="EUR")
    started = time.perf_counter()
    result = reconcile(theirs, plan)
    elapsed = time.perf_counter() - started
    assert result.matched is not None, result.explanation
    # in whole units the payment solved either way rounds to 305: two options suffice
    assert result.conventions == ("installments in multiples of 1 (rounded half-up)",
                                  "interest by the act/365f day count")
    assert reconcile(theirs, result.matched).matches
    assert "reproduced exactly with" in result.explanation
    assert elapsed < 30  # a sanity bound only; speed is measured by benchmarks


def test_a_spreadsheet_table_from_a_csv_file(tmp_path: Path) -> None:
    """numpy-financial's ipmt docstring table, as a CSV file with spreadsheet signs."""
    path = tmp_path / "theirs.csv"
    lines = ["Period,PPMT,IPMT,Balance"] + [
        f"{k},-{p},-{i},{b}" for k, (p, i, b) in enumerate(NPF_IPMT_TABLE, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = Plan.annuity("2500", annual_rate="0.0824", installments=12, start="2024-01-01",
                        currency="USD")
    result = reconcile(path, plan)
    assert result.matched_as_cells and result.conventions == (
        "each cell rounded on its own from the unrounded schedule (a spreadsheet table)",)
    assert result.columns == ("number", "principal", "interest", "balance")
    with path.open(encoding="utf-8") as handle:  # an open file reads the same
        assert reconcile(handle, plan).conventions == result.conventions


@pytest.mark.parametrize(("their_plan", "expected"), [
    (Plan.annuity("150000", annual_rate="0.07", installments=360, start="2024-01-01",
                  currency="USD", last_installment="level"),
     ("the level payment kept on the last row",)),
    (Plan.annuity("150000", annual_rate="0.07", installments=360, start="2024-01-01",
                  currency="USD", rounding=RoundingPolicy(balance="exact")),
     ("the balance and the payment carried unrounded, shown rounded (spreadsheet style)",)),
])
def test_long_schedules_are_explained(their_plan: Plan, expected: tuple[str, ...]) -> None:
    plan = Plan.annuity("150000", annual_rate="0.07", installments=360, start="2024-01-01",
                        currency="USD")
    assert reconcile(their_plan.schedule(), plan).conventions == expected


def test_agreeing_schedules_and_a_schedule_as_the_reference() -> None:
    plan = Plan.flat_fee("6000", fee_rate="0.006", installments=12, start="2026-01-15")
    same = reconcile(_rows(plan), plan)
    assert same.matches and same.conventions == () and same.first_difference is None
    assert same.explanation.startswith("Your schedule agrees")
    assert repr(same) == "<Reconciliation 12 rows: matches>"
    shorter = _rows(plan)[:10]
    result = reconcile(shorter, plan.schedule())  # a Schedule: compared, not searched
    assert [str(d) for d in result.differences] == ["row 11 row: theirs absent, ours present",
                                                    "row 12 row: theirs absent, ours present"]
    assert "<table>" in result._repr_html_()


def test_reading_rows_in_the_forms_other_systems_write() -> None:
    rows = read_rows([
        {"#": "1", "Due Date": "2024-02-01", "Installment Amount": "$1,037.03",
         "Principal_Due": "(970.36)", "Int.": "66.67", "Fees": "", "Remaining": "9,029.64"},
    ], currency="USD", columns={"interest": "Int."})
    row = rows[0]
    assert (row.number, row.payment, row.principal, row.interest, row.fee, row.balance) == (
        1, 103703, 97036, 6667, None, 902964)
    csv_text = "期数,还款日,月供,本金,利息,手续费\n1,2024-02-15,536.00,500.00,0.00,36.00\n"
    (chinese,) = read_rows(io.StringIO(csv_text))
    assert (chinese.payment, chinese.principal, chinese.fee) == (53600, 50000, 3600)


@pytest.mark.parametrize(("rows", "argument", "says"), [
    ([{"when": "2024-01-01", "what": "1"}], "rows", "no money column"),
    ([{"payment": "1.005"}], "rows[0].payment", "at most 2 decimal places"),
    ([{"payment": "abc"}], "rows[0].payment", ""),
    ([{"payment": "1", "date": "2024-13-01"}], "rows[0].due_date", "valid calendar date"),
    ([{"payment": "1", "period": "one"}], "rows[0].number", "whole number"),
    ([], "rows", "at least one row"),
    ({"payment": "1"}, "rows", "not one mapping"),
    (42, "rows", "sequence of mappings"),
    (["payment"], "rows[0]", "mapping of column names"),
])
def test_unreadable_rows_are_typed_errors(rows: object, argument: str, says: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        read_rows(rows)
    assert caught.value.argument == argument and says in str(caught.value)


def test_reconcile_needs_a_plan_or_a_schedule() -> None:
    with pytest.raises(InvalidArgumentError, match=r"^plan: must be a Plan or a Schedule"):
        reconcile([{"payment": "1"}], "plan")  # type: ignore[arg-type]


def test_a_pandas_frame() -> None:
    pd = pytest.importorskip("pandas")
    plan = Plan.pay_in_4("100.01", start="2024-03-01", currency="USD")
    frame = pd.DataFrame({"payment": [25.0, 25.0, 25.0, 25.01]})
    assert reconcile(frame, plan).matches


@pytest.mark.parametrize("build", [
    lambda r: Plan.flat_fee("1000", fee_rate="0.007", installments=3, start="2024-01-15",
                            rounding=r),
    lambda r: Plan.equal_principal("1000", annual_rate="0.1", installments=3,
                                   start="2024-01-15", rounding=r),
    lambda r: Plan.pay_in_4("100.01", start="2024-01-15", rounding=r),
], ids=["flat_fee", "equal_principal", "pay_in_4"])
def test_the_residual_of_a_split_plan_is_found(build: Any) -> None:
    # the principal split is made when the plan is built: the search rebuilds it
    # (Plan.with_rounding), so "the odd cent on the first installment" is found
    theirs = build(RoundingPolicy(residual="first")).schedule()
    report = reconcile(theirs, build(RoundingPolicy()))
    assert not report.matches
    assert report.conventions == ("the odd minor units on the first installment",)


def test_a_flat_fee_rounded_another_way_is_found() -> None:
    # 1,234.50 x 0.5% = 6.1725 a period: 6.17 rounded half-up, 6.18 rounded up; the fee
    # is rounded when the plan is built, and the search rebuilds it
    build = lambda r: Plan.flat_fee("1234.50", fee_rate="0.005",  # noqa: E731
                                    installments=6, start="2024-01-15", rounding=r)
    theirs = build(RoundingPolicy(interest="up")).schedule()
    assert set(theirs.fee) == {618}
    report = reconcile(theirs, build(RoundingPolicy()))
    assert report.conventions == ("interest rounded up",)
