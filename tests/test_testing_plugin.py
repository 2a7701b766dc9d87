"""The pytest plugin (fixtures, ``--bnpl-vectors``) in in-process pytest runs, and the
shipped reference vectors: every one passes :func:`check`, and ``check`` fails on every
one whose published figure is changed."""

from __future__ import annotations

import ast
import dataclasses
import json
from datetime import date, timedelta
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from hypothesis.vendor.pretty import pretty

import bnpl_restructure.testing.plugin as plugin
from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.testing.vectors import KINDS, Vector, check, load, load_file

pytest_plugins = ["pytester"]

# The plugin is loaded through its pytest11 entry point once the package is installed
# (pip install -e '.[test]'); name it explicitly only where that has not been done.
_INSTALLED = any(e.value == "bnpl_restructure.testing.plugin"
                 for e in entry_points(group="pytest11"))
PLUGIN = [] if _INSTALLED else ["-p", "bnpl_restructure.testing.plugin"]


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", *PLUGIN, *args)


def test_the_entry_point_names_the_plugin() -> None:
    import tomllib

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["pytest11"] == {
        "bnpl_restructure": "bnpl_restructure.testing.plugin"}
    package_data = project["tool"]["setuptools"]["package-data"]
    assert package_data["bnpl_restructure.testing.vectors"] == ["*.json"]


# ------------------------------------------------------------------------ fixtures


def test_fixtures_give_the_common_plans(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_team="""
        from decimal import Decimal

        def test_flat_fee(bnpl_flat_fee_plan):
            row = bnpl_flat_fee_plan.schedule()[0]
            assert (row.principal, row.fee, row.payment) == (
                Decimal("500.00"), Decimal("36.00"), Decimal("536.00"))

        def test_annuity(bnpl_annuity_plan):
            assert bnpl_annuity_plan.schedule()[0].payment == Decimal("1037.03")

        def test_pay_in_4(bnpl_pay_in_4_plan):
            assert [str(r.payment) for r in bnpl_pay_in_4_plan.schedule()] == [
                "25.00", "25.00", "25.00", "25.01"]

        def test_every_common_plan(bnpl_plan):
            schedule = bnpl_plan.schedule()
            assert schedule.balance[-1] == 0

        def test_vectors(bnpl_reference_vectors):
            assert len({v.kind for v in bnpl_reference_vectors}) >= 6
            assert all(v.source for v in bnpl_reference_vectors)
    """)
    result = _run(pytester, "-v")
    result.assert_outcomes(passed=9)  # bnpl_plan: five plans
    result.stdout.fnmatch_lines(["*test_every_common_plan?interest_only? PASSED*"])


def test_strategies_are_registered_for_the_teams_tests(pytester: pytest.Pytester,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    # the plugin registers them after collection when the tests use hypothesis, even if
    # the strategies module was imported (and registered once) long before
    import hypothesis.strategies as st

    registered: list[type] = []
    original = st.register_type_strategy

    def spy(custom_type: type, strategy: Any) -> Any:
        registered.append(custom_type)
        return original(custom_type, strategy)

    monkeypatch.setattr(st, "register_type_strategy", spy)
    pytester.makepyfile(test_team="""
        from hypothesis import given, settings, strategies as st
        from bnpl_restructure import Plan

        @settings(max_examples=5, database=None)
        @given(st.from_type(Plan))
        def test_from_type(plan):
            assert isinstance(plan, Plan)
    """)
    _run(pytester).assert_outcomes(passed=1)
    from bnpl_restructure import Currency, DayCount, Frequency, Plan, Program, RoundingPolicy
    assert set(registered) >= {Plan, Program, RoundingPolicy, Frequency, DayCount, Currency}


def test_loading_the_plugin_imports_neither_hypothesis_nor_anything_heavy() -> None:
    # only pytest and the library at module level: hypothesis is imported by the tests
    # that use it, never by the plugin
    tree = ast.parse(Path(plugin.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "sys", "collections", "pathlib", "typing", "pytest"}


# ---------------------------------------------------------------- --bnpl-vectors

TEAM_VECTORS = {
    "vectors": [
        {"id": "OUR-PMT", "kind": "tvm", "title": "our loan calculator's payment",
         "inputs": {"function": "pmt", "args": ["0.08/12", 10, 10000]},
         "expected": {"value": "-1037.03"}, "source": "our calculator, release 4.2"},
        {"id": "OUR-FLAT-FEE", "kind": "schedule", "title": "our ledger's flat-fee plan",
         "inputs": {"plan": {"kind": "flat_fee", "principal": "1000.00", "fee_rate": "0.007",
                             "installments": 3, "start": "2024-01-15"}},
         "expected": {"rows": [{"number": 3, "principal": "333.34", "fee": "7.01"}]},
         "source": "our ledger export 2024-03"},
    ],
}


def test_a_teams_vectors_file_runs_as_test_items(pytester: pytest.Pytester) -> None:
    path = pytester.path / "vectors.json"
    path.write_text(json.dumps(TEAM_VECTORS), encoding="utf-8")
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    result = _run(pytester, "--bnpl-vectors=vectors.json", "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*vectors.json::OUR-PMT PASSED*",
        "*vectors.json::OUR-FLAT-FEE FAILED*",
        "*vector 'OUR-FLAT-FEE' (schedule: our ledger's flat-fee plan) differs from its "
        "source:*",
        "*row 3 fee: published 7.01, library 7.00*",
        "*source: our ledger export 2024-03*",
    ])
    assert "Traceback" not in result.stdout.str()  # the message alone, no stack


def test_vectors_are_selected_by_id_and_listed(pytester: pytest.Pytester) -> None:
    path = pytester.path / "team.json"
    path.write_text(json.dumps(TEAM_VECTORS["vectors"]), encoding="utf-8")  # a bare list
    _run(pytester, f"--bnpl-vectors={path}", "-k", "PMT").assert_outcomes(passed=1,
                                                                         deselected=1)
    listed = _run(pytester, f"--bnpl-vectors={path}", "--collect-only", "-q")
    listed.stdout.fnmatch_lines(["*team.json::OUR-PMT", "*team.json::OUR-FLAT-FEE"])


def test_without_the_option_nothing_is_added(pytester: pytest.Pytester) -> None:
    (pytester.path / "vectors.json").write_text(json.dumps(TEAM_VECTORS), encoding="utf-8")
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    _run(pytester).assert_outcomes(passed=1)


@pytest.mark.parametrize(("content", "says"), [
    (None, "--bnpl-vectors: no such file: *missing.json"),
    ("{not json", "*is not valid JSON*"),
    (json.dumps([{"id": "X", "kind": "apr", "inputs": {}, "expected": {"a": 1},
                  "source": "s"}]), "*vectors[[]0[]]*kind: must be one of reg_z_apr*"),
    (json.dumps([{"id": "X", "kind": "irr", "inputs": {"values": [-1, 2]},
                  "expected": {"rate": "1"}}]), "*source: must cite where the figures*"),
    (json.dumps([{"id": "X", "kind": "irr", "inputs": {"values": [-1, 2]},
                  "expected": {"rates": "1"}, "source": "s"}]),
     "*unknown key(s) rates for kind 'irr'*"),
])
def test_a_bad_vectors_file_is_a_usage_error(pytester: pytest.Pytester, content: str | None,
                                            says: str) -> None:
    name = "missing.json" if content is None else "bad.json"
    if content is not None:
        (pytester.path / name).write_text(content, encoding="utf-8")
    result = _run(pytester, f"--bnpl-vectors={name}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{says}*"])


# ------------------------------------------------------------- the shipped vectors

SHIPPED = load()


@pytest.mark.parametrize("vector", SHIPPED, ids=[v.id for v in SHIPPED])
def test_every_shipped_vector_passes(vector: Vector) -> None:
    assert vector.source and vector.title
    check(vector)


def test_the_shipped_vectors_cover_each_published_family() -> None:
    ids = {v.id for v in SHIPPED}
    assert {"US-AJ-c1i", "US-AJ-c1ii", "US-AJ-c1iii", "US-AJ-c2i", "US-AJ-c3i",
            "US-AJ-c5i", "EU-98-A1", "EU-98-A3", "XL-PMT-1", "XL-IRR-2", "XL-XIRR-1",
            "NPF-PMT-1", "NPF-IRR-1", "NPF-T-PMT-2", "FINERACT-RS03", "TI-BA2PLUS-11219",
            "HP12C-AMORT-1", "NPF-IPMT-TABLE", "FRAPPE-LENDING-CARRIED"} <= ids
    assert len(ids) == len(SHIPPED)  # ids are unique
    assert {v.kind for v in SHIPPED} == set(KINDS)
    assert [v.id for v in load("eu_aprc")] == ["EU-98-A1", "EU-98-A3"]


def _bump(figure: Any) -> Any:
    """``figure`` changed by one unit of the precision it is compared at."""
    if isinstance(figure, dict):
        if "value" in figure:
            changed = dict(figure)
            if "places" in figure:
                step = Decimal(1).scaleb(-figure["places"])
                changed["value"] = str(Decimal(figure["value"]) + step)
            else:
                changed["value"] = _bump(figure["value"])
            return changed
        key = next(k for k in figure if k != "number")
        return {**figure, key: _bump(figure[key])}
    if isinstance(figure, list):
        return [_bump(figure[0]), *figure[1:]]
    if isinstance(figure, int):
        return figure + 1
    try:
        return (date.fromisoformat(figure) + timedelta(days=1)).isoformat()
    except ValueError:
        number = Decimal(figure)
        return str(number + Decimal(1).scaleb(number.as_tuple().exponent))


def _thawed(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    if hasattr(value, "items"):
        return {k: _thawed(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("vector", SHIPPED, ids=[v.id for v in SHIPPED])
def test_check_fails_when_a_published_figure_changes(vector: Vector) -> None:
    expected = _thawed(vector.expected)
    name = next(iter(expected))
    changed = dataclasses.replace(vector, expected={**expected,
                                                    name: _bump(expected[name])})
    with pytest.raises(AssertionError, match=rf"^vector '{vector.id}' \({vector.kind}"):
        check(changed)


def test_a_failure_names_every_differing_figure_and_the_source() -> None:
    vector = Vector(id="ours", kind="reg_z_apr", title="our disclosure",
                    source="our APR engine v7",
                    inputs={"amount_financed": "5000", "advance_date": "1978-01-10",
                            "payments": [{"first": "1978-02-10", "count": 24,
                                          "amount": "230"}]},
                    expected={"apr_percent": "9.70", "unit_periods_per_year": "12",
                              "first_period": {"t": 2, "f": "0"}})
    with pytest.raises(AssertionError) as caught:
        check(vector)
    lines = str(caught.value).splitlines()
    assert lines[0] == "vector 'ours' (reg_z_apr: our disclosure) differs from its source:"
    assert lines[1].startswith("  apr_percent: published 9.70, library 9.69 (from 9.6")
    assert lines[2:] == ["  first_period.t: published 2, library 1",
                         "  source: our APR engine v7"]


# ---------------------------------------------------------------- loader and value


def test_vectors_are_frozen_short_and_hashable() -> None:
    vector = load("reg_z_apr")[0]
    assert repr(vector) == pretty(vector) == "Vector('US-AJ-c1i', kind='reg_z_apr')"
    assert vector in set(SHIPPED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        vector.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        vector.expected["apr_percent"] = "1"  # type: ignore[index]
    assert isinstance(vector.inputs["payments"], tuple)


def test_load_refuses_an_unknown_kind() -> None:
    with pytest.raises(InvalidArgumentError, match=r"^kind: must be one of reg_z_apr"):
        load("apr")


@pytest.mark.parametrize(("data", "says"), [
    ({"vectors": {"id": "X"}}, "must hold a JSON list of vectors"),
    ([{"id": "X", "kind": "irr", "input": {}, "expected": {}, "source": "s"}],
     "unknown field(s) ['input']"),
    ([{"id": "X", "kind": "irr", "inputs": {}, "expected": {"rate": "1"}, "source": "s"}],
     "missing values for kind 'irr'"),
    ([{"id": "X", "kind": "irr", "inputs": {"values": [-1, 2]}, "expected": {},
       "source": "s"}], "must give at least one figure"),
    ([{"id": "X", "kind": "irr", "inputs": {"values": [-1, 2]}, "expected": {"rate": "1"},
       "source": "s"}] * 2, "duplicate id"),
])
def test_load_file_names_what_is_wrong(tmp_path: Path, data: Any, says: str) -> None:
    path = tmp_path / "team.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InvalidArgumentError) as caught:
        load_file(path)
    assert str(path) in str(caught.value) and says in str(caught.value)


@pytest.mark.parametrize(("vector", "says"), [
    (Vector(id="X", kind="tvm", source="s", inputs={"function": "xnpv", "args": []},
            expected={"value": "1"}), "inputs.function: must be one of pmt"),
    (Vector(id="X", kind="schedule", source="s",
            inputs={"plan": {"kind": "balloon", "principal": "1"}},
            expected={"installments": 1}), "plan.kind: must be one of annuity"),
    (Vector(id="X", kind="schedule", source="s",
            inputs={"plan": {"kind": "pay_in_4", "principal": "100", "start": "2024-01-01"}},
            expected={"rows": [{"number": 1, "interst": "0"}]}), "unknown column 'interst'"),
    (Vector(id="X", kind="schedule", source="s",
            inputs={"plan": {"kind": "pay_in_4", "principal": "100", "start": "2024-01-01"},
                    "table": "cells"},
            expected={"totals": {"closing_balance": "0"}}), "not shown by a 'cells' table"),
    (Vector(id="X", kind="irr", source="s", inputs={"values": [-100, 110]},
            expected={"rate": {"value": "0.1", "round": "down"}}), "rate: must be a figure"),
    (Vector(id="X", kind="irr", source="s", inputs={"values": [-100, 110]},
            expected={"rate": "ten percent"}), "rate: must be a number"),
])
def test_unusable_vectors_are_typed_errors(vector: Vector, says: str) -> None:
    with pytest.raises(InvalidArgumentError, match=says.replace("(", r"\(")):
        check(vector)


def test_check_needs_a_vector() -> None:
    with pytest.raises(InvalidArgumentError, match=r"^vector: must be a Vector"):
        check({"id": "X"})  # type: ignore[arg-type]
