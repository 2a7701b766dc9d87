"""The docs site (mkdocs.yml): it builds with ``--strict``, and its tables cannot go stale.

- ``mkdocs build --strict`` runs the whole site: every page, every API reference page
  generated from the docstrings by mkdocstrings, every cross-reference (a Sphinx role in a
  docstring that names nothing fails the build, see ``docs/reference/sphinx_roles.py``).
  It needs the docs packages (in the ``test`` and ``docs`` extras); without them the build
  test is skipped, the others still run.
- The regulation traceability table (``docs/explanation/traceability.md``) names
  implementations and tests: each must import or exist.
- The reference pages cover every public module and every name the package exports.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import bnpl_restructure

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TRACEABILITY = DOCS / "explanation" / "traceability.md"
REFERENCE = DOCS / "reference"

CODE = re.compile(r"`([^`]+)`")
TEST_ID = re.compile(r"^(tests/[\w/]+\.py)::(\w+)$")
OBJECT_PATH = re.compile(r"^bnpl_restructure(\.\w+)*$")


def _table(text: str, header: str) -> list[list[str]]:
    """The cells of each body row of the Markdown table whose header row is ``header``."""
    lines = text.splitlines()
    start = next(k for k, line in enumerate(lines) if line.strip() == header)
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def _resolve(path: str) -> Any:
    """Import ``bnpl_restructure.a.b.C.d``: the longest importable module, then attributes."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(path)


def _traceability_rows() -> list[list[str]]:
    text = TRACEABILITY.read_text(encoding="utf-8")
    return _table(text, "| rule | implemented in | asserted by |")


def test_traceability_table_has_rows_with_an_implementation_and_a_test() -> None:
    rows = _traceability_rows()
    assert len(rows) >= 30
    for rule, implemented, asserted in rows:
        assert CODE.findall(implemented), f"no implementation named for {rule}"
        assert CODE.findall(asserted), f"no test named for {rule}"
    cited = " ".join(row[0] for row in rows)
    for source in ("Appendix J", "1026.22", "1026.18", "2008/48/EC", "2023/2225",
                   "PBOC Announcement [2021] No. 3", "SI 2004/1483", "Fineract",
                   "Rule of 78", "Civil Code Art. 561"):
        assert source in cited, source


def test_every_implementation_in_the_traceability_page_imports() -> None:
    rows = _traceability_rows()  # every rule implemented is asserted by a test
    paths = [path for row in rows for path in CODE.findall(row[1])]
    assert len(paths) >= 50
    for path in paths:
        assert OBJECT_PATH.match(path), f"not a library path: {path!r}"
        assert _resolve(path) is not None, path


def test_every_test_in_the_traceability_page_exists() -> None:
    names = [name for row in _traceability_rows() for name in CODE.findall(row[2])]
    assert len(names) >= 60
    sources: dict[str, str] = {}
    for name in names:
        match = TEST_ID.match(name)
        assert match, f"not a test id (tests/file.py::test_name): {name!r}"
        file, test = match.groups()
        if file not in sources:
            assert (ROOT / file).is_file(), f"no such test file: {file}"
            sources[file] = (ROOT / file).read_text(encoding="utf-8")
        assert re.search(rf"^\s*def {test}\(", sources[file], re.MULTILINE), \
            f"{file} has no test {test}"


def test_the_checks_catch_a_stale_entry() -> None:
    with pytest.raises(AttributeError):
        _resolve("bnpl_restructure.regz.reg_z_apr_renamed")
    with pytest.raises(ModuleNotFoundError):
        _resolve("bnpl_restructure_gone.regz")
    assert not TEST_ID.match("tests/test_regz.py::test a name")


def _shown_modules() -> set[str]:
    return {match for page in REFERENCE.glob("*.md")
            for match in re.findall(r"^:::\s+([\w.]+)\s*$", page.read_text(encoding="utf-8"),
                                    re.MULTILINE)}


def test_every_public_module_has_a_reference_page() -> None:
    # top-level modules and the testing toolkit's modules; the servicing and restructure
    # packages are documented through what they export
    modules = {f"bnpl_restructure.{info.name}" for info in
               pkgutil.iter_modules(bnpl_restructure.__path__) if not info.name.startswith("_")}
    import bnpl_restructure.testing as testing

    modules |= {f"bnpl_restructure.testing.{info.name}"
                for info in pkgutil.iter_modules(testing.__path__)}
    assert modules - _shown_modules() == set()


def test_the_reference_index_links_every_exported_name() -> None:
    text = (REFERENCE / "index.md").read_text(encoding="utf-8")
    for name in bnpl_restructure.__all__:
        target = getattr(bnpl_restructure, name)
        module = getattr(target, "__module__", None) or target.__name__
        assert re.search(rf"\[`{name}`\]\[bnpl_restructure(\.\w+)*\]", text), name
        assert module.startswith("bnpl_restructure")


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocstrings_handlers.python")
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    for page in ("index.html", "tutorial/index.html", "explanation/traceability/index.html",
                 "howto/lending-app/index.html", "reference/regz/index.html"):
        assert (site / page).is_file(), page
    regz = (site / "reference" / "regz" / "index.html").read_text(encoding="utf-8")
    assert 'id="bnpl_restructure.regz.reg_z_apr"' in regz
    # roles became links: Sphinx markup never reaches a page
    reference = " ".join(page.read_text(encoding="utf-8")
                         for page in (site / "reference").rglob("*.html"))
    assert ":class:" not in reference and ":func:" not in reference
    assert reference.count('class="autorefs autorefs-internal"') > 1000


def test_roles_become_links_and_a_role_naming_nothing_is_reported(
        caplog: pytest.LogCaptureFixture) -> None:
    griffe = pytest.importorskip("griffe")
    sys.path.insert(0, str(REFERENCE))
    try:
        sphinx_roles = importlib.import_module("sphinx_roles")
    finally:
        sys.path.remove(str(REFERENCE))
    extension = sphinx_roles.SphinxRoles()
    package = griffe.load("bnpl_restructure", search_paths=[str(ROOT)],
                          extensions=griffe.load_extensions(extension))
    core = package["core"]
    assert "one per [`Columns`][bnpl_restructure.core.Columns] field." in \
        core["KernelResult"].docstring.value
    # shown under the package that re-exports it; the standard library as code
    rewrite = sphinx_roles.ROLE.sub
    assert rewrite(lambda m: extension._rewrite(core, m), ":class:`~decimal.Decimal`") \
        == "`Decimal`"
    servicing = package["servicing"]
    assert rewrite(lambda m: extension._rewrite(servicing, m), ":func:`loan_state`") \
        == "[`loan_state()`][bnpl_restructure.servicing.loan_state]"
    with caplog.at_level("WARNING"):
        assert rewrite(lambda m: extension._rewrite(core, m), ":class:`Row`") == "`Row`"
    assert "class role names 'Row', which is neither in the library" in caplog.text
