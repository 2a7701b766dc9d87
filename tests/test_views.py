"""Notebook views (``_repr_html_``: the key figures, a small table, every cell escaped) and
``to_pandas`` with numeric money columns (float major units by default, int64 minor
units, or exact Decimals)."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

import pytest

from bnpl_restructure import Plan
from bnpl_restructure._html import card, table
from bnpl_restructure.disclosure import disclose
from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.examples import seed_plan
from bnpl_restructure.money import format_money
from bnpl_restructure.restructure import (
    CapitalizeArrears,
    Comparison,
    ExtendTerm,
    compare,
    restructure,
)
from bnpl_restructure.servicing import LoanState, ServicingTerms, loan_state


def _state() -> LoanState:
    """The seed's borrower two installments behind (examples/hardship.py)."""
    return loan_state(seed_plan().schedule(), [("2026-02-15", "536.00")], as_of="2026-04-20",
                      terms=ServicingTerms.jd_baitiao())


def _facts(page: str) -> tuple[str, dict[str, str]]:
    """The view's title and its line of key figures as ``{label: value}``, unescaped."""
    title, line = re.findall(r"<p[^>]*>(.*?)</p>", page)[:2]
    pairs = re.findall(r"(?:^| · )(.*?) <b>(.*?)</b>", line)
    return html.unescape(title.removeprefix("<b>").removesuffix("</b>")), {
        html.unescape(k): html.unescape(v) for k, v in pairs}


def _rows(page: str) -> list[list[str]]:
    """The cells of every table row, in order, unescaped."""
    return [[html.unescape(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", page)]


def _balanced(page: str) -> bool:
    """Every tag opened is closed, in order (the page is well formed)."""
    stack = []
    for closing, name in re.findall(r"<(/?)(\w+)[^>]*>", page):
        if name == "br":
            continue
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


# ---------------------------------------------------------------------- HTML views


def test_html_pieces_escape_every_cell() -> None:
    page = card("<b>title</b>", [("a&b", "<1>")], ["x", "<y>"], [["<td>", "'q'"]],
                footer=["f", "&"])
    assert "<b>title</b>" not in page and "&lt;b&gt;title&lt;/b&gt;" in page
    assert "a&amp;b <b>&lt;1&gt;</b>" in page
    assert "&lt;td&gt;" in page and "&#x27;q&#x27;" in page
    assert '<th style="text-align:right">&amp;</th>' in page
    assert _balanced(page)
    assert "<table>" not in card("t", [], ["h"], [])  # no rows, no table
    assert table(["a", "b", "c"], [["1", "2", "3"]], left=2).count("text-align:left") == 4


def test_plan_view_has_its_key_figures_and_terms() -> None:
    page = seed_plan()._repr_html_()
    assert _facts(page) == (repr(seed_plan()), {
        "payment": "536.00", "total of payments": "6,432.00", "interest + fees": "432.00"})
    assert _rows(page)[1:4] == [["principal", "CNY 6,000.00"],
                                ["installments", "12 × monthly"],
                                ["due", "2026-02-15 .. 2027-01-15"]]
    assert "&#x27;half_up&#x27;" in page and "'half_up'" not in page  # escaped
    assert _balanced(page)
    annuity = Plan.annuity("1000", annual_rate="12%", installments=3, start="2026-01-15")
    assert _facts(annuity._repr_html_())[1]["payment"] == "340.02 first, 340.03 last"


def test_loan_state_view_shows_what_is_owed_and_late() -> None:
    state = _state()
    page = state._repr_html_()
    assert _facts(page) == ("Loan on 2026-04-20 (CNY, opened 2026-01-15, terms jd_baitiao)", {
        "payoff": f"{state.payoff_amount:,}", "overdue": f"{state.overdue_amount:,}",
        "days past due": f"{state.days_past_due} ({state.bucket})",
        "paid so far": "536.00"})
    assert state.days_past_due == 36 and state.bucket == "31-60"
    rows = _rows(page)
    assert rows[:4] == [["owed", "CNY"], ["principal outstanding", "5,500.00"],
                        ["fees unpaid", "72.00"], ["penalty unpaid", f"{state.unpaid_penalty:,}"]]
    assert rows[4:] == [["#", "due date", "days", "owed"]] + [
        [str(o.number), o.due_date.isoformat(), str(o.days_past_due), f"{o.total:,}"]
        for o in state.overdue]
    assert [o.number for o in state.overdue] == [2, 3]
    assert page.count("<tr>") == 1 + 3 + 1 + len(state.overdue) and _balanced(page)
    current = loan_state(seed_plan().schedule(), as_of="2026-01-20")
    assert page.count("<table>") == 2 and current._repr_html_().count("<table>") == 1


def test_loan_state_view_marks_an_installment_in_its_grace_days() -> None:
    state = loan_state(seed_plan().schedule(), as_of="2026-02-20",
                       terms=ServicingTerms(grace_days=10))
    assert _rows(state._repr_html_())[-1] == ["1", "2026-02-15", "5 (grace)", "536.00"]
    assert _facts(state._repr_html_())[1]["days past due"] == "0 (current)"


def test_restructuring_view_has_the_option_and_its_schedule() -> None:
    option = restructure(_state(), [CapitalizeArrears(), ExtendTerm(periods=6)])
    page = option._repr_html_()
    assert _facts(page) == ("Restructuring on 2026-04-20: capitalize arrears + extend +6", {
        "due now": f"{option.due_now:,}", "first payment": f"{option.first_payment:,}",
        "installments": str(len(option.installments)),
        "total to pay": format_money(sum(option.schedule.payment), "CNY"),
        "maturity": "2027-07-15"})
    assert option.due_now > 0  # the penalty, not capitalized, is due on the day
    moved = [["capitalized " + what, f"{amount:,}"] for what, amount in
             option.capitalized.items()]
    assert _rows(page)[:len(moved) + 1] == [["moved", "CNY"], *moved]
    assert moved == [["capitalized principal", "1,000.00"], ["capitalized fee", "72.00"]]
    assert "&lt;Schedule CNY" in page  # the schedule's view, escaped
    assert page.count("<tr>") == 2 + len(option.capitalized) + len(option.schedule) + 1
    assert _balanced(page)


def test_comparison_view_marks_the_best_and_escapes_cap_names() -> None:
    table_ = compare(_state(), [[CapitalizeArrears(), ExtendTerm(periods=6)]],
                     discount_rate="0.05")
    page = table_._repr_html_()
    assert table_.best == 0
    assert _facts(page) == ("2 options compared (CNY; no change first)", {
        "best": "no change", "first payment": "536.00", "total to pay": "5,906.99",
        "extra cost": "0.00"})
    assert [row[0] for row in _rows(page)] == [
        "option", "no change *", "capitalize arrears + extend +6"]
    capped = compare(_state(), [[CapitalizeArrears(), ExtendTerm(periods=6)]],
                     discount_rate="0.05", caps={"<cap & more>": "0.10"})
    page = capped._repr_html_()
    assert "&lt;cap &amp; more&gt;" in page and "<cap" not in page
    assert _facts(page)[1]["best"].startswith("none") and _balanced(page)


def test_disclosure_view_is_escaped_and_has_the_rate() -> None:
    page = disclose(seed_plan(), standard="cn")._repr_html_()
    assert "13.03%" in page and "分期还款费用披露 (CNY)" in page and _balanced(page)
    us = disclose(seed_plan(), standard="reg_z")._repr_html_()
    assert "ANNUAL PERCENTAGE RATE" in us and "6,432.00" in us


# ---------------------------------------------------------------------- to_pandas


def test_schedule_to_pandas_money_modes() -> None:
    pd = pytest.importorskip("pandas")
    s = Plan.annuity("1000", annual_rate="12%", installments=3, start="2026-01-15").schedule()
    frame = s.to_pandas()
    assert list(frame.columns) == ["due_date", "payment", "principal", "interest", "fee",
                                   "balance"]
    assert frame.index.name == "number" and list(frame.index) == [1, 2, 3]
    assert all(frame[c].dtype == "float64" for c in frame.columns[1:])
    assert str(frame["due_date"].dtype).startswith("datetime64")
    assert frame["payment"].tolist() == [340.02, 340.02, 340.03]
    assert frame["interest"].tolist() == [10.0, 6.7, 3.37]  # 1% of 1,000 / 669.98 / 336.66
    minor = s.to_pandas(money="minor")
    assert minor["payment"].dtype == "int64" and minor["payment"].tolist() == list(s.payment)
    exact = s.to_pandas(money="decimal")
    assert exact["payment"].tolist() == [Decimal("340.02"), Decimal("340.02"),
                                         Decimal("340.03")]
    assert exact["payment"].sum() == s.total_of_payments
    pd.testing.assert_index_equal(frame.index, exact.index)
    with pytest.raises(InvalidArgumentError) as info:
        s.to_pandas(money="cents")
    assert info.value.argument == "money" and "'float'" in str(info.value)


def test_float_columns_give_back_the_exact_minor_units() -> None:
    pytest.importorskip("pandas")
    for s in (seed_plan().schedule(),
              Plan.annuity("999999999.99", annual_rate="0.1999", installments=36,
                           start="2026-01-31").schedule(),
              Plan.annuity("123456.789", annual_rate="7%", installments=7, currency="BHD",
                           start="2026-01-31").schedule()):
        frame = s.to_pandas()
        scale = 10 ** s.currency.exponent
        for name, column in (("payment", s.payment), ("principal", s.principal_paid),
                             ("interest", s.interest), ("balance", s.balance)):
            assert [round(v * scale) for v in frame[name]] == list(column)


def test_dataframe_plots() -> None:
    pytest.importorskip("pandas")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = seed_plan().schedule().to_pandas()
    ax = frame[["principal", "fee"]].plot.bar(stacked=True)
    assert len(ax.patches) == 24
    assert sorted({round(p.get_height(), 2) for p in ax.patches}) == [36.0, 500.0]
    plt.close("all")


def test_comparison_to_pandas_money_and_rates() -> None:
    pd = pytest.importorskip("pandas")
    table_: Comparison = compare(_state(), [[CapitalizeArrears(), ExtendTerm(periods=6)]],
                                 discount_rate="0.05", monthly_income="1500")
    frame = table_.to_pandas()
    assert frame["name"].tolist() == ["no change", "capitalize arrears + extend +6"]
    for name in ("first_payment", "total_to_pay", "extra_cost", "lender_npv", "npv_change"):
        assert frame[name].dtype == "float64"
        assert frame[name].tolist() == [float(getattr(r, name)) for r in table_.rows]
    assert frame["annual_rate"].tolist() == [float(r.annual_rate or 0) for r in table_.rows]
    assert frame["maturity"].tolist() == [pd.Timestamp(r.maturity) for r in table_.rows]
    minor = table_.to_pandas(money="minor")
    assert minor["total_to_pay"].dtype == "int64"
    assert minor["total_to_pay"].tolist() == [int(r.total_to_pay * 100) for r in table_.rows]
    exact = table_.to_pandas(money="decimal")
    assert exact["total_to_pay"].tolist() == [r.total_to_pay for r in table_.rows]
    assert exact["annual_rate"].tolist() == [r.annual_rate for r in table_.rows]
    no_income = compare(_state(), [], discount_rate="0.05").to_pandas()
    assert no_income["payment_to_income"].isna().all()
    with pytest.raises(InvalidArgumentError):
        table_.to_pandas(money=2)  # type: ignore[arg-type]
    assert date(2027, 1, 15) == frame["maturity"][0].date()
