"""``python -m bnpl_restructure``: the command line (:mod:`bnpl_restructure.cli`)."""

from __future__ import annotations

import sys

from .cli import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
