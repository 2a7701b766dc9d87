"""The package is pure Python: one ``py3-none-any`` wheel, the same figures everywhere."""

from __future__ import annotations

import tomllib
from pathlib import Path

import bnpl_restructure

PACKAGE = Path(bnpl_restructure.__file__).parent
ROOT = PACKAGE.parent


def test_no_compiled_code_in_the_package() -> None:
    compiled = [p.name for p in PACKAGE.rglob("*")
                if p.suffix in {".c", ".h", ".so", ".pyd", ".pyx", ".dll", ".dylib"}]
    assert compiled == []
    assert not (ROOT / "setup.py").exists()


def test_the_build_declares_no_extensions() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "setuptools.build_meta"
    assert "ext-modules" not in project.get("tool", {}).get("setuptools", {})
    assert project["project"]["dependencies"] == ["numpy>=1.26"]
