"""How a precomputed charge is earned (EarningMethod) and what is rounded (EarnedRounding)."""

from __future__ import annotations

import enum
from typing import Any

from ..errors import parse_enum


class EarningMethod(enum.Enum):
    """How a precomputed finance charge is earned over the installments (module docs).

    ``ACTUARIAL``: as interest at the loan's own rate on the declining actuarial balance.
    ``RULE_OF_78``: by the sum of the digits, ``(n − k + 1) / (n (n + 1) / 2)`` in
    installment ``k``. ``STRAIGHT_LINE``: ``1 / n`` in every installment.
    """

    ACTUARIAL = "actuarial"
    RULE_OF_78 = "rule_of_78"
    STRAIGHT_LINE = "straight_line"

    @classmethod
    def parse(cls, value: Any) -> EarningMethod:
        """Accept a member, its value or its name (``"rule of 78"``), any letter case.

        Raises
        ------
        InvalidArgumentError
            ``method``: not a member or the value or name of one.
        """
        return parse_enum(cls, value, argument="method")


class EarnedRounding(enum.Enum):
    """What is rounded to minor units when the charge is split by installment.

    ``CUMULATIVE`` (default): the unearned charge after each installment, once; an
    installment's earned amount is the difference of two of them, so the amounts add up
    to the finance charge and the rebate after ``k`` installments is the rounded exact
    rebate. ``EACH``: each installment's share on its own, as printed tables do; the
    difference between their sum and the finance charge goes to the installment that
    ``rounding.residual`` names (the last by default).
    """

    CUMULATIVE = "cumulative"
    EACH = "each"

    @classmethod
    def parse(cls, value: Any) -> EarnedRounding:
        """Accept a member or its value, any letter case.

        Raises
        ------
        InvalidArgumentError
            ``earned_rounding``: not a member or the value or name of one.
        """
        return parse_enum(cls, value, argument="earned_rounding")
