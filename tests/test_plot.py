"""Charts (bnpl_restructure.plot, the ``plot`` extra), drawn headless with the Agg backend:
what is drawn is the schedule's figures (as floats of the exact amounts), one bar or point
per installment, labelled axes and legends, and a PNG of the expected size."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bnpl_restructure import Plan  # noqa: E402
from bnpl_restructure.apr import fee_rate_table  # noqa: E402
from bnpl_restructure.errors import InvalidArgumentError  # noqa: E402
from bnpl_restructure.examples import seed_plan  # noqa: E402
from bnpl_restructure.plot import (  # noqa: E402
    balance_chart,
    cost_relief_chart,
    fee_rate_chart,
    options_chart,
    payments_chart,
    schedule_chart,
)
from bnpl_restructure.restructure import (  # noqa: E402
    CapitalizeArrears,
    Comparison,
    ExtendTerm,
    PaymentHoliday,
    compare,
)
from bnpl_restructure.schedule import Schedule  # noqa: E402
from bnpl_restructure.servicing import loan_state  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _axes() -> Axes:
    return Figure().add_subplot()


def _floats(column: tuple[int, ...], schedule: Schedule) -> list[float]:
    """The exact amounts (Decimal major units) as floats."""
    return [float(schedule.currency.to_major(v)) for v in column]


def _heights(ax: Axes, k: int, places: int = 2) -> list[float]:
    """Bar heights of container ``k`` rounded to the currency's places (matplotlib stores
    a stacked bar's height as top - bottom, off by an ulp or so)."""
    return [round(float(bar.get_height()), places) for bar in ax.containers[k]]


def _hardship() -> Comparison:
    """The seed's borrower, two installments behind on 2026-04-20 (examples/hardship.py)."""
    state = loan_state(seed_plan().schedule(), [("2026-02-15", "536.00")],
                       as_of="2026-04-20")
    return compare(state, [[CapitalizeArrears(), ExtendTerm(periods=6)],
                           [CapitalizeArrears(), PaymentHoliday(periods=2)]],
                   discount_rate="0.05", monthly_income="1500")


# ------------------------------------------------------------------ schedule chart


def test_schedule_chart_draws_each_part_of_each_installment() -> None:
    s = Plan.annuity("1200", annual_rate="12%", installments=6, start="2026-01-15",
                     fee="2.50").schedule()
    ax = schedule_chart(s, ax=_axes())
    assert [c.get_label() for c in ax.containers] == ["principal", "interest", "fee"]
    assert all(len(c) == len(s) == 6 for c in ax.containers)
    assert _heights(ax, 0) == _floats(s.principal_paid, s)
    assert _heights(ax, 1) == _floats(s.interest, s)
    assert _heights(ax, 1)[:2] == [12.0, 10.05]  # 1% of 1,200.00; of 1,004.94, half-up
    assert _heights(ax, 2) == [2.5] * 6
    # stacked: interest on principal, fee on both; the top of each stack is the payment
    assert [round(b.get_y(), 2) for b in ax.containers[1]] == _floats(s.principal_paid, s)
    tops = [round(b.get_y() + b.get_height(), 2) for b in ax.containers[2]]
    assert tops == _floats(s.payment, s)
    assert [b.get_x() + b.get_width() / 2 for b in ax.containers[0]] == [1, 2, 3, 4, 5, 6]


def test_schedule_chart_balance_line_legend_and_labels() -> None:
    s = seed_plan().schedule()
    ax = schedule_chart(s, ax=_axes())
    twin = ax.figure.axes[-1]
    assert twin is not ax
    (line,) = twin.get_lines()
    assert list(line.get_xdata()) == list(range(1, 13))
    assert [float(y) for y in line.get_ydata()] == _floats(s.balance, s)
    assert [float(y) for y in line.get_ydata()][:2] == [5500.0, 5000.0]
    legend = twin.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "principal", "interest", "fee", "balance after payment (right axis)"]
    assert ax.get_xlabel() == "installment number"
    assert ax.get_ylabel() == "CNY per installment"
    assert twin.get_ylabel() == "principal balance, CNY"
    assert ax.get_title() == "6,000.00 CNY in 12 installments: 6,432.00 to pay"
    assert schedule_chart(s, ax=_axes(), title="").get_title() == ""


def test_schedule_chart_of_a_view_keeps_the_installment_numbers() -> None:
    rest = seed_plan().schedule().after("2026-06-15")
    ax = schedule_chart(rest, ax=_axes())
    assert [b.get_x() + b.get_width() / 2 for b in ax.containers[0]] == list(range(6, 13))
    assert _heights(ax, 2) == [36.0] * 7


def test_schedule_chart_in_yen_has_whole_amounts() -> None:
    s = Plan.annuity("100000", annual_rate="15%", installments=3, start="2026-01-15",
                     currency="JPY").schedule()
    ax = schedule_chart(s, ax=_axes())
    assert ax.get_ylabel() == "JPY per installment"
    assert _heights(ax, 1, 0) == _floats(s.interest, s) == [1250.0, 839.0, 422.0]  # 1.25%, half-up
    assert ax.yaxis.get_major_formatter()(1250.0) == "1,250"


def test_schedule_plot_method_delegates() -> None:
    s = seed_plan().schedule()
    ax = s.plot()
    assert isinstance(ax, Axes) and plt.gcf() is ax.figure  # a new pyplot figure
    assert _heights(ax, 0) == _floats(s.principal_paid, s)
    mine = _axes()
    assert s.plot(ax=mine) is mine


def test_chart_saved_as_png_has_the_expected_size(tmp_path: Path) -> None:
    ax = schedule_chart(seed_plan().schedule(), ax=Figure(figsize=(6, 4)).add_subplot())
    out = tmp_path / "schedule.png"
    ax.figure.savefig(out, dpi=50)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000
    image = matplotlib.image.imread(out)
    assert image.shape[:2] == (200, 300)  # 4 x 6 inches at 50 dpi
    colours = {tuple(pixel) for pixel in image.reshape(-1, image.shape[2])[::7].tolist()}
    assert len(colours) > 10  # drawn, not blank
    principal = tuple(int(COLOR[i:i + 2], 16) for i in (1, 3, 5))
    rgb = {tuple(round(c * 255) for c in p[:3]) for p in colours}
    assert principal in rgb  # the principal bars are there, in their colour


COLOR = "#4C72B0"  # bnpl_restructure.plot.COLORS["principal"]


@pytest.mark.parametrize(("call", "argument"), [
    (lambda: schedule_chart("not a schedule"), "schedule"),  # type: ignore[arg-type]
    (lambda: schedule_chart(seed_plan().schedule().after("2027-02-01")), "schedule"),
    (lambda: schedule_chart(seed_plan().schedule(), ax="left"), "ax"),
    (lambda: balance_chart(seed_plan().schedule()), "comparison"),  # type: ignore[arg-type]
    (lambda: options_chart(_hardship(), figure=_axes()), "figure"),
    (lambda: fee_rate_chart("0.6%", installments=()), "installments"),
    (lambda: fee_rate_chart("0.6%", installments="12"), "installments"),
    (lambda: fee_rate_chart("-1%"), "fee_rate"),
])
def test_bad_arguments_are_named(call: Any, argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        call()
    assert info.value.argument == argument


def test_charts_without_matplotlib_say_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'bnpl_restructure\[plot\]'"):
        schedule_chart(seed_plan().schedule())


def test_the_library_imports_neither_matplotlib_nor_pandas() -> None:
    code = ("import sys, bnpl_restructure, bnpl_restructure.plot, bnpl_restructure.restructure;"
            "print(sorted(m for m in ('matplotlib', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip() == "[]"


# ---------------------------------------------------------------- options compared


def test_balance_chart_one_step_line_per_option() -> None:
    table = _hardship()
    ax = balance_chart(table, ax=_axes())
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == [
        "no change", "capitalize arrears + extend +6 *",
        "capitalize arrears + holiday 2 (capitalize, shift)"]
    for line, row in zip(lines, table.rows, strict=True):
        assert row.option is not None
        s = row.option.schedule
        assert list(line.get_xdata()) == [s.start, *s.due_dates]
        assert [float(y) for y in line.get_ydata()] == _floats((s.principal, *s.balance), s)
        assert line.get_drawstyle() == "steps-post"
    assert lines[0].get_linestyle() == "--"
    assert ax.get_ylabel() == "principal balance, CNY"
    # no change: 5,500.00 owed on 2026-04-20, two overdue rows due that day, then 9 to come
    assert [float(y) for y in lines[0].get_ydata()][:3] == [5500.0, 4500.0, 4000.0]
    assert len(lines[0].get_xdata()) == 11


def test_payments_chart_one_point_per_installment() -> None:
    table = _hardship()
    ax = payments_chart(table, ax=_axes())
    for line, row in zip(ax.get_lines(), table.rows, strict=True):
        assert row.option is not None
        s = row.option.schedule
        assert list(line.get_xdata()) == list(s.due_dates)
        assert [float(y) for y in line.get_ydata()] == _floats(s.payment, s)
    # no change: the two overdue installments (2 x 536.00) due now, then 536.00 a month
    assert [float(y) for y in ax.get_lines()[0].get_ydata()][:3] == [1072.0, 536.0, 536.0]
    assert ax.get_ylabel() == "payment, CNY"


def test_cost_relief_chart_places_each_option() -> None:
    table = _hardship()
    ax = cost_relief_chart(table, ax=_axes())
    points = [c.get_offsets().tolist()[0] for c in ax.collections]
    expected = [[float(r.payment_relief), float(r.extra_cost)] for r in table.rows]
    assert points[:3] == expected
    assert table.best is not None
    assert points[3] == expected[table.best]  # the star on the best option
    assert [c.get_label() for c in ax.collections][-1] == "best (cheapest eligible)"
    assert ax.get_xlabel() == "payment relief (first installment lower by), CNY"
    assert ax.get_ylabel() == "extra cost over no change, CNY"
    # extending by 6 months lowers the first installment and costs more in total
    assert expected[1][0] > 0 and expected[1][1] > 0


def test_options_chart_three_panels_and_one_legend(tmp_path: Path) -> None:
    table = _hardship()
    figure = table.plot()
    assert isinstance(figure, Figure) and len(figure.axes) == 3
    assert [ax.get_title() for ax in figure.axes] == [
        "Balance over time", "Payments over time", "Cost against relief"]
    assert all(ax.get_legend() is None for ax in figure.axes)
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        *(r.name + (" *" if k == table.best else "") for k, r in enumerate(table.rows)),
        "best (cheapest eligible)"]
    figure.savefig(tmp_path / "options.png", dpi=40)
    assert matplotlib.image.imread(tmp_path / "options.png").shape[:2] == (192, 640)
    mine = Figure()
    assert options_chart(table, figure=mine) is mine and len(mine.axes) == 3


def test_a_comparison_without_its_options_cannot_be_charted() -> None:
    table = _hardship()
    bare = dataclasses.replace(table, rows=tuple(dataclasses.replace(r, option=None)
                                                 for r in table.rows))
    with pytest.raises(InvalidArgumentError) as info:
        payments_chart(bare)
    assert info.value.argument == "comparison.rows[0]"


# ---------------------------------------------------------------- fee rate vs true rate


def test_fee_rate_chart_shows_the_true_annual_rate() -> None:
    ax = fee_rate_chart("0.6%", installments=(3, 6, 12, 24), ax=_axes())
    headline, true, effective = ax.get_lines()
    assert list(true.get_xdata()) == [3, 6, 12, 24]
    rows = fee_rate_table("0.006", installments=(3, 6, 12, 24))
    assert [float(y) for y in true.get_ydata()] == [float(r.true_annual * 100) for r in rows]
    assert [float(y) for y in effective.get_ydata()] == [
        float(r.effective_annual * 100) for r in rows]
    assert [float(y) for y in headline.get_ydata()] == [7.2] * 4  # 0.6% x 12
    # 12 months at 0.6%: IRR-APR 13.03%, EAR 13.84% (the toolcool.cn fee calculator)
    assert round(float(true.get_ydata()[2]), 2) == 13.03
    assert round(float(effective.get_ydata()[2]), 2) == 13.84
    assert ax.get_title() == 'What a "0.6% a month" flat fee really costs'
    assert ax.get_ylabel() == "annual rate, % a year"
    assert ax.get_xlabel() == "number of monthly installments"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "headline: fee × 12", "true annual rate (IRR)", "effective annual (compound)"]
    (note,) = ax.texts
    assert note.get_text() == "12 months: looks like 7.20%, costs 13.03%"
    assert ax.yaxis.get_major_formatter()(13.0) == "13%"


def test_fee_rate_chart_default_is_the_seed_fee() -> None:
    ax = fee_rate_chart()
    true = ax.get_lines()[1]
    assert list(true.get_xdata()) == [1, 2, 3, 6, 9, 12, 18, 24, 36]
    # one installment: the fee is paid after one month, so the rate is the headline
    assert float(true.get_ydata()[0]) == 7.2
    assert Decimal(str(true.get_ydata()[5])).quantize(Decimal("0.01")) == Decimal("13.03")
