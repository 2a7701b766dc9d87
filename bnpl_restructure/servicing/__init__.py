"""Servicing: payments applied by a waterfall, arrears, penalties, late fees, payoff quotes.

:func:`loan_state` replays dated payments against a schedule and tells where the loan
stands on a day: what was paid and how each payment was split, what is overdue and for
how long, what penalty interest (罚息 / 违约金) and late fees have accrued, and what it
would take to pay the loan off. :func:`payoff_quote` is the last figure on its own.

The package, by concern: :mod:`.terms` (the contract's rules and presets),
:mod:`.records` (payments, dated charges, ledger lines), :mod:`.engine` (the replay, event
by event), :mod:`.state` (:class:`LoanState`, going on from a state), :mod:`.persist`
(lossless documents).

Model (every number a parameter of :class:`ServicingTerms`):

- **Obligations.** Each installment's principal, interest and fee fall due on its due
  date (contractual interest follows the schedule: precomputed-interest installment
  credit). Penalty interest and late fees are further obligations, dated on the
  installment's due date or on their own charge date (``charge_dating``).
- **Penalty interest** accrues per day on a base (the overdue installment, or all unpaid
  principal and fees, or the overdue principal) at ``penalty_rate`` per day with an
  optional minimum per day, exactly, rounded half-up once when booked (amount × rate ×
  days, as the JD Baitiao formula reads), from the due date (or from the end of the
  grace days). An installment paid in full within its grace days is charged none.
  Whether the due date and the payment date count as penalty days is set by
  ``count_due_date`` / ``count_payment_date`` (Chinese card practice counts both).
- **Late fees** are tiers (a flat amount and/or a percentage of the overdue principal,
  principal and interest, or whole installment, ``late_fee_base``; each charged once
  when an installment is that many days past due, or again every so many days; a tier
  may apply only to orders in a range of value), cut down to fit the caps: per
  installment, per plan, a percentage of the amount financed, a maximum number of
  fees, and never more than the installment's payment due (the US card safe harbor).
- **Charges** (:class:`Charge`: a returned-payment fee, an extension or collection fee)
  are added on their date to an installment or to the loan, and paid in the waterfall's
  ``charge`` place.
- **Delinquency**: days past due of the oldest installment late beyond its grace days,
  per installment and per loan, in buckets whose bounds the terms set.
- **Payments** are applied on their date to obligations already due, in the waterfall
  order of components (``waterfall``), oldest installment first (``HORIZONTAL``) or
  component by component across installments (``VERTICAL``; China's Civil Code
  Art. 561 preset). What is left settles the loan when it covers the payoff amount,
  else goes by ``overpayment``: to the next installments, or against principal with the
  remaining plan shortened or its installments reduced (re-run through the core).
- **Early payoff** charges future finance charges (interest and fees of installments not
  yet due) by ``early_payoff``: by default only those earned to the day (the period in
  progress pro rata by days); or all of them (no rebate: the Baitiao and Huabei
  presets), the current period's, or all less the rule-of-78 rebate.

The replay goes from event to event (due dates, payments, charges, grace ends, late-fee
triggers), never day by day: its cost is linear in the events, whatever the dates.

Every event is in the ledger (due, payment, allocation, penalty, late fee, rebate,
prepayment, credit); it reconciles to the minor unit.

Examples
--------
>>> from bnpl_restructure import Plan
>>> schedule = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
...                          start="2026-01-10").schedule()
>>> state = loan_state(schedule, [("2026-02-10", "106.00")], as_of="2026-03-20",
...                    terms=ServicingTerms.jd_baitiao())
>>> state.days_past_due, state.bucket, str(state.unpaid_penalty)
(10, '1-30', '0.53')
"""

from .engine import Engine
from .records import LEDGER_KINDS, Charge, LedgerEvent, Payment
from .state import LoanState, OverdueInstallment, loan_state, payoff_quote
from .terms import (
    COMPONENTS,
    ChargeDating,
    EarlyPayoff,
    LateFee,
    LateFeeBase,
    Overpayment,
    PaymentOrder,
    PenaltyBase,
    PenaltyStart,
    ServicingTerms,
)

__all__ = [
    "COMPONENTS",
    "LEDGER_KINDS",
    "Charge",
    "ChargeDating",
    "EarlyPayoff",
    "Engine",
    "LateFee",
    "LateFeeBase",
    "LedgerEvent",
    "LoanState",
    "OverdueInstallment",
    "Overpayment",
    "Payment",
    "PaymentOrder",
    "PenaltyBase",
    "PenaltyStart",
    "ServicingTerms",
    "loan_state",
    "payoff_quote",
]
