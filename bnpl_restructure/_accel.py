"""The optional C accelerators, loaded once.

``_ckernel`` (the single-loan kernel and monthly due dates) is built from
``_ckernel.c`` when the package is installed with a C compiler; without one, or with the
environment variable ``BNPL_RESTRUCTURE_PURE_PYTHON`` set to anything but ``""`` or
``"0"``, :data:`ckernel` is ``None`` and the pure-Python paths run. Results are identical
either way (property tests compare the two paths).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

__all__ = ["PURE_PYTHON", "ckernel"]

PURE_PYTHON: bool = os.environ.get("BNPL_RESTRUCTURE_PURE_PYTHON", "0") not in ("", "0")


def _load(name: str) -> ModuleType | None:
    if PURE_PYTHON:
        return None
    try:
        return importlib.import_module(f"bnpl_restructure.{name}")
    except ImportError:  # built without a C compiler
        return None


ckernel: ModuleType | None = _load("_ckernel")
