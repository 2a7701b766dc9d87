"""Output frames: pandas, polars or Arrow, money as int64 minor units, float or Decimal.

A result is first a dict of numpy columns (money in integer minor units, dates as
``datetime64[D]``, rates as float64 or Decimal objects), then converted to the frame the
caller asked for. Money is converted per row with the row's currency exponent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InvalidArgumentError

__all__ = ["MONEY", "TO", "convert_money", "to_frame"]

#: Frame types ``to=`` accepts.
TO = ("pandas", "polars", "arrow")
#: Money representations ``money=`` accepts.
MONEY = ("minor", "float", "decimal")


def check_options(to: str, money: str) -> None:
    """Refuse an unknown ``to`` or ``money`` before any work is done."""
    if to not in TO:
        raise InvalidArgumentError("to", f"must be one of {TO}", received=to)
    if money not in MONEY:
        raise InvalidArgumentError("money", f"must be one of {MONEY}", received=money)


def _fits_int64(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    if values.dtype != object:
        return values.astype(np.int64, copy=False)
    if values.size == 0 or max(abs(int(values.max())), abs(int(values.min()))) < 2**63:
        return values.astype(np.int64)
    return values


def convert_money(minor: npt.NDArray[Any], exponent: npt.NDArray[np.int64] | int,
                  money: str) -> npt.NDArray[Any]:
    """Minor units as ``money`` asks: int64 (object ints beyond int64), float64 major
    units (``minor / 10**exponent``, correctly rounded), or Decimal major units."""
    if money == "minor":
        return _fits_int64(minor)
    scale = np.power(10, np.asarray(exponent, dtype=np.int64))
    if money == "float":
        if minor.dtype == object:
            return np.array([int(m) / int(s) for m, s in np.broadcast(minor, scale)],
                            dtype=np.float64)
        return minor.astype(np.float64) / scale
    out = np.empty(minor.shape, dtype=object)
    exps = np.broadcast_to(np.asarray(exponent, dtype=np.int64), minor.shape)
    for k, (m, e) in enumerate(zip(minor.tolist(), exps.tolist(), strict=True)):
        out[k] = Decimal(f"{int(m)}e-{e}")  # exact: as Currency.to_major, e places
    return out


def to_frame(columns: Mapping[str, npt.NDArray[Any] | Sequence[Any]], to: str, *,
             owned: bool = False) -> Any:
    """The columns as a pandas or polars DataFrame or a pyarrow Table; ``owned``: the
    arrays are the frame's own (no one else holds them), pandas takes them as they are."""
    if to == "pandas":
        import pandas as pd

        # owned columns are not copied into 2-D blocks, which costs seconds and doubles
        # the memory of a million-loan schedule
        return pd.DataFrame(dict(columns), copy=not owned)
    plain = {k: v.tolist() if isinstance(v, np.ndarray) and v.dtype == object else v
             for k, v in columns.items()}
    if to == "polars":
        import polars as pl

        return pl.DataFrame(plain)
    import pyarrow as pa

    return pa.table({k: pa.array(v) for k, v in plain.items()})
