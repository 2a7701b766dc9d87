"""Every public callable documents its errors in a numpydoc ``Raises`` section (issue 16).

The contract of issue 16: a public function or constructor returns a correct result or
raises a typed :mod:`bnpl_restructure.errors` error naming the argument, *documented in
its docstring's Raises section*. This file walks the public API and requires that
section, so a new public function without one fails here:

- every public module of the package and its subpackages (private ``_x`` modules and
  ``__main__``, the command line, skipped);
- in each, every name of its ``__all__`` (or, for a module without ``__all__``, every
  name without a leading underscore) *defined in that module* (re-exports are checked
  where they are defined);
- every public function;
- every public class whose construction validates (a ``__post_init__``, its own or
  inherited, or its own hand-written ``__init__``): the class docstring documents its
  constructor's errors;
- every public method, classmethod and staticmethod defined in such a class (or in any
  other public class).

Exempt, each category with its reason in :data:`EXEMPT_KINDS`, and single callables in
:data:`ALLOW` with a one-line reason each (callables that cannot raise for any input).

Each Raises entry must name an exception the library really raises: a class of
:mod:`bnpl_restructure.errors`, ``AssertionError`` (the testing assertions) or
``ImportError`` (an optional dependency that is not installed).

See docs/explanation/hostile-input.md, "Raises sections".
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import pkgutil
import re
import sys
import types
from collections.abc import Callable, Iterator

import pytest

import bnpl_restructure
from bnpl_restructure import errors
from bnpl_restructure.restructure.changes import Change

#: Categories that need no Raises section, and why.
EXEMPT_KINDS = {
    "enum": "an enum class is a fixed set of members; calling it with a value is the "
            "standard Enum lookup (its public parse classmethods are NOT exempt)",
    "exception": "an exception class is what a Raises section names, not a callable "
                 "that refuses input",
    "property": "a property getter takes no argument and reads fields the constructor "
                "has already checked",
    "dunder": "__repr__, __eq__ and the like are Python protocol, not public API",
    "plain class": "a class whose construction does not validate (no __post_init__, no "
                   "own __init__): a plain record or a namespace; its methods are "
                   "still checked",
}

#: Callables that cannot raise for any input: qualified name -> reason. Keep it short.
ALLOW: dict[str, str] = {
    "bnpl_restructure.portfolio.validation.ValidationReport.rows":
        "reads the validated errors; no argument",
    "bnpl_restructure.portfolio.validation.ValidationReport.to_records":
        "reads the validated errors; no argument",
    # zero-argument renderings of an object already validated when built
    "bnpl_restructure.adjustable.AdjustableSchedule.to_text":
        "formats the validated fields; no argument",
    "bnpl_restructure.apr.FeeRateTable.to_text": "formats the validated rows; no argument",
    "bnpl_restructure.disclosure.Disclosure.to_text": "formats the validated fields",
    "bnpl_restructure.disclosure.Disclosure.rows": "reads the validated fields",
    "bnpl_restructure.precomputed.Earnings.to_text": "formats the validated rows",
    "bnpl_restructure.precomputed.PrecomputedLoan.to_text": "formats the validated fields",
    "bnpl_restructure.schedule.Schedule.to_text": "formats the validated rows",
    "bnpl_restructure.spreadsheet.CellTable.to_text": "formats the validated rows",
    "bnpl_restructure.spreadsheet.CellTable.rows_that_do_not_add_up":
        "compares the validated rows' integers",
    "bnpl_restructure.disclosure.Disclosure.to_dict": "formats the validated fields",
    "bnpl_restructure.plans.Plan.factors": "computes from the validated plan; no argument",
    "bnpl_restructure.plans.Plan.level_payment":
        "computes from the validated plan; no argument",
    "bnpl_restructure.plans.Plan.program": "compiles the validated plan; no argument",
    "bnpl_restructure.plans.Plan.schedule": "runs the validated plan; no argument",
    "bnpl_restructure.plans.Plan.to_dict": "writes the validated fields; no argument",
    "bnpl_restructure.schedule.Schedule.running_interest":
        "sums the validated rows; no argument",
    "bnpl_restructure.schedule.Schedule.columns":
        "as_decimal is read for its truth; int64 columns fall back to exact ints",
    "bnpl_restructure.schedule.Schedule.to_dict": "writes the validated rows",
    "bnpl_restructure.servicing.state.LoanState.report": "formats the state's figures",
    "bnpl_restructure.servicing.terms.ServicingTerms.to_dict":
        "writes the validated terms; no argument",
    "bnpl_restructure.servicing.records.LedgerEvent.to_dict":
        "writes the line's fields (ledger lines are written by the engine)",
    "bnpl_restructure.restructure.comparison.Comparison.to_dict":
        "writes the validated comparison; no argument",
    "bnpl_restructure.restructure.result.Restructuring.to_dict":
        "writes the validated restructuring; no argument",
    # zero-argument presets and examples: no caller input
    "bnpl_restructure.examples.seed_plan": "a fixed example plan; no argument",
    "bnpl_restructure.testing.strategies.register_type_strategies":
        "registers fixed strategies; no argument",
    "bnpl_restructure.rounding.RoundingPolicy.spreadsheet": "a fixed preset; no argument",
    "bnpl_restructure.rounding.RoundingPolicy.textbook": "a fixed preset; no argument",
    "bnpl_restructure.regz.UnitPeriod.day": "a fixed unit period; no argument",
    "bnpl_restructure.regz.UnitPeriod.semimonth": "a fixed unit period; no argument",
    "bnpl_restructure.regz.UnitPeriod.year": "a fixed unit period; no argument",
    "bnpl_restructure.servicing.terms.ServicingTerms.jd_baitiao": "a fixed preset",
    "bnpl_restructure.servicing.terms.ServicingTerms.ant_huabei": "a fixed preset",
    "bnpl_restructure.servicing.terms.ServicingTerms.afterpay": "a fixed preset",
    "bnpl_restructure.servicing.terms.ServicingTerms.klarna_uk": "a fixed preset",
    "bnpl_restructure.servicing.terms.ServicingTerms.us_card": "a fixed preset",
    "bnpl_restructure.servicing.terms.ServicingTerms.cn_civil_code": "a fixed preset",
}

#: Public classes documented as internal machinery, with all their methods.
INTERNAL = {
    "bnpl_restructure.servicing.engine.Engine":
        "documented '(internal)': the replay's mutable state, driven by loan_state and "
        "LoanState with inputs they have checked",
    "bnpl_restructure.servicing.accrual.DailyInterest":
        "the Engine's daily-interest accumulator, built and fed only by the Engine",
}

#: Methods of every subclass of ``restructure.changes.Change`` that :func:`restructure`
#: calls: what applying a change raises is documented on the change's class (its
#: Raises section covers "Built:" and "Applied:") and on ``restructure``.
CHANGE_PROTOCOL = {
    "apply": "called by restructure() with its own position and private draft",
    "describe": "a short label from the fields checked when the change was built",
}

#: Modules whose public names are called by another program, not by a caller.
SKIP_MODULES = {
    # Portfolio's parts: its public API is Portfolio, Scenario, ValidationReport and
    # RowError (bnpl_restructure.portfolio), whose callables are checked
    **{f"bnpl_restructure.portfolio.{name}": "Portfolio's parts, called by Portfolio"
       for name in ("book", "columns", "frames", "rates", "schedules", "states")},
    "bnpl_restructure.testing.plugin":
        "the pytest plugin: fixtures and collectors that pytest calls",
    # the command line's contract is its exit code and the message on stderr, never an
    # exception (docs/howto/use-the-cli.md); its modules are its own parts
    **{f"bnpl_restructure.cli.{name}": "the command line's parts (exit codes, not errors)"
       for name in ("demo", "errors", "loans", "output", "plan_commands", "plans",
                    "reconcile_command", "restructure_commands", "servicing_commands")},
}

#: What a Raises entry may name.
KNOWN_EXCEPTIONS = {
    name for name, obj in vars(errors).items()
    if isinstance(obj, type) and issubclass(obj, BaseException)
} | {"AssertionError", "ImportError"}

def public_modules(package: types.ModuleType = bnpl_restructure) -> list[str]:
    """The public modules of ``package`` and its subpackages, by name."""
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        parts = info.name.split(".")[1:]
        if any(p.startswith("_") for p in parts) or parts[-1] == "cli":
            continue
        names.append(info.name)
    return sorted(names)


def _public_names(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return list(names)


def _validates(cls: type) -> bool:
    if hasattr(cls, "__post_init__"):
        return True
    init = cls.__dict__.get("__init__")
    if init is None:
        return False
    # a dataclass's generated __init__ checks nothing
    code = getattr(init, "__code__", None)
    return not (dataclasses.is_dataclass(cls) and code is not None
                and code.co_filename == "<string>")


def _methods(cls: type) -> Iterator[tuple[str, Callable[..., object]]]:
    for name, value in vars(cls).items():
        if name.startswith("_") or isinstance(value, property):
            continue
        if isinstance(value, (classmethod, staticmethod)):
            yield name, value.__func__
        elif inspect.isfunction(value):
            yield name, value


def required() -> list[tuple[str, object]]:
    """(qualified name, object) of every callable that must have a Raises section."""
    out: list[tuple[str, object]] = []
    seen: set[int] = set()
    for modname in public_modules():
        if modname in SKIP_MODULES:
            continue
        module = importlib.import_module(modname)
        for name in _public_names(module):
            obj = getattr(module, name)
            home = getattr(obj, "__module__", None) or ""
            # defined here, or in a private part of this package (regz._apr)
            if (home != modname and not home.startswith(f"{modname}._")) or id(obj) in seen:
                continue
            seen.add(id(obj))
            qual = f"{modname}.{name}"
            if qual in INTERNAL:
                continue
            if inspect.isclass(obj):
                if issubclass(obj, BaseException):
                    continue  # EXEMPT_KINDS["exception"]
                if not issubclass(obj, enum.Enum) and _validates(obj):
                    out.append((qual, obj))
                protocol = issubclass(obj, Change)
                for mname, method in _methods(obj):
                    if protocol and mname in CHANGE_PROTOCOL:
                        continue
                    out.append((f"{qual}.{mname}", method))  # enum.parse included
            elif inspect.isfunction(obj) or inspect.isbuiltin(obj):
                out.append((qual, obj))
    return [(q, o) for q, o in out if q not in ALLOW]


_HEADER = re.compile(r"^(?P<indent>[ ]*)(?P<name>\S[^\n]*)\n(?P=indent)-{3,}[ ]*$", re.M)


def raises_section(obj: object) -> tuple[str, list[str]] | None:
    """The Raises section of the docstring as (its indent, its lines), or None.

    A section is a title line underlined by dashes at the same indent (a docstring
    made of two joined docstrings may indent its second part), and runs to the next
    such title.
    """
    doc = inspect.cleandoc(getattr(obj, "__doc__", None) or "") + "\n"
    headers = list(_HEADER.finditer(doc))
    for k, header in enumerate(headers):
        if header.group("name").strip() != "Raises":
            continue
        end = headers[k + 1].start() if k + 1 < len(headers) else len(doc)
        body = doc[header.end():end].split("\n")[1:]
        return header.group("indent"), body
    return None


def _problems(obj: object) -> list[str]:
    found = raises_section(obj)
    if found is None:
        return ["no 'Raises\\n------' section"]
    indent, body = found
    entries = [line[len(indent):] for line in body
               if line.strip() and line.startswith(indent)
               and not line[len(indent)].isspace()]
    if not entries:
        return ["an empty Raises section"]
    out = []
    for line in entries:
        for name in (n.strip() for n in line.split(",")):
            if name not in KNOWN_EXCEPTIONS:
                out.append(f"Raises names {name!r}, not an exception the library raises")
    return out


REQUIRED = required()


def test_the_walk_finds_the_public_api() -> None:
    names = {q for q, _ in REQUIRED}
    # a function, a validating class, a classmethod constructor, an enum's parse, a
    # method taking input and a re-exported name checked where it is defined
    for expected in ("bnpl_restructure.apr.xirr",
                     "bnpl_restructure.plans.Plan",
                     "bnpl_restructure.plans.Plan.annuity",
                     "bnpl_restructure.plans.Plan.from_rows",
                     "bnpl_restructure.daycount.DayCount.parse",
                     "bnpl_restructure.schedule.Schedule.from_csv",
                     "bnpl_restructure.servicing.state.LoanState.apply",
                     "bnpl_restructure.servicing.state.LoanState.on",
                     "bnpl_restructure.restructure.changes.ExtendTerm",
                     "bnpl_restructure.persistence.load"):
        assert expected in names
    assert "bnpl_restructure.daycount.DayCount" not in names  # an enum
    assert "bnpl_restructure.errors.InvalidArgumentError" not in names  # an exception
    assert "bnpl_restructure.__main__.main" not in names
    assert not any(q.startswith("bnpl_restructure._") for q in names)
    assert len(REQUIRED) > 150


def test_allow_list_and_internal_names_exist() -> None:
    # a stale entry would silently exempt a future callable of the same name
    for qual in (*ALLOW, *INTERNAL):
        modname, _, rest = qual.rpartition(".")
        while modname not in sys.modules:
            modname, _, head = modname.rpartition(".")
            rest = f"{head}.{rest}"
        obj: object = importlib.import_module(modname)
        for part in rest.split("."):
            obj = getattr(obj, part)
        assert callable(obj), qual


@pytest.mark.parametrize("qual,obj", REQUIRED, ids=[q for q, _ in REQUIRED])
def test_raises_section(qual: str, obj: object) -> None:
    problems = _problems(obj)
    assert not problems, f"{qual}: {'; '.join(problems)}"


def test_a_new_function_without_raises_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from bnpl_restructure import apr

    def shiny(value: object) -> object:
        """A new public function whose docstring forgets its errors.

        Parameters
        ----------
        value
            Anything.
        """
        return value

    shiny.__module__ = apr.__name__
    monkeypatch.setattr(apr, "shiny", shiny, raising=False)
    monkeypatch.setattr(apr, "__all__", [*apr.__all__, "shiny"])
    found = dict(required())
    assert found["bnpl_restructure.apr.shiny"] is shiny
    assert _problems(shiny) == ["no 'Raises\\n------' section"]

    shiny.__doc__ = (shiny.__doc__ or "") + (
        "\n        Raises\n        ------\n        ValueError\n            Never.\n")
    assert _problems(shiny) == ["Raises names 'ValueError', not an exception the "
                                "library raises"]


def test_the_section_parser() -> None:
    def documented() -> None:
        """Summary.

        Returns
        -------
        None

        Raises
        ------
        InvalidArgumentError, NoSolutionError
            ``x`` is bad.
        ConvergenceError
            It stopped.

        Examples
        --------
        >>> 1
        1
        """

    found = raises_section(documented)
    assert found is not None
    indent, body = found
    assert indent == "" and "ConvergenceError" in body
    assert not any("Examples" in line for line in body)
    assert _problems(documented) == []
    # a section indented under a joined docstring is found at its own indent
    joined = type("Joined", (), {"__doc__": "Intro.\n\nClass doc.\n\n    Raises\n"
                                          "    ------\n    InvalidTermsError\n"
                                          "        Bad.\n"})
    assert _problems(joined) == []
