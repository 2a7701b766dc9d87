"""Built-in example loans used by the demo, the docs and the tests."""

from __future__ import annotations

from .plans import Plan

__all__ = ["seed_plan"]


def seed_plan() -> Plan:
    """The seed's case: 6,000.00 CNY in 12 monthly installments at a 0.6% monthly fee.

    A JD Baitiao-style 等本等息 plan bought on 2026-01-15: 500.00 principal and 36.00
    fee every month.

    Examples
    --------
    >>> seed_plan().schedule()[0].payment
    Decimal('536.00')
    """
    return Plan.flat_fee("6000.00", fee_rate="0.006", installments=12, start="2026-01-15",
                         currency="CNY")
