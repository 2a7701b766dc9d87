"""Shared definitions of Regulation Z's APR: unit-period kinds, flows, places, tolerances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal, TypeAlias

from .._context import make_context

UnitPeriodKind: TypeAlias = Literal["day", "week", "multiple of week", "semimonth", "month",
                                    "multiple of month", "year", "term"]
"""The unit-periods of Appendix J (b)(3)(iii) and (b)(4)(ii)."""

_KINDS: tuple[str, ...] = ("day", "week", "multiple of week", "semimonth", "month",
                           "multiple of month", "year", "term")

Flow: TypeAlias = tuple[date, Decimal]

APR_PLACES = 12
"""Decimal places of a returned APR (a fraction: 12 places is 1e-10 percentage points)."""

_APR_QUANTUM = Decimal((0, (1,), -APR_PLACES))  # built exactly: no context at import
_CONTEXT = make_context(50)

REGULAR_TOLERANCE = Decimal("0.00125")
"""1/8 of 1 percentage point as a fraction (12 CFR 1026.22(a)(2))."""

IRREGULAR_TOLERANCE = Decimal("0.0025")
"""1/4 of 1 percentage point as a fraction (12 CFR 1026.22(a)(3))."""

