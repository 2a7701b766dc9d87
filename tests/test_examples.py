"""Every script in examples/ runs and exits 0, printing what it should (examples/README.md);
the notebook is executed by tests/test_notebook.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

SCRIPTS = [
    ("seed_story.py", [], "13.03%"),
    ("compare_plans.py", [], "annuity"),
    ("hardship.py", [], "capitalize arrears + extend +6"),
    ("portfolio.py", ["--loans", "2000"], "2,000"),
]
#: Scripts with their own test below.
TESTED_APART = {"charts.py"}


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MPLBACKEND": "Agg",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize(("script", "args", "expect"), SCRIPTS)
def test_example_script_runs(script: str, args: list[str], expect: str) -> None:
    done = _run(script, *args)
    assert done.returncode == 0, done.stderr
    assert expect in done.stdout


def test_every_example_script_is_run_by_a_test() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py")}
    assert scripts == {name for name, _, _ in SCRIPTS} | TESTED_APART
    listed = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in listed for name in scripts | {"notebook.ipynb"})


def test_charts_script_writes_the_docs_images(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    done = _run("charts.py", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    import matplotlib.image

    sizes = {"schedule.png": (450, 900), "options.png": (480, 1600),
             "fee-rate.png": (450, 800)}  # inches x 100 dpi
    for name, shape in sizes.items():
        assert f"wrote {tmp_path / name}" in done.stdout
        image = matplotlib.image.imread(tmp_path / name)
        assert image.shape[:2] == shape
        assert image.std() > 0.05  # drawn, not a blank page
    # the images in the docs are this script's (regenerate: python examples/charts.py)
    page = (ROOT / "docs" / "howto" / "charts-and-notebooks.md").read_text(encoding="utf-8")
    for name in sizes:
        assert f"../images/{name}" in page
        committed = ROOT / "docs" / "images" / name
        assert matplotlib.image.imread(committed).shape[:2] == sizes[name]
