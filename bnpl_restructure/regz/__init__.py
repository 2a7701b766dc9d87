"""Regulation Z (12 CFR Part 1026): the annual percentage rate of closed-end credit.

This module implements the actuarial method of Appendix J from calendar dates:

1. the **unit-period** is chosen as Appendix J (b)(4) says (:func:`choose_unit_period`);
2. the time from the beginning of the term to every advance and every payment is counted
   in **full unit-periods and a fraction of a unit-period** by (b)(5)
   (:func:`unit_periods`);
3. the **general equation** of (b)(8) is solved for the unit-period rate ``i``::

       Σ_k A_k / ((1 + f_k·i)(1 + i)^t_k)  =  Σ_j P_j / ((1 + e_j·i)(1 + i)^q_j)

   (advances ``A`` on the left, payments ``P`` on the right; ``t``/``q`` full unit-periods,
   ``f``/``e`` the fractions, discounted at simple interest for the fraction, (b)(6));
4. the APR is the nominal rate ``i × unit-periods per year`` ((b)(1)).

It also gives the Regulation Z amounts of a :class:`~bnpl_restructure.schedule.Schedule`
(amount financed, finance charge, total of payments: 1026.18(b), (d), (h)) and the
tolerance checks of 1026.22(a)(2)-(3) for a disclosed APR (:func:`check_apr`) and of
1026.18(d) for a disclosed finance charge (:func:`check_finance_charge`).

Money stays :class:`~decimal.Decimal` throughout; only the root finding itself runs in
float64 (:func:`bnpl_restructure.solver.solve_rates`, accurate to about 1e-13 per
unit-period), and the APR is returned as a ``Decimal`` fraction with 12 decimals
(``Decimal('0.096907...')`` is 9.69%).

Decisions where the text leaves room (each is documented where it is made):

- **Month-end series** ((b)(3)(iv)): months are counted back from a payment date on the
  day of the month the *series* is scheduled for. The scheduled day is read from the
  dates: if every payment falls on day ``D`` or on the last day of a month shorter than
  ``D``, the series is on day ``D`` (``D = 31`` means "the last day of each month", so
  Mar 31 → Feb 28 → Jan 31; ``D = 30`` uses the last day of February when applicable).
  Otherwise each date is measured on its own day of the month.
- **Semimonths**: Appendix J names the semimonth but does not define it by days. A period
  of 13-16 days is a semimonth when it and the next (or previous) period of the same
  series together make exactly one month (the 1st/16th or 15th/last-day pattern).
- **No common period** ((b)(4)(i)(B)): the average period is measured in days and
  compared with day = 1, ``k`` weeks = ``7k``, semimonth = 365/24, ``k`` months =
  ``365k/12`` and year = 365 days; a tie goes to the shorter interval, as the text says.
- **Single advance, single payment** ((b)(4)(ii), (b)(5)(vi)-(vii)): the unit-period is
  the term; a term of whole months uses 12 ÷ months per year (the text allows that or
  365 ÷ days; pass ``UnitPeriod.term(days=...)`` for the latter); a term longer than a
  year uses the year as unit-period ((b)(5)(v)).
- **Term start** ((b)(2)): the term begins on the (first) advance date; every advance and
  payment is timed from it. A payment due on the advance date (pay-in-4) is a payment at
  time 0, which gives the same rate as treating it as a downpayment.
- **Irregular transactions** (1026.22(a)(3)): a transaction is irregular if it has more
  than one advance date, if the periods between consecutive payments are not all the
  same standard interval (the first period, advance to first payment, is excluded), or if
  a payment other than the first or the final one differs from the others.

References
----------
.. [1] 12 CFR Part 1026 (Regulation Z), Appendix J, Annual Percentage Rate Computations
   for Closed-End Credit Transactions, paragraphs (b)(1)-(b)(9) and (c),
   https://www.consumerfinance.gov/rules-policy/regulations/1026/j/
.. [2] 12 CFR 1026.22(a)(2)-(a)(3), Determination of annual percentage rate (accuracy
   tolerances), https://www.consumerfinance.gov/rules-policy/regulations/1026/22/
.. [3] 12 CFR 1026.18(b), (d), (e), (h), Content of disclosures,
   https://www.consumerfinance.gov/rules-policy/regulations/1026/18/

Examples
--------
Appendix J (c)(1)(i): $5,000 advanced on 10 January 1978, 24 monthly payments of $230
from 10 February 1978; the APR is 9.69%.

>>> from datetime import date
>>> payments = [(date(1978 + (1 + k) // 12, (1 + k) % 12 + 1, 10), "230.00")
...             for k in range(24)]
>>> apr = reg_z_apr("5000.00", payments, advance_date="1978-01-10")
>>> apr
Decimal('0.096857080623')
>>> f"{apr * 100:.2f}%"
'9.69%'
>>> check_apr("0.0969", payments, amount_financed="5000.00",
...           advance_date="1978-01-10").accurate
True
"""

from __future__ import annotations

from ._amounts import amount_financed, finance_charge, total_of_payments
from ._apr import _apr_of as _apr_of
from ._apr import _resolve as _resolve
from ._apr import _solve as _solve
from ._apr import _unit_times as _unit_times
from ._apr import reg_z_apr
from ._common import _APR_QUANTUM as _APR_QUANTUM
from ._common import _CONTEXT as _CONTEXT
from ._common import APR_PLACES as APR_PLACES
from ._common import IRREGULAR_TOLERANCE as IRREGULAR_TOLERANCE
from ._common import REGULAR_TOLERANCE as REGULAR_TOLERANCE
from ._common import UnitPeriodKind
from ._tolerance import AprCheck, FinanceChargeCheck, check_apr, check_finance_charge
from ._units import UnitPeriod, choose_unit_period, unit_periods
from ._units import _choose as _choose
from ._units import _series_day as _series_day

__all__ = [
    "AprCheck",
    "FinanceChargeCheck",
    "UnitPeriod",
    "UnitPeriodKind",
    "amount_financed",
    "check_apr",
    "check_finance_charge",
    "choose_unit_period",
    "finance_charge",
    "reg_z_apr",
    "total_of_payments",
    "unit_periods",
]
