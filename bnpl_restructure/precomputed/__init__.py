"""Precomputed (add-on) finance-charge loans: the charge fixed at signing, earned over the term.

In a *precomputed* loan the finance charge is computed once, when the contract is signed,
and added to the amount financed; the borrower owes the total of payments, split into
installments. The charge is either quoted as an **add-on rate** (principal × add-on rate ×
years: 1,700.00 at 12% add-on for 18 months is a charge of 306.00) or follows from a
**level payment** (installments × payment − amount financed). What the lender has *earned*
of that charge after each installment, and so what it must rebate when the loan is paid off
early, is a separate rule, :class:`EarningMethod`:

``ACTUARIAL``
    The charge is earned as interest at the loan's own periodic rate ``r`` (its internal
    rate of return: the rate at which the payments repay the amount financed) on the
    declining actuarial balance ``B``: installment ``k`` earns ``r · B[k-1]``, with
    ``B[0]`` the amount financed and ``B[k] = B[k-1] · (1 + r) − payment[k]``. The
    unearned charge after ``k`` installments is the payments still scheduled less the
    actuarial balance, ``Σ payment[j > k] − B[k]``. For a level payment this is the
    interest column of the annuity at the IRR.
``RULE_OF_78``
    The sum of the digits: with ``n`` installments, installment ``k`` earns
    ``(n − k + 1) / (n (n + 1) / 2)`` of the charge (12/78 of it in the first month of a
    12-month loan, hence the name), so the unearned charge after ``k`` installments is
    ``charge × (n − k)(n − k + 1) / (n (n + 1))``. It front-loads the charge beyond the
    actuarial method: the rebate is smaller.
``STRAIGHT_LINE``
    Equal shares, ``charge / n`` each (for comparison; it back-loads the charge).

Exactness
---------
Shares are exact rationals; what is rounded is the **unearned charge after each
installment**, once, by the loan's ``rounding.interest`` mode (half-up by default), and the
amount earned in installment ``k`` is the difference of two consecutive rounded unearned
amounts (:attr:`EarnedRounding.CUMULATIVE`, the default). The rebate is the amount rounded,
not the cumulative earned charge (the finance charge less it), because it is the figure a
lender quotes and the law speaks of: the two roundings agree except at an exact tie, where
half-up rounds the rebate up, as :mod:`~bnpl_restructure.servicing` does; ``interest="up"``
rounds rebates up, in the borrower's favour. So the earned amounts always add
up to the finance charge exactly, the unearned charge after ``k`` installments is the
rebate a lender quotes for a payoff at that point (the same figure
:mod:`~bnpl_restructure.servicing` computes for ``early_payoff="rule_of_78"``), and every
earned amount is within one minor unit of its exact share. Tables in textbooks round each
installment's share on its own instead (:attr:`EarnedRounding.EACH`); their amounts can
differ by a minor unit from the cumulative ones and need not add up, so there the
difference is booked to the installment that ``rounding.residual`` names.

The actuarial rate is solved by Newton's method in fixed-point integers with 60 decimals
(the discount factor ``1 / (1 + r)``); every balance is carried with 60 decimals, so an
unearned amount is within 1e-20 of a minor unit of its exact value. Where that could change
the rounding (an amount within 1e-20 of a rounding boundary), the loan's rate is checked
for being a rational number (the rate of an interest-only or a constructed loan is) and, if
it is, the amount is computed exactly. Only an irrational rate whose unearned amount falls
within 1e-20 of a minor unit of a boundary could round otherwise than the exact value.

Legal limits
------------
In the United States, 15 U.S.C. § 1615(b) requires, for any precomputed consumer credit
transaction with a term exceeding 61 months (consummated after September 30, 1993), a
refund "based on a method which is at least as favorable to the consumer as the actuarial
method": the rule of 78 is prohibited there. :meth:`PrecomputedLoan.earnings` refuses
``method="rule_of_78"`` on such a term with :class:`~bnpl_restructure.errors.InvalidTermsError`
unless ``allow_rule_of_78_over_61_months=True`` says the statute does not govern the loan.
§ 1615(a)(2) requires no refund below $1; rebates here are before any such adjustment.

References
----------
.. [1] 15 U.S.C. § 1615, *Prohibition on use of "Rule of 78's" in connection with mortgage
   refinancings and other consumer loans* (Pub. L. 102-550, title IX, § 933, 1992),
   (a) prompt refund of unearned interest, (b) use of "Rule of 78's" prohibited,
   (d)(1) the actuarial method: a payment "applied first to the accumulated finance charge
   and any remainder is subtracted from, or any deficiency is added to, the unpaid balance
   of the amount financed" (the actuarial balance here).
.. [2] 12 CFR 1026.18(d), (h) (Regulation Z): finance charge, total of payments;
   1026.18(k)(2) and its commentary 18(k)(2)-1.i.A: whether the consumer is entitled to a
   rebate of a precomputed finance charge on prepayment; a refund computed by a method
   less favorable than the actuarial method of § 1615(d) is a penalty to disclose.

Examples
--------
An 18-month add-on loan of 1,700.00 at 12% a year (the Jiskha business-math example, see
``docs/explanation/precomputed-loans.md``):

>>> from bnpl_restructure.precomputed import PrecomputedLoan
>>> loan = PrecomputedLoan.add_on("1700", add_on_rate="0.12", installments=18,
...                               start="2024-01-15", currency="USD")
>>> loan.finance_charge, loan.total_of_payments
(Decimal('306.00'), Decimal('2006.00'))
>>> by_78 = loan.earnings(method="rule_of_78")
>>> by_78.earned_in(1), by_78.earned_in(18), by_78.rebate(after_installments=3)
(Decimal('32.21'), Decimal('1.79'), Decimal('214.74'))
>>> loan.earnings(method="actuarial").rebate(after_installments=3)
Decimal('218.42')
"""

from __future__ import annotations

from ._earnings import RULE_OF_78_MAX_TERM_MONTHS as RULE_OF_78_MAX_TERM_MONTHS
from ._earnings import EarningRow, Earnings
from ._inputs import _not_whole as _not_whole
from ._loan import PrecomputedLoan
from ._methods import EarnedRounding, EarningMethod

__all__ = [
    "RULE_OF_78_MAX_TERM_MONTHS",
    "EarnedRounding",
    "EarningMethod",
    "EarningRow",
    "Earnings",
    "PrecomputedLoan",
]
