"""Testing toolkit for users' own suites: hypothesis strategies and invariant checks.

``bnpl_restructure.testing.strategies`` needs ``hypothesis`` (the ``test`` extra).
``bnpl_restructure.testing.invariants`` needs nothing beyond the library.
"""
