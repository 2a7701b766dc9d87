"""True annual rates of every loan: China's IRR method, Regulation Z's APR, the EU APRC.

Each loan's rate is the single-loan function's on the loan's schedule
(:func:`~bnpl_restructure.apr.cn_annualized_rate`, :func:`~bnpl_restructure.regz.reg_z_apr`,
:func:`~bnpl_restructure.apr.eu_aprc`), so every figure is the one a single-loan call
gives. A loan whose flows have no rate gets ``None`` (``NaN`` as a float).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from ..apr import cn_annualized_rate, eu_aprc
from ..errors import BnplError
from ..regz import reg_z_apr
from ..schedule import Schedule

__all__ = ["RATES", "loan_rates"]

#: The rates :func:`loan_rates` computes, by output column.
RATES: dict[str, Callable[[Schedule], Decimal]] = {
    "cn_irr": lambda s: cn_annualized_rate(s).nominal,
    "cn_irr_compound": lambda s: cn_annualized_rate(s).compound,
    "reg_z_apr": reg_z_apr,
    "eu_aprc": eu_aprc,
}


def loan_rates(schedules: list[Schedule], which: tuple[str, ...],
               exact: bool) -> dict[str, npt.NDArray[Any]]:
    """The ``which`` rates of each schedule: float64 (``NaN`` where none) or Decimal
    objects (``None`` where none) when ``exact``."""
    out: dict[str, npt.NDArray[Any]] = {}
    for name in which:
        solve = RATES[name]
        values: list[Decimal | None] = []
        for schedule in schedules:
            try:
                values.append(solve(schedule))
            except (BnplError, ArithmeticError):
                values.append(None)
        if exact:
            column = np.empty(len(values), dtype=object)
            column[:] = values
        else:
            column = np.array([np.nan if v is None else float(v) for v in values],
                              dtype=np.float64)
        out[name] = column
    return out
