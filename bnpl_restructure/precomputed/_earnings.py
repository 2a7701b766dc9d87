"""Earnings: a precomputed charge split by installment under one method, and its table."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, NamedTuple

from ..errors import InvalidArgumentError, InvalidTermsError
from ..rounding import Residual
from ._actuarial import _SCALE, _remaining, _round
from ._inputs import _whole_count
from ._loan import PrecomputedLoan
from ._methods import EarnedRounding, EarningMethod

RULE_OF_78_MAX_TERM_MONTHS: Final[int] = 61
"""The longest term, in months, on which 15 U.S.C. § 1615(b) allows the rule of 78."""


class EarningRow(NamedTuple):
    """One installment of :attr:`Earnings.rows`, money in major units.

    ``unearned`` is the finance charge not yet earned once installment ``number`` is paid:
    the rebate if the loan is paid off then; ``payoff`` is the payments still scheduled
    less that rebate.
    """

    number: int
    due_date: date
    payment: Decimal
    earned: Decimal
    unearned: Decimal
    payoff: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Earnings:
    """A precomputed loan's finance charge split by installment under one method.

    Build with :meth:`PrecomputedLoan.earnings`. Installment ``k`` runs from 1 to ``n``;
    "after ``k``" means once installments 1 to ``k`` are paid (``k = 0``: at signing).

    Parameters
    ----------
    loan
        The :class:`PrecomputedLoan`.
    method, earned_rounding, allow_rule_of_78_over_61_months
        See :meth:`PrecomputedLoan.earnings`.

    Raises
    ------
    InvalidArgumentError
        ``loan`` is not a :class:`PrecomputedLoan`; ``method`` or ``earned_rounding`` is
        unknown; ``allow_rule_of_78_over_61_months`` is not True or False.
    InvalidTermsError
        ``method``: the rule of 78 on a term over 61 months without the override;
        ``earned_rounding``: rounding each share on its own overshoots the charge.

    Examples
    --------
    >>> loan = PrecomputedLoan.add_on("1000", add_on_rate="0.10", installments=3,
    ...                               start="2024-01-15", currency="USD")
    >>> table = loan.earnings(method="rule_of_78")
    >>> table
    <Earnings rule_of_78: USD finance charge 25.00 over 3 installments, cumulative rounding>
    >>> print(table.to_text())
    #  due date     payment  earned  unearned = rebate    payoff
    ------------------------------------------------------------
    0  2024-01-15                               25.00  1,000.00
    1  2024-02-15    341.66   12.50              12.50    670.84
    2  2024-03-15    341.66    8.33               4.17    337.51
    3  2024-04-15    341.68    4.17               0.00      0.00
    ------------------------------------------------------------
       total       1,025.00   25.00
    """

    loan: PrecomputedLoan
    method: EarningMethod = EarningMethod.ACTUARIAL
    earned_rounding: EarnedRounding = EarnedRounding.CUMULATIVE
    allow_rule_of_78_over_61_months: bool = False
    _unearned: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _remaining: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.loan, PrecomputedLoan):
            raise InvalidArgumentError("loan", "must be a PrecomputedLoan",
                                       received=self.loan)
        method = EarningMethod.parse(self.method)
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "earned_rounding",
                           EarnedRounding.parse(self.earned_rounding))
        if not isinstance(self.allow_rule_of_78_over_61_months, bool):
            raise InvalidArgumentError("allow_rule_of_78_over_61_months", "must be True or "
                                       "False", received=self.allow_rule_of_78_over_61_months)
        months = self.loan.term_months
        if method is EarningMethod.RULE_OF_78 and months > RULE_OF_78_MAX_TERM_MONTHS \
                and not self.allow_rule_of_78_over_61_months:
            raise InvalidTermsError(
                "method", "the rule of 78 is prohibited for a precomputed consumer credit "
                f"transaction with a term exceeding {RULE_OF_78_MAX_TERM_MONTHS} months (15 "
                f"U.S.C. § 1615(b): the refund must be at least as favorable to the consumer "
                f"as the actuarial method); this loan's term is {months} months. Use "
                "method='actuarial', or pass allow_rule_of_78_over_61_months=True for a loan "
                "the statute does not govern", received=method.value)
        object.__setattr__(self, "_remaining", _remaining(self.loan.payments))
        object.__setattr__(self, "_unearned", self._compute())

    def _exact_shares(self) -> tuple[list[int], int, Callable[[int], Fraction] | None]:
        """The unearned charge after k = 0..n installments as numerators over one
        denominator (exact for the rule of 78 and straight line, 60 decimals for the
        actuarial method), and the exact value after k where the numerators are not."""
        loan = self.loan
        charge, n = loan._charge, loan.installments
        if self.method is EarningMethod.RULE_OF_78:
            return [charge * (n - k) * (n - k + 1) for k in range(n + 1)], n * (n + 1), None
        if self.method is EarningMethod.STRAIGHT_LINE:
            return [charge * (n - k) for k in range(n + 1)], n, None
        solved = loan._solved()
        remaining = self._remaining
        numerators = [remaining[k] * _SCALE - solved.balances[k] for k in range(n + 1)]
        numerators[0], numerators[n] = charge * _SCALE, 0  # by definition of the rate
        exact_balances = solved.exact_balances
        if exact_balances is None:
            return numerators, _SCALE, None

        def exact(k: int) -> Fraction:
            numerator, power = exact_balances[k]
            return Fraction(remaining[k] * power - numerator, power)

        return numerators, _SCALE, exact

    def _compute(self) -> tuple[int, ...]:
        """The rounded unearned charge after k = 0..n installments, minor units."""
        loan = self.loan
        mode = loan.rounding.interest
        numerators, denominator, exact = self._exact_shares()
        n = loan.installments

        def at(k: int) -> Callable[[], Fraction] | None:
            return None if exact is None else (lambda: exact(k))

        if self.earned_rounding is EarnedRounding.CUMULATIVE:
            return tuple(_round(numerators[k], denominator, mode, at(k)) for k in range(n + 1))

        def share_exact(k: int) -> Callable[[], Fraction] | None:
            return None if exact is None else (lambda: exact(k - 1) - exact(k))

        earned = [_round(numerators[k - 1] - numerators[k], denominator, mode, share_exact(k))
                  for k in range(1, n + 1)]
        residual_at = -1 if loan.rounding.residual is Residual.LAST else 0
        earned[residual_at] += loan._charge - sum(earned)
        if earned[residual_at] < 0:
            raise InvalidTermsError(
                "earned_rounding", "rounding each installment's share on its own overshoots "
                f"the finance charge {loan._fmt(loan._charge)} by more than the share of the "
                "installment that takes the difference; use earned_rounding='cumulative'",
                received=self.earned_rounding.value)
        unearned = [loan._charge]
        for amount in earned:
            unearned.append(unearned[-1] - amount)
        return tuple(unearned)

    # -------------------------------------------------------------------- measures

    def _after(self, value: Any, argument: str) -> int:
        return _whole_count(value, argument=argument, low=0, high=self.loan.installments)

    @property
    def finance_charge(self) -> Decimal:
        """The finance charge being earned, major units."""
        return self.loan.finance_charge

    @property
    def earned(self) -> tuple[Decimal, ...]:
        """The charge earned in each installment, 1 to ``n``; they add up to the finance
        charge exactly."""
        u = self._unearned
        return tuple(self.loan._major(u[k - 1] - u[k]) for k in range(1, len(u)))

    def earned_in(self, installment: int) -> Decimal:
        """The charge earned in installment ``installment`` (1 to ``n``).

        Raises
        ------
        InvalidArgumentError
            ``installment`` is not a whole number from 1 to the number of installments.
        """
        k = _whole_count(installment, argument="installment", low=1,
                         high=self.loan.installments)
        return self.loan._major(self._unearned[k - 1] - self._unearned[k])

    def unearned_after(self, installments_paid: int) -> Decimal:
        """The charge not yet earned once ``installments_paid`` installments (0 to ``n``)
        are paid: the whole charge at 0, nothing at ``n``.

        Raises
        ------
        InvalidArgumentError
            ``installments_paid`` is not a whole number from 0 to the number of installments.
        """
        return self.loan._major(self._unearned[self._after(installments_paid,
                                                           "installments_paid")])

    def rebate(self, *, after_installments: int) -> Decimal:
        """The rebate of the finance charge on a payoff after ``after_installments``
        installments: the unearned charge then, before any legal adjustment (such as
        15 U.S.C. § 1615(a)(2): no refund below $1).

        Raises
        ------
        InvalidArgumentError
            ``after_installments`` is not a whole number from 0 to the number of installments.
        """
        return self.loan._major(self._unearned[self._after(after_installments,
                                                           "after_installments")])

    def payoff(self, *, after_installments: int) -> Decimal:
        """What pays the loan off after ``after_installments`` installments: the payments
        still scheduled less the rebate (the amount financed at 0, nothing at ``n``; the
        actuarial balance under the actuarial method).

        Raises
        ------
        InvalidArgumentError
            ``after_installments`` is not a whole number from 0 to the number of installments.
        """
        k = self._after(after_installments, "after_installments")
        return self.loan._major(self._remaining[k] - self._unearned[k])

    @property
    def rows(self) -> tuple[EarningRow, ...]:
        """One :class:`EarningRow` per installment."""
        loan, u = self.loan, self._unearned
        major = loan._major
        return tuple(EarningRow(k, loan.due_dates[k - 1], major(loan.payments[k - 1]),
                                major(u[k - 1] - u[k]), major(u[k]),
                                major(self._remaining[k] - u[k]))
                     for k in range(1, loan.installments + 1))

    # ----------------------------------------------------------------- presentation

    def __repr__(self) -> str:
        loan = self.loan
        word = "installment" if loan.installments == 1 else "installments"
        return (f"<Earnings {self.method.value}: {loan.currency.code} finance charge "
                f"{loan._fmt(loan._charge)} over {loan.installments} {word}, "
                f"{self.earned_rounding.value} rounding>")

    def _table(self) -> tuple[list[str], list[list[str]], list[str]]:
        loan, u, fmt = self.loan, self._unearned, self.loan._fmt
        header = ["#", "due date", "payment", "earned", "unearned = rebate", "payoff"]
        body = [["0", loan.start.isoformat(), "", "", fmt(u[0]), fmt(loan.principal)]]
        body += [[str(k), loan.due_dates[k - 1].isoformat(), fmt(loan.payments[k - 1]),
                  fmt(u[k - 1] - u[k]), fmt(u[k]), fmt(self._remaining[k] - u[k])]
                 for k in range(1, loan.installments + 1)]
        total = ["", "total", fmt(sum(loan.payments)), fmt(loan._charge), "", ""]
        return header, body, total

    def to_text(self) -> str:
        """A plain-text table: per installment the payment, the charge earned, the
        unearned charge (the rebate on a payoff then) and the payoff; row 0 is signing."""
        header, body, total = self._table()
        widths = [max(map(len, column)) for column in zip(header, *body, total, strict=True)]

        def line(cells: list[str]) -> str:
            return "  ".join(cell.ljust(width) if i == 1 else cell.rjust(width)
                             for i, (cell, width) in enumerate(zip(cells, widths,
                                                                   strict=True))).rstrip()

        rule = "-" * len(line(header))
        return "\n".join([line(header), rule, *map(line, body), rule, line(total)])

    def __str__(self) -> str:
        return f"{self!r}\n{self.to_text()}"

    def _repr_html_(self) -> str:
        header, body, total = self._table()

        def row(cells: list[str], tag: str) -> str:
            return "<tr>" + "".join(
                f'<{tag} style="text-align:{"left" if i == 1 else "right"}">'
                f"{html.escape(cell)}</{tag}>" for i, cell in enumerate(cells)) + "</tr>"

        return (f"<div><p>{html.escape(repr(self))}</p><table><thead>{row(header, 'th')}"
                "</thead><tbody>" + "".join(row(cells, "td") for cells in body)
                + f"</tbody><tfoot>{row(total, 'th')}</tfoot></table></div>")
