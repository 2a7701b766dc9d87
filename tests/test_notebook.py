"""examples/notebook.ipynb runs from top to bottom in a Jupyter kernel (nbclient), with the
views and charts it promises; it is stored with its outputs stripped."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"


def _read() -> Any:
    nbformat = pytest.importorskip("nbformat")
    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_is_stored_without_outputs() -> None:
    nb = _read()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    pytest.importorskip("nbformat").validate(nb)


@pytest.fixture(scope="module")
def executed() -> Any:
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    nb = _read()
    env = {"PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel imports this checkout, installed or not
    try:
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(ROOT)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def _outputs(cell: Any, kind: str) -> list[str]:
    out = []
    for output in cell.outputs:
        if output.output_type == "stream":
            if kind == "text/plain":
                out.append(output.text)
        elif kind in output.get("data", {}):
            out.append(output.data[kind])
    return out


def _cell(nb: Any, text: str) -> Any:
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and text in c.source]
    return cell


def test_notebook_runs_without_errors(executed: Any) -> None:
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(o.output_type != "error" for c in code for o in c.outputs)
    assert all(c.execution_count is not None for c in code)


def test_notebook_shows_plan_servicing_and_options(executed: Any) -> None:
    (plan,) = _outputs(_cell(executed, "plan   # the terms"), "text/html")
    assert "Plan.flat_fee(CNY 6,000.00" in plan and "6,432.00" in plan
    (rate,) = _outputs(_cell(executed, "rate = cn_annualized_rate"), "text/plain")
    assert "IRR nominal 13.03%" in rate and "headline 7.20%" in rate
    (cn,) = _outputs(_cell(executed, 'standard="cn")   # in Chinese'), "text/html")
    assert "年化利率" in cn and "13.03%" in cn
    (state,) = _outputs(_cell(executed, "state   # what is owed"), "text/html")
    assert "Loan on 2026-04-20" in state and "5,500.00" in state
    (table,) = _outputs(_cell(executed, "table = compare("), "text/html")
    assert "5 options compared" in table and " *" in table
    (best,) = _outputs(_cell(executed, "best = table.rows"), "text/html")
    assert "Restructuring on 2026-04-20" in best
    (frame,) = _outputs(_cell(executed, "frame = schedule.to_pandas()"), "text/plain")
    assert "536.0" in frame and "Decimal" not in frame
    (total,) = _outputs(_cell(executed, 'money="decimal"'), "text/plain")
    assert total == "Decimal('6432.00')"


@pytest.mark.parametrize("source", ["schedule.plot()", 'fee_rate_chart("0.6%")',
                                    "table.plot()", ".plot.bar(stacked=True"])
def test_notebook_charts_are_drawn(executed: Any, source: str) -> None:
    images = _outputs(_cell(executed, source), "image/png")
    assert len(images) == 1 and len(images[0]) > 10_000  # base64 of a real figure
