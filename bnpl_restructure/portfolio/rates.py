"""True annual rates of every loan: China's IRR method, Regulation Z's APR, the EU APRC.

Each figure is the single-loan function's on the loan's schedule
(:func:`~bnpl_restructure.apr.cn_annualized_rate`, :func:`~bnpl_restructure.regz.reg_z_apr`,
:func:`~bnpl_restructure.apr.eu_aprc`), computed for the whole book at once: the flows'
times depend only on the dates (the start and the due dates), which loans of one start,
frequency and term share, so each distinct date sequence's times (Regulation Z's
unit-periods and fractions, the EU's years, China's periods) are computed once by the
single-loan functions' own helpers; every loan's flows ``[-advance, payment_1, ...]`` then
go to :func:`~bnpl_restructure.solver.solve_rates` in one call, rows padded with zero
flows at their last time (a zero flow adds exactly nothing, and each row is solved
on its own), and each rate is finished (annualized, quantized) as the single function
does. A loan whose rate is beyond (-50%, 100%) a period is solved again on its own (far
from any real loan the solver's last step can differ by an ulp between a book and a single
row). Loans with a zero payment, amounts beyond 2**53 minor units, or any book whose
solve fails as a whole, are computed loan by loan by the single functions. A property
test asserts equality with the single functions (``tests/test_portfolio.py``).

A loan whose flows have no rate gets ``None`` (``NaN`` as a float).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from ..apr import TimeBasis, _cn_annual, _eu_years, cn_annualized_rate, eu_aprc
from ..apr import _cn_times as _cn_payment_times
from ..calendar import Frequency
from ..errors import BnplError
from ..regz import (
    _APR_QUANTUM,
    UnitPeriod,
    _apr_of,
    _choose,
    _unit_times,
    reg_z_apr,
)
from ..schedule import Schedule
from ..solver import solve_rates, to_decimal_rate

__all__ = ["RATES", "Flows", "loan_rates"]

#: The rates :func:`loan_rates` computes, by output column (the single-loan function).
RATES: dict[str, Callable[[Schedule], Decimal]] = {
    "cn_irr": lambda s: cn_annualized_rate(s).nominal,
    "cn_irr_compound": lambda s: cn_annualized_rate(s).compound,
    "reg_z_apr": reg_z_apr,
    "eu_aprc": eu_aprc,
}
_PLACES = 12
_EXACT_FLOAT = 2**53


@dataclass(frozen=True, slots=True)
class Flows:
    """A book's flows: ``payments[offsets[k]:offsets[k+1]]`` are loan ``k``'s (minor
    units), ``principal[k]`` its advance, ``exponent[k]`` its currency's exponent,
    ``start``, ``due_dates`` and ``frequency`` its dates; ``schedule(k)`` builds its
    :class:`~bnpl_restructure.schedule.Schedule` for the loan-by-loan path."""

    principal: npt.NDArray[Any]
    payments: npt.NDArray[Any]
    offsets: npt.NDArray[np.int64]
    exponent: npt.NDArray[np.int64]
    start: Sequence[date]
    due_dates: Sequence[tuple[date, ...]]
    frequency: Sequence[Frequency | None]
    schedule: Callable[[int], Schedule]


# -------------------------------------------------------------------- times per sequence


def _cn_times(start: date, due: tuple[date, ...], frequency: Frequency | None
              ) -> tuple[list[float], float] | None:
    """China's flow times in periods (the advance at 0) and the periods a year, as
    :func:`~bnpl_restructure.apr.cn_annualized_rate` measures them."""
    if frequency is None:
        return None
    ppy = frequency.periods_per_year
    return [0.0, *_cn_payment_times(start, due, frequency, ppy)], float(ppy)


def _eu_times(start: date, due: tuple[date, ...]) -> list[float]:
    return [float(_eu_years(start, d, TimeBasis.CALENDAR)) for d in (start, *due)]


def _reg_z_times(start: date, due: tuple[date, ...]
                 ) -> tuple[list[float], list[float], UnitPeriod]:
    """Regulation Z's unit-periods and fractions of the advance and each payment (as
    reg_z_apr, every payment nonzero)."""
    unit = _choose(start, [start], list(due))
    lent = _unit_times(start, [start], unit)
    paid = _unit_times(start, list(due), unit)
    return lent[0] + paid[0], lent[1] + paid[1], unit


# -------------------------------------------------------------------- finishing a rate


def _cn_nominal(rate: float, ppy: float) -> Decimal:
    return _cn_annual(rate, ppy)[0]


def _cn_compound(rate: float, ppy: float) -> Decimal | None:
    return _cn_annual(rate, ppy)[1]


# -------------------------------------------------------------------- the whole book


def _one_by_one(flows: Flows, loans: Sequence[int], name: str
                ) -> dict[int, Decimal | None]:
    solve = RATES[name]
    out: dict[int, Decimal | None] = {}
    for k in loans:
        try:
            out[k] = solve(flows.schedule(k))
        except (BnplError, ArithmeticError):
            out[k] = None
    return out


def _extreme(flows: Flows, loans: npt.NDArray[np.intp], rates: npt.NDArray[np.float64],
             name: str) -> dict[int, Decimal | None]:
    """Loans whose rate a period is beyond (-50%, 100%), solved again one by one: far
    outside any loan's rates the solver's last step may differ by a unit in the last
    place between a book and a single row (a 0.01 advance repaid by 1.00 a month)."""
    wild = np.flatnonzero(~((rates > -0.5) & (rates < 1.0)))
    return _one_by_one(flows, loans[wild].tolist(), name) if wild.size else {}


def _matrix(loans: npt.NDArray[np.intp], rows: list[list[float]],
            code: npt.NDArray[np.intp], width: int) -> npt.NDArray[np.float64]:
    """Per loan a row of ``width`` values: its sequence's row, then its last value."""
    table = np.array([row + [row[-1]] * (width - len(row)) for row in rows],
                     dtype=np.float64)
    return table[code[loans]]


def loan_rates(flows: Flows, which: tuple[str, ...], exact: bool
               ) -> dict[str, npt.NDArray[Any]]:
    """The ``which`` rates of every loan: float64 (``NaN`` where none) or Decimal
    objects (``None`` where none) when ``exact``."""
    loans = len(flows.principal)
    counts = np.diff(flows.offsets)
    width = int(counts.max()) + 1 if loans else 1
    # the loans the book solves at once: every payment nonzero, amounts exact in float64
    payments = flows.payments
    exact_float = payments.dtype != object and (
        not payments.size or int(np.abs(payments).max()) < _EXACT_FLOAT)
    principal = np.array(flows.principal, dtype=object)
    zero_paid = np.zeros(loans, dtype=bool)
    if payments.size:
        zero_at = np.flatnonzero(payments == 0)
        zero_paid[np.searchsorted(flows.offsets, zero_at, side="right") - 1] = True
    big = np.array([abs(int(p)) >= _EXACT_FLOAT for p in principal.tolist()], dtype=bool)
    together = np.flatnonzero(~zero_paid & ~big) if exact_float else np.zeros(0, np.intp)
    alone = np.setdiff1d(np.arange(loans), together)
    # distinct date sequences
    seen: dict[tuple[int, date, Frequency | None], int] = {}
    keys: list[tuple[date, tuple[date, ...], Frequency | None]] = []
    code = np.empty(loans, dtype=np.intp)
    for k in range(loans):
        due, start, frequency = flows.due_dates[k], flows.start[k], flows.frequency[k]
        c = seen.get((id(due), start, frequency))
        if c is None:
            c = seen[(id(due), start, frequency)] = len(keys)
            keys.append((start, due, frequency))
        code[k] = c
    amounts = np.zeros((together.size, width), dtype=np.float64)
    if together.size:
        scale = 10.0 ** flows.exponent[together]
        amounts[:, 0] = -principal[together].astype(np.float64) / scale
        mask = np.arange(width - 1)[None, :] < counts[together][:, None]
        starts = flows.offsets[together]
        index = (starts[:, None] + np.arange(width - 1)[None, :])[mask]
        amounts[:, 1:][mask] = payments[index].astype(np.float64) \
            / np.repeat(scale, counts[together])
    out: dict[str, npt.NDArray[Any]] = {}
    for name in which:
        values: dict[int, Decimal | None] = _one_by_one(flows, alone.tolist(), name)
        values.update(_together(name, flows, together, amounts, keys, code, width))
        ordered = [values[k] for k in range(loans)]
        if exact:
            column = np.empty(loans, dtype=object)
            column[:] = ordered
        else:
            column = np.array([np.nan if v is None else float(v) for v in ordered],
                              dtype=np.float64)
        out[name] = column
    return out


def _together(name: str, flows: Flows, together: npt.NDArray[np.intp],
              amounts: npt.NDArray[np.float64],
              keys: list[tuple[date, tuple[date, ...], Frequency | None]],
              code: npt.NDArray[np.intp], width: int) -> dict[int, Decimal | None]:
    """``name`` for the loans solved at once (loan by loan if the book's solve fails)."""
    if not together.size:
        return {}
    out: dict[int, Decimal | None] = {}
    try:
        if name.startswith("cn_irr"):
            cn = [_cn_times(start, due, frequency) for start, due, frequency in keys]
            if any(c is None for c in cn):
                return _one_by_one(flows, together.tolist(), name)
            times = _matrix(together, [c[0] for c in cn if c], code, width)
            rates = solve_rates(amounts, times, argument="plan")
            out.update(_extreme(flows, together, rates, name))
            finish = _cn_nominal if name == "cn_irr" else _cn_compound
            ppy = [c[1] for c in cn if c]
            for k, rate in zip(together.tolist(), rates.tolist(), strict=True):
                if k not in out:
                    out[k] = finish(rate, ppy[code[k]])
        elif name == "eu_aprc":
            times = _matrix(together, [_eu_times(s, d) for s, d, _ in keys], code,
                            width)
            rates = solve_rates(amounts, times, argument="payments")
            out.update(_extreme(flows, together, rates, name))
            for k, rate in zip(together.tolist(), rates.tolist(), strict=True):
                if k not in out:
                    out[k] = to_decimal_rate(float(rate), _PLACES)
        else:
            return _reg_z_together(flows, together, amounts, keys, code, width)
    except (BnplError, ArithmeticError):
        return _one_by_one(flows, together.tolist(), name)
    return out


def _reg_z_together(flows: Flows, together: npt.NDArray[np.intp],
                    amounts: npt.NDArray[np.float64],
                    keys: list[tuple[date, tuple[date, ...], Frequency | None]],
                    code: npt.NDArray[np.intp], width: int) -> dict[int, Decimal | None]:
    out: dict[int, Decimal | None] = {}
    per_key: list[tuple[list[float], list[float], UnitPeriod] | None] = []
    for start, due, _ in keys:
        try:
            per_key.append(_reg_z_times(start, due))
        except BnplError:
            per_key.append(None)
    # a loan whose payments add up to its advance has an APR of exactly zero
    paid = np.add.reduceat(flows.payments, flows.offsets[:-1].astype(np.intp)) \
        if flows.payments.size else np.zeros(0, np.int64)
    principal = np.array(flows.principal, dtype=object)
    solve: list[int] = []
    for k in together.tolist():
        if per_key[code[k]] is None:
            out[k] = None
        elif int(paid[k]) == int(principal[k]):
            out[k] = Decimal(0).quantize(_APR_QUANTUM)
        else:
            solve.append(k)
    if solve:
        chosen = np.asarray(solve, dtype=np.intp)
        position = np.searchsorted(together, chosen)
        rows = [p if p is not None else ([0.0], [0.0], UnitPeriod.year()) for p in per_key]
        times = _matrix(chosen, [r[0] for r in rows], code, width)
        parts = _matrix(chosen, [r[1] for r in rows], code, width)
        rates = solve_rates(amounts[position], times, parts, argument="payments")
        out.update(_extreme(flows, chosen, rates, "reg_z_apr"))
        for k, rate in zip(solve, rates.tolist(), strict=True):
            if k not in out:
                out[k] = _apr_of(rate, rows[code[k]][2])
    return out
