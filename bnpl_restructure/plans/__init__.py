"""Installment plans: the products lenders sell, each compiled to a period program.

A :class:`Plan` is an immutable description of a loan's terms. ``plan.program()``
compiles it to a :class:`~bnpl_restructure.core.Program` and ``plan.schedule()`` runs that
program through the core. No plan has its own amortization loop; they differ only in the
program they produce:

================================  ==========================================================
``Plan.annuity``                  equal installment (等额本息): level payment (rule AMOUNT),
                                  last installment pays off and absorbs the rounding residual
``Plan.equal_principal``          equal principal (等额本金): principal split exactly (rule
                                  PRINCIPAL), interest on the declining balance
``Plan.flat_fee``                 等本等息 (JD Baitiao / Ant Huabei style): principal split
                                  exactly, a fee on the *original* principal every period
``Plan.pay_in_4``                 pay-in-4: first installment at purchase, then every two
                                  weeks, no interest, cents split exactly
``Plan.interest_only``            interest each period, principal as a balloon at the end
``Plan.from_rows``                explicit rows (irregular or restructured plans)
================================  ==========================================================

Interest of each period is ``balance × factor``, the factor coming from the rate and the
day count (:class:`~bnpl_restructure.daycount.DayCount`): with ``PER_PERIOD`` (the default
for consumer installment plans) every regular period is charged the contract's periodic
rate, whatever its length in days. An odd first period (a first due date that is not one
regular period after ``start``) is charged, with ``odd_days="charge"`` (default), for the
whole periods counted back from the first due date plus the remaining days as a fraction
of the regular period that contains them (actual days ÷ actual days of that period); with
``odd_days="regular"`` it is charged as one regular period whatever its length. Under the
other day counts each period's factor is the nominal annual rate × the day count's year
fraction of the period.

Examples
--------
>>> from bnpl_restructure import Plan
>>> plan = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12, start="2024-01-10")
>>> {str(row.payment) for row in plan.schedule()}
{'106.00'}
>>> Plan.annuity(10000, annual_rate="0.08", installments=10, start="2024-01-01",
...              currency="USD").schedule()[0].payment
Decimal('1037.03')
"""

from __future__ import annotations

from ._plan import Plan
from ._terms import MAX_INSTALLMENTS as MAX_INSTALLMENTS
from ._terms import (
    LastInstallment,
    OddDays,
    PaymentBasis,
    PlanKind,
    PlannedRow,
)
from ._terms import _check_installments as _check_installments
from ._terms import _level_payment as _level_payment
from ._terms import _rate as _rate

__all__ = ["LastInstallment", "OddDays", "PaymentBasis", "Plan", "PlanKind", "PlannedRow"]
