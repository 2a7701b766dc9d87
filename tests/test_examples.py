"""The example scripts run and exit 0, and the notebook's code runs (examples/README.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("script", "args", "expect"), [
    ("seed_story.py", [], "13.03%"),
    ("compare_plans.py", [], "annuity"),
    ("hardship.py", [], "capitalize arrears + extend +6"),
    ("portfolio.py", ["--loans", "2000"], "2,000"),
])
def test_example_script_runs(script: str, args: list[str], expect: str) -> None:
    env = {**os.environ,
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, str(ROOT / "examples" / script), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert expect in done.stdout


def test_notebook_is_valid_json_and_its_code_runs() -> None:
    nb = json.loads((ROOT / "examples" / "notebook.ipynb").read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4
    namespace: dict[str, object] = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), "notebook", "exec"), namespace)
