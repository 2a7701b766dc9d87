"""pytest plugin: fixtures for common plans, the published reference vectors, and
``--bnpl-vectors=PATH`` to run a team's own vectors file as test items.

Installed with the package (entry point ``pytest11``, name ``bnpl_restructure``), so it
is active in any pytest run of an environment where ``bnpl_restructure`` is installed;
disable it with ``-p no:bnpl_restructure``. Loading it costs what importing the library
costs (its entry point is a module of the package) and nothing more: it adds options,
fixtures and, with ``--bnpl-vectors``, test items; it imports hypothesis never, and
registers the strategies for ``st.from_type(Plan)`` only when the tests imported
hypothesis themselves.

Fixtures
--------
``bnpl_flat_fee_plan``
    The seed plan: 6,000.00 CNY in 12 monthly installments at a 0.6% monthly fee
    (:func:`bnpl_restructure.examples.seed_plan`).
``bnpl_annuity_plan``
    10,000.00 USD at 8% a year in 10 monthly installments from 2024-01-01: the loan of
    Excel's PMT example (payment 1,037.03).
``bnpl_pay_in_4_plan``
    100.01 USD in four biweekly installments from 2024-03-01 (25.00, 25.00, 25.00, 25.01).
``bnpl_plan``
    Parametrized: the test runs once for each of the plans above and an equal-principal
    and an interest-only plan.
``bnpl_reference_vectors``
    Every vector the library ships (:func:`bnpl_restructure.testing.vectors.load`).

Options
-------
``--bnpl-vectors=PATH`` (repeatable)
    Add one test item per vector of the JSON file at ``PATH`` (the format of
    :mod:`bnpl_restructure.testing.vectors`): each computes the library's answer and
    compares it with the file's figures (:func:`~bnpl_restructure.testing.vectors.check`).
    A missing or malformed file stops the run with a usage error naming the problem.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..errors import InvalidArgumentError
from ..examples import seed_plan
from ..plans import Plan
from .vectors import Vector, check, load, load_file

__all__ = [
    "VectorItem",
    "VectorsFile",
    "bnpl_annuity_plan",
    "bnpl_flat_fee_plan",
    "bnpl_pay_in_4_plan",
    "bnpl_plan",
    "bnpl_reference_vectors",
]

_VECTORS_KEY = pytest.StashKey[list[tuple[Path, tuple[Vector, ...]]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bnpl_restructure", "bnpl_restructure reference vectors")
    group.addoption("--bnpl-vectors", action="append", default=[], metavar="PATH",
                    dest="bnpl_vectors",
                    help="run the vectors of this JSON file (bnpl_restructure.testing."
                         "vectors format) as test items; may be given several times")


def pytest_configure(config: pytest.Config) -> None:
    paths: list[str] = config.getoption("bnpl_vectors", default=[]) or []
    if not paths:
        return
    loaded = []
    for text in paths:
        path = Path(text).expanduser().resolve()
        if not path.is_file():
            raise pytest.UsageError(f"--bnpl-vectors: no such file: {text}")
        try:
            loaded.append((path, load_file(path)))
        except InvalidArgumentError as error:
            raise pytest.UsageError(f"--bnpl-vectors: {error}") from None
    config.stash[_VECTORS_KEY] = loaded


class VectorsFile(pytest.File):
    """A team's vectors file given with ``--bnpl-vectors``."""

    vectors: tuple[Vector, ...] = ()

    def collect(self) -> Iterator[VectorItem]:
        for vector in self.vectors:
            yield VectorItem.from_parent(self, name=vector.id, vector=vector)


class VectorItem(pytest.Item):
    """One vector: passes when the library reproduces its published figures."""

    def __init__(self, *, vector: Vector, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.vector = vector

    def runtest(self) -> None:
        check(self.vector)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str | Any:
        if isinstance(excinfo.value, AssertionError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"bnpl vector {self.vector.id} ({self.vector.kind})"


@pytest.hookimpl(tryfirst=True)  # before -k / -m deselect, so they apply to vectors too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    for path, vectors in config.stash.get(_VECTORS_KEY, []):
        node = VectorsFile.from_parent(session, path=path)
        node.vectors = vectors
        items.extend(node.collect())


def pytest_collection_finish(session: pytest.Session) -> None:
    # st.from_type(Plan) works once the strategies are registered: done when the tests
    # use hypothesis (imported it), never importing it for a suite that does not
    if "hypothesis" in sys.modules:
        from .strategies import register_type_strategies

        register_type_strategies()


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def bnpl_flat_fee_plan() -> Plan:
    """The seed plan: 6,000.00 CNY, 12 monthly installments, 0.6% monthly flat fee."""
    return seed_plan()


@pytest.fixture(scope="session")
def bnpl_annuity_plan() -> Plan:
    """10,000.00 USD at 8% a year, 10 monthly installments (Excel's PMT example)."""
    return Plan.annuity("10000", annual_rate="0.08", installments=10, start="2024-01-01",
                        currency="USD")


@pytest.fixture(scope="session")
def bnpl_pay_in_4_plan() -> Plan:
    """100.01 USD in four biweekly installments from 2024-03-01."""
    return Plan.pay_in_4("100.01", start="2024-03-01", currency="USD")


_COMMON = ("flat_fee", "annuity", "pay_in_4", "equal_principal", "interest_only")


@pytest.fixture(scope="session", params=_COMMON)
def bnpl_plan(request: pytest.FixtureRequest) -> Plan:
    """Each common plan in turn: the three above, and 1,200.00 CNY at 12% a year over
    12 months as equal principal and as interest only."""
    name: str = request.param
    if name in ("flat_fee", "annuity", "pay_in_4"):
        plan: Plan = request.getfixturevalue(f"bnpl_{name}_plan")
        return plan
    build = Plan.equal_principal if name == "equal_principal" else Plan.interest_only
    return build("1200.00", annual_rate="0.12", installments=12, start="2024-01-15")


@pytest.fixture(scope="session")
def bnpl_reference_vectors() -> tuple[Vector, ...]:
    """Every published reference vector the library ships, each with its citation."""
    return load()
