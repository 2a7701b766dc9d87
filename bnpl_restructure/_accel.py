"""The optional C accelerators, loaded once.

``_ckernel`` (the single-loan kernel and monthly due dates, ``_ckernel.c``) and
``_csolver`` (the rate solver, ``_csolver.c``) are built when the package is installed
with a C compiler; without one, or with the environment variable
``BNPL_RESTRUCTURE_PURE_PYTHON`` set to anything but ``""`` or ``"0"``, :data:`ckernel`
and :data:`csolver` are ``None`` and the pure-Python / numpy paths run. Results are identical
either way (property tests compare the two paths).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

__all__ = ["PURE_PYTHON", "ckernel", "csolver", "load"]

PURE_PYTHON: bool = os.environ.get("BNPL_RESTRUCTURE_PURE_PYTHON", "0") not in ("", "0")


def load(name: str) -> ModuleType | None:
    """The extension ``bnpl_restructure.<name>``, or None when it was not built (whatever
    ``BNPL_RESTRUCTURE_PURE_PYTHON`` says: the tests compare both paths with it)."""
    try:
        return importlib.import_module(f"bnpl_restructure.{name}")
    except ImportError:  # built without a C compiler
        return None


ckernel: ModuleType | None = None if PURE_PYTHON else load("_ckernel")
csolver: ModuleType | None = None if PURE_PYTHON else load("_csolver")
