"""Hardship restructuring: rewrites of the remaining plan, run through the same core.

The package, by concern: :mod:`.positions` (where the loan stands; the draft),
:mod:`.changes` (each option as a rewrite of the draft), :mod:`.run` (a draft compiled
and run through the core), :mod:`.result` (:class:`Restructuring`, :func:`restructure`),
:mod:`.comparison`, :mod:`.reage`, :mod:`.search` (:func:`find_option`) and
:mod:`.persist` (documents).

A borrower who can no longer pay asks for help; each option here rewrites the *remaining*
plan from the restructuring date. Whenever the interest-bearing principal or its terms
change, the remaining period program is rebuilt and run through the core kernel
(:func:`bnpl_restructure.core.run_batch`); no option has an amortization loop of its own.
Paid history before the restructuring date is never changed.

Options (each returns a :class:`Restructuring`; :func:`restructure` applies a list of
changes in order, e.g. arrears capitalized plus a rate cut, or a holiday then an
extension):

- :func:`extend_term` (展期): more periods or a later maturity; same or new rate; the
  installment recomputed in the plan's own method (level payment, equal principal, or
  a flat fee on the outstanding principal for the new term).
- :func:`reduce_payment`: a lower payment for some periods (or for good, the number of
  periods solved); the shortfall capitalized, deferred (non-interest-bearing) or waived.
- :func:`payment_holiday` (宽限期): periods with nothing due or interest only; the
  holiday's interest capitalized, accrued and collected later, or waived; the plan then
  shifted or re-amortized within the original maturity.
- :func:`reduce_rate`, :func:`waive_fees`, :func:`forgive_principal`,
  :func:`capitalize_arrears`, :func:`defer_principal`: relief.

:func:`compare` puts options side by side with "no change".

Examples
--------
>>> from bnpl_restructure import Plan
>>> from bnpl_restructure.servicing import loan_state
>>> schedule = Plan.flat_fee("6000.00", fee_rate="0.006", installments=12,
...                          start="2026-01-15").schedule()
>>> state = loan_state(schedule, [("2026-02-15", "536.00")], as_of="2026-04-20")
>>> state.days_past_due
36

Installments 2 and 3 are overdue (1,000.00 principal and 72.00 fees); nine remain
(4,500.00). Capitalizing the arrears gives 5,572.00 of principal; six more periods make 15
installments of 5,572.00 / 15 = 371.46 principal (the last 371.56) plus a flat fee of
5,572.00 × 0.6% = 33.43:

>>> option = restructure(state, [CapitalizeArrears(), ExtendTerm(periods=6)])
>>> option.schedule[0].payment, len(option.schedule)
(Decimal('404.89'), 15)
"""

from .changes import (
    CapitalizeArrears,
    Change,
    ChangeRate,
    DeferPrincipal,
    ExtendTerm,
    FeeBasis,
    ForgivePrincipal,
    HolidayInterest,
    PaymentHoliday,
    ReducePayment,
    ReduceRate,
    ShiftDueDates,
    Shortfall,
    WaiveFees,
)
from .comparison import AFFORDABILITY, RATE_CAPS, Comparison, ComparisonRow, compare
from .forbearance import (
    Forbearance,
    ForbearanceInterest,
    InterestPause,
    PartialClaim,
    partial_claim,
)
from .positions import ARREARS, Position, position
from .reage import (
    FineractReAge,
    ReAge,
    ReAgeInterest,
    ReAgeInterestHandling,
    ReAgePolicy,
    ReAmortizationInterestHandling,
    ReAmortize,
    fineract_re_age,
    re_age,
    re_amortize,
)
from .result import (
    Restructuring,
    capitalize_arrears,
    defer_principal,
    extend_term,
    forgive_principal,
    payment_holiday,
    reduce_payment,
    reduce_rate,
    restructure,
    waive_fees,
)
from .search import (
    MAX_CANDIDATES,
    NoFeasibleOption,
    Objective,
    OptionSearch,
    RankedOption,
    best_option,
    find_option,
)

__all__ = [
    "AFFORDABILITY",
    "ARREARS",
    "MAX_CANDIDATES",
    "RATE_CAPS",
    "CapitalizeArrears",
    "Change",
    "ChangeRate",
    "Comparison",
    "ComparisonRow",
    "DeferPrincipal",
    "ExtendTerm",
    "FeeBasis",
    "FineractReAge",
    "Forbearance",
    "ForbearanceInterest",
    "ForgivePrincipal",
    "HolidayInterest",
    "InterestPause",
    "NoFeasibleOption",
    "Objective",
    "OptionSearch",
    "PartialClaim",
    "PaymentHoliday",
    "Position",
    "RankedOption",
    "ReAge",
    "ReAgeInterest",
    "ReAgeInterestHandling",
    "ReAgePolicy",
    "ReAmortizationInterestHandling",
    "ReAmortize",
    "ReducePayment",
    "ReduceRate",
    "Restructuring",
    "ShiftDueDates",
    "Shortfall",
    "WaiveFees",
    "best_option",
    "capitalize_arrears",
    "compare",
    "defer_principal",
    "extend_term",
    "find_option",
    "fineract_re_age",
    "forgive_principal",
    "partial_claim",
    "payment_holiday",
    "position",
    "re_age",
    "re_amortize",
    "reduce_payment",
    "reduce_rate",
    "restructure",
    "waive_fees",
]
