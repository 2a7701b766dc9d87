"""Time-value functions with Excel's arguments: PMT, IPMT, PPMT, NPER, PV, FV, RATE, NPV, MIRR.

Every function takes the arguments of the Excel function of the same name, in the same
order and with the same sign convention (money paid out is negative, money received
positive, as in numpy-financial): ``pmt(rate, nper, pv, fv=0, when="end")`` is
``=PMT(rate, nper, pv, fv, type)``. ``when`` is ``"end"`` (Excel's type 0, the default)
or ``"begin"`` (type 1); the numbers 0 and 1 and :class:`Timing` members are accepted
too. The short names ``pv``, ``fv``, ``nper`` and ``when`` break the library's rule of
self-explaining names on purpose: these functions exist so that a spreadsheet formula
can be carried over argument by argument.

The equation behind all of them is Excel's (see the PV function's documentation): with
``r`` the periodic rate, ``n`` the number of periods and ``w`` 1 for payments at the
beginning of each period, 0 at the end,

.. math:: pv\\,(1+r)^n + pmt\\,(1 + r w)\\,\\frac{(1+r)^n - 1}{r} + fv = 0

and, at ``r = 0``, ``pv + pmt·n + fv = 0``.

Exactness
---------
Inputs are exact: ``Decimal``, ``int``, ``str`` (a plain decimal numeral), ``float``
(read by its shortest repr, so ``0.1`` is one tenth) or ``fractions.Fraction`` (any
rational, so a monthly rate can be given exactly as ``Fraction("0.08") / 12``). NaN,
infinities and ``bool`` are refused.

- :func:`pmt`, :func:`ipmt`, :func:`ppmt`, :func:`pv`, :func:`fv` and :func:`npv` are
  rational functions of rational inputs when the number of periods is a whole number
  (it must be here). They are computed **exactly**, in integers, and the exact value is
  rounded **once**:

  - by default to 28 significant digits, half-even (the exact value itself whenever
    it has at most 28 significant digits, trailing zeros dropped): ``Decimal('-100')``,
    ``Decimal('-1037.032089359152175652094829')``;
  - with ``places=`` (a number of decimals) or ``currency=`` (that currency's minor
    unit, 2 for CNY, 0 for JPY) to that many decimals with ``rounding=`` (a
    :class:`~bnpl_restructure.rounding.RoundingMode`, half-up by default, the
    library's and Excel's ROUND rule: ties away from zero). ``pmt(...,
    currency="CNY")`` is the payment as a spreadsheet shows it, ``=ROUND(PMT(...), 2)``,
    but rounded from the exact value, never from a float.

- :func:`nper` and :func:`mirr` are logarithms and roots, irrational in general:
  they are evaluated in closed form with 50-digit decimal arithmetic (more digits where
  a logarithm's argument is close to 1) and rounded half-even to 28 significant
  digits; a result that is a short decimal comes out as one (``Decimal('2')``).
- :func:`rate` solves the equation: the library's rate solver
  (:mod:`bnpl_restructure.solver`) locates the root, or Excel's ``guess`` starts the
  iteration, and a secant iteration in 60-digit decimal arithmetic refines it until a
  step is below 1e-32 of the rate; the root is rounded to 28 significant digits. For a
  loan (advance, then repayments: one change of sign) the root is simple and the
  result is accurate to a unit in its last digit.

Every ``Decimal`` computation runs in contexts built by
:func:`~bnpl_restructure._context.make_context`; the caller's ``decimal`` context never
changes a figure.

Limits
------
``nper`` (and ``per``) must be whole numbers from 1 to 100,000, and the exact functions
refuse work whose integers would exceed 400,000 digits: ``nper`` times the digits of
the rate's numerator and denominator (``Fraction("0.08") / 12`` is 2/150: 4 digits,
so up to 100,000 periods; the float 0.006666666666666667 is 6666666666666667/10**18:
35 digits, so up to about 11,000). Amounts and rates must be zero or between 1e-400 and
1e400 in absolute value (every finite float is), with at most 420 digits in the numerator
and the denominator of their exact value.

Errors
------
Bad input raises :class:`~bnpl_restructure.errors.InvalidArgumentError` naming the
argument; an equation without a solution raises
:class:`~bnpl_restructure.errors.NoSolutionError` (and a rate iteration that does not
converge :class:`~bnpl_restructure.errors.ConvergenceError`). Never NaN, never None.
Two deliberate differences from Excel: a negative number of periods (Excel's
``=NPER(1%, -100, -1000)`` is -9.57859404) is refused as no solution, and a fractional
``nper`` is refused where Excel would evaluate the formula with a fractional power.

References
----------
.. [1] Microsoft, Excel functions PMT, IPMT, PPMT, NPER, PV, FV, RATE, NPV and MIRR,
   https://support.microsoft.com/en-us/excel (each function's page; the examples
   below reproduce their example tables).
.. [2] numpy-financial 1.0, https://numpy.org/numpy-financial/ (same conventions;
   ``numpy_financial.npv`` discounts its first value zero periods, Excel's NPV one).

Examples
--------
>>> from fractions import Fraction
>>> from bnpl_restructure.tvm import pmt, ipmt, ppmt
>>> monthly = Fraction("0.08") / 12
>>> pmt(monthly, 10, 10000, currency="USD")
Decimal('-1037.03')
>>> ipmt(monthly, 1, 10, 10000, currency="USD"), ppmt(monthly, 1, 10, 10000, currency="USD")
(Decimal('-66.67'), Decimal('-970.37'))
"""

from __future__ import annotations

from ._annuity import fv, ipmt, pmt, ppmt, pv
from ._cashflows import mirr, npv
from ._inputs import MAX_PERIODS as MAX_PERIODS
from ._inputs import Timing, TimingLike
from ._nper import nper
from ._solve_rate import rate

__all__ = [
    "Timing",
    "TimingLike",
    "fv",
    "ipmt",
    "mirr",
    "nper",
    "npv",
    "pmt",
    "ppmt",
    "pv",
    "rate",
]
