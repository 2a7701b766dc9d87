"""Testing toolkit for users' own suites: strategies, invariant checks, reference vectors.

``bnpl_restructure.testing.strategies`` needs ``hypothesis`` (the ``test`` extra); it
registers its strategies for ``st.from_type(Plan)`` and the other library types.
``bnpl_restructure.testing.invariants`` needs nothing beyond the library, nor does
``bnpl_restructure.testing.vectors`` (published reference vectors shipped as data, and
``check`` against them). ``bnpl_restructure.testing.plugin`` is the pytest plugin
(entry point ``pytest11``): fixtures for common plans and the vectors, and
``--bnpl-vectors=PATH`` for a team's own vectors file.

The everyday entry points are importable from here directly::

    from bnpl_restructure.testing import reconcile, assert_schedule_equal, check_schedule
"""

from .assertions import assert_conserves, assert_rate_equal, assert_schedule_equal
from .invariants import check_schedule
from .reconcile import CONVENTIONS, Difference, Reconciliation, reconcile

__all__ = [
    "CONVENTIONS",
    "Difference",
    "Reconciliation",
    "assert_conserves",
    "assert_rate_equal",
    "assert_schedule_equal",
    "check_schedule",
    "reconcile",
]
