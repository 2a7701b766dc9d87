"""A loan book's columns: which ones there are, and reading them out of any data frame.

A frame is read column by column into one numpy array per column: integer columns with
no missing value stay int64 (amounts in minor units, installments); every other column
becomes an object array of Python values (``str``, ``Decimal``, ``int``, ``float``,
``datetime.date``), with ``None`` where the frame has a missing value (``None``, ``NaN``,
``NaT``, an empty string). Frame libraries are imported lazily: pandas, polars and
pyarrow are each needed only when such a frame is passed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InvalidArgumentError

__all__ = ["COLUMNS", "REQUIRED", "read_frame"]

#: The columns a loan book may have, each with what it holds (the single-plan
#: constructor's argument of the same name reads it, see ``Plan.annuity``).
COLUMNS: dict[str, str] = {
    "loan_id": "the loan's identifier (unique in the book; carried to every output)",
    "amount": "the amount financed: major units (text, Decimal, int) or int minor units",
    "installments": "number of installments (an int or its digits as text)",
    "start": "advance (purchase) date: a date, an ISO 'YYYY-MM-DD' text or a datetime64",
    "kind": "annuity, equal_principal, flat_fee, pay_in_4 or interest_only",
    "currency": "ISO 4217 code (default CNY)",
    "annual_rate": "a quoted annual rate: '18%', '0.18', Decimal or number",
    "periodic_rate": "the rate of one period: '0.5%', '0.005'",
    "rate": "a rate with its period: '18%/year', '0.5%/month', '1%/period'",
    "rate_convention": "nominal, effective (how annual_rate gives the periodic rate)",
    "fee_rate": "flat-fee plans: the per-period fee rate on the original principal",
    "total_fee_rate": "flat-fee plans: the fee rate for the whole term",
    "fee": "a fixed fee due with every installment (major units)",
    "frequency": "monthly, weekly, biweekly, semi_monthly, quarterly, ...",
    "day_count": "per_period, act/365f, act/360, act/act, 30/360, ...",
    "odd_days": "charge, regular or free (an odd first period)",
    "first_due": "the first due date (default one period after start)",
    "rounding": "half_up, half_even, down, up, ...: the payment and interest rounding",
}

#: Columns every book must have.
REQUIRED = ("loan_id", "amount", "start")  # and installments, but for pay-in-4 (4)

_ALIASES = {"term": "installments", "principal": "amount", "plan_kind": "kind",
            "start_date": "start", "id": "loan_id"}


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return type(value).__name__ in ("NaTType", "NAType")


def _clean(values: list[Any]) -> npt.NDArray[Any]:
    """An object array of the values, ``None`` for a missing value; datetimes at midnight
    become dates (a frame's date column is often datetime64)."""
    out = np.empty(len(values), dtype=object)
    kinds = set(map(type, values))
    if kinds <= {str, int, date}:  # nothing to convert: only blank texts are missing
        out[:] = values
        if str in kinds:
            out[[k for k, v in enumerate(values) if type(v) is str and not v.strip()]] = None
        return out
    for k, value in enumerate(values):
        if _is_missing(value):
            out[k] = None
        elif isinstance(value, datetime) and type(value) is not date:
            out[k] = value.date() if value == datetime(value.year, value.month,
                                                       value.day, tzinfo=value.tzinfo) \
                else value
        elif isinstance(value, np.datetime64):
            out[k] = value.astype("datetime64[D]").item() \
                if value == value.astype("datetime64[D]") else value
        elif isinstance(value, np.generic):
            out[k] = value.item()
        else:
            out[k] = value
    return out


def _from_pandas(frame: Any, name: str) -> npt.NDArray[Any]:
    series = frame[name]
    kind = series.dtype.kind
    if kind in "iu" and series.dtype.name.islower():  # numpy ints cannot be missing
        return np.asarray(series.to_numpy(), dtype=np.int64) if kind == "i" \
            else _clean(series.tolist())
    if kind == "M":
        return _clean([None if v is None else v.to_pydatetime() if hasattr(
            v, "to_pydatetime") else v for v in series.tolist()])
    return _clean(series.tolist())


def _from_polars(frame: Any, name: str) -> npt.NDArray[Any]:
    series = frame.get_column(name)
    if series.dtype.is_integer() and series.null_count() == 0 and \
            str(series.dtype).startswith("Int"):
        return np.asarray(series.to_numpy(), dtype=np.int64)
    return _clean(series.to_list())


def _from_arrow(table: Any, name: str) -> npt.NDArray[Any]:
    column = table.column(name)
    kind = str(column.type)
    if kind.startswith("int") and column.null_count == 0:
        return np.asarray(column.to_numpy(), dtype=np.int64)
    return _clean(column.to_pylist())


def _reader(frame: Any) -> tuple[list[str], Any]:
    module = type(frame).__module__.split(".")[0]
    if module == "pandas":
        return [str(c) for c in frame.columns], _from_pandas
    if module == "polars":
        return list(frame.columns), _from_polars
    if module == "pyarrow":
        return list(frame.column_names), _from_arrow
    raise InvalidArgumentError("frame", "must be a pandas or polars DataFrame or a pyarrow "
                               "Table", received=type(frame).__name__)


def read_frame(frame: Any, columns: Mapping[str, str] | None
               ) -> tuple[int, dict[str, npt.NDArray[Any]]]:
    """The number of rows and the book's columns by their canonical names.

    ``columns`` maps a canonical name (:data:`COLUMNS`) to the frame's column; the
    frame's other columns are matched by their own name (or a common alias: ``term``,
    ``principal``, ``plan_kind``, ``start_date``, ``id``). Unknown frame columns are
    ignored.

    Raises
    ------
    InvalidArgumentError
        ``frame`` of another type, ``columns`` naming an unknown canonical column or a
        column the frame does not have, or a required column missing.
    """
    names, read = _reader(frame)
    mapping: dict[str, str] = {}
    for canonical, source in (columns or {}).items():
        if canonical not in COLUMNS:
            raise InvalidArgumentError("columns", f"keys must be among {sorted(COLUMNS)}",
                                       received=canonical)
        if source not in names:
            raise InvalidArgumentError("columns", f"maps {canonical!r} to a column the "
                                       f"frame does not have (it has {names})",
                                       received=source)
        mapping[canonical] = source
    taken = set(mapping.values())
    for name in names:
        canonical = name if name in COLUMNS else _ALIASES.get(name, "")
        if canonical and canonical not in mapping and name not in taken:
            mapping[canonical] = name
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        raise InvalidArgumentError("frame", f"must have the columns {list(REQUIRED)} "
                                   f"(map yours with columns={{...}}); missing {missing}",
                                   received=names)
    out = {canonical: read(frame, source) for canonical, source in mapping.items()}
    return len(out["loan_id"]), out
