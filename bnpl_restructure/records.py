"""Another system's schedule rows, read: columns found by name, amounts read as exact money.

Loan systems, spreadsheets and CSV exports name their columns differently ("Principal
Due", "ppmt", "本金") and write amounts their own way ("1,037.03", "$1,037.03",
"(75.62)" for a negative, a minus sign for money paid out). :func:`read_rows` turns rows
given as a list of mappings, a CSV file (path or open file) or a pandas DataFrame into
:class:`Row` objects with integer minor units, so they can be compared with the library's
to the cent (``bnpl_restructure.testing.reconcile``) or made into a
:class:`~bnpl_restructure.schedule.Schedule` (``Schedule.from_records``).

Columns are matched to ``number``, ``due_date``, ``payment``, ``principal``, ``interest``,
``fee`` and ``balance`` by their names, ignoring letter case, spaces, underscores,
hyphens and dots, through a table of usual names (:data:`COLUMN_NAMES`); ``columns=``
maps any other name explicitly. Amounts are read as exact decimals: thousands separators
(``,`` and ``_`` between digits), a currency sign and surrounding spaces are dropped,
parentheses mean a negative amount; the sign of payment, principal, interest and fee is
ignored (spreadsheets show money paid out as negative), the balance keeps its sign. An
amount with more decimals than the currency has is refused, never rounded.

Examples
--------
>>> rows = read_rows([{"Period": 1, "Date": "2024-02-01", "Payment": "(1,037.03)",
...                    "Principal Due": "970.36", "Interest": "66.67",
...                    "Outstanding": "9,029.64"}], currency="USD")
>>> row = rows[0]
>>> row.number, row.due_date.isoformat(), row.payment, row.principal, row.fee, row.balance
(1, '2024-02-01', 103703, 97036, None, 902964)
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from .calendar import parse_date
from .errors import InvalidArgumentError
from .money import Currency, CurrencyLike

__all__ = ["COLUMN_NAMES", "FIELDS", "Row", "read_rows"]

FIELDS: Final[tuple[str, ...]] = ("number", "due_date", "payment", "principal", "interest",
                                  "fee", "balance")
"""The columns a schedule row can have, in the order they are compared."""

COLUMN_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "number": ("number", "no", "nr", "n", "period", "periods", "installment", "instalment",
               "installmentnumber", "paymentnumber", "term", "期数", "期次"),
    "due_date": ("duedate", "date", "paymentdate", "repaymentdate", "还款日",
                 "还款日期"),
    "payment": ("payment", "installmentamount", "instalmentamount", "amount", "total",
                "due", "totaldue", "dueamount", "amountdue", "emi", "pmt", "月供", "应还金额",
                "还款金额"),
    "principal": ("principal", "principaldue", "principalpaid", "principalpart", "ppmt",
                  "本金"),
    "interest": ("interest", "interestdue", "interestpaid", "ipmt", "利息"),
    "fee": ("fee", "fees", "charges", "feedue", "feesdue", "servicefee", "手续费", "服务费"),
    "balance": ("balance", "outstanding", "remaining", "remainingbalance", "closingbalance",
                "endingbalance", "principalbalance", "balanceoutstanding", "剩余本金"),
}


@dataclass(frozen=True, slots=True)
class Row:
    """One row of another system's schedule: money in minor units, ``None`` where the
    source has no such column."""

    number: int
    due_date: date | None
    payment: int | None
    principal: int | None
    interest: int | None
    fee: int | None
    balance: int | None


def _key(name: object) -> str:
    return re.sub(r"[\s_\-.()#/]+", "", str(name).strip().lower())


_LOOKUP: Final[dict[str, str]] = {alias: field for field, aliases in COLUMN_NAMES.items()
                                  for alias in aliases}
_SIGNS = "$¥€£₩₹"


def _columns(names: Iterable[object], explicit: Mapping[str, str] | None) -> dict[str, object]:
    """Their column name for each of our fields that they have."""
    found: dict[str, object] = {}
    for name in names:
        field = _LOOKUP.get(_key(name))
        if field is not None and field not in found:
            found[field] = name
        elif _key(name) == "" and "number" not in found:  # a "#" header
            found["number"] = name
    if explicit is not None and not isinstance(explicit, Mapping):
        raise InvalidArgumentError("columns", "must be a mapping of our field names to "
                                   "yours, such as {'interest': 'Int. charged'}",
                                   received=explicit)
    for field, name in (explicit or {}).items():
        if field not in FIELDS:
            raise InvalidArgumentError("columns", f"keys must be among {list(FIELDS)}",
                                       received=field)
        found[field] = name
    if not {"payment", "principal", "interest"} & found.keys():
        raise InvalidArgumentError(
            "rows", "no money column found: name one payment, principal or interest (or "
            "map yours with columns={'payment': 'Their name', ...})",
            received=sorted(str(n) for n in names))
    return found


def _money(value: object, currency: Currency, *, argument: str, signed: bool) -> int | None:
    if value is None or (isinstance(value, float) and value != value):  # NaN: empty cell
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        negative = text.startswith("(") and text.endswith(")")
        text = text.strip("()").strip().strip(_SIGNS).strip()
        if text.startswith("-"):
            negative, text = not negative, text[1:].strip().lstrip(_SIGNS).strip()
        text = re.sub(r"(?<=\d)[,_](?=\d)", "", text)
        minor = currency.to_minor(text, argument=argument)
        minor = -minor if negative else minor
    else:
        minor = currency.to_minor(value, argument=argument)  # type: ignore[arg-type]
    return minor if signed else abs(minor)


def _records(rows: Any) -> list[Mapping[str, Any]]:
    """The rows as mappings, from whatever form they came in."""
    try:
        if isinstance(rows, (str, os.PathLike)):
            with open(rows, newline="", encoding="utf-8-sig") as handle:
                return list(csv.DictReader(handle))
        if isinstance(rows, io.IOBase) or hasattr(rows, "read"):
            return list(csv.DictReader(rows))
    except (OSError, ValueError, csv.Error, TypeError) as exc:  # missing, unreadable,
        reason = getattr(exc, "strerror", None) or str(exc)  # not UTF-8, a NUL in a path
        raise InvalidArgumentError("rows", f"must be a CSV file that can be read as UTF-8 "
                                   f"text ({reason})", received=str(rows)[:200]) from None
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # a pandas DataFrame
        records: list[Mapping[str, Any]] = rows.to_dict("records")
        return records
    if isinstance(rows, Mapping):
        raise InvalidArgumentError("rows", "must be a sequence of rows (mappings), a CSV "
                                   "file or a DataFrame, not one mapping", received=rows)
    try:
        out = list(rows)
    except TypeError:
        raise InvalidArgumentError("rows", "must be a sequence of mappings, a CSV path or "
                                   "file, or a pandas DataFrame",
                                   received=type(rows).__name__) from None
    for k, row in enumerate(out):
        if not isinstance(row, Mapping):
            raise InvalidArgumentError(f"rows[{k}]", "must be a mapping of column names to "
                                       "values", received=row)
    return out


def read_rows(rows: Any, *, currency: CurrencyLike = "CNY",
              columns: Mapping[str, str] | None = None) -> tuple[Row, ...]:
    """Read another system's schedule rows (see the module docstring).

    Parameters
    ----------
    rows
        A sequence of mappings (column name → value), a CSV file (a path, or an open text
        file with a header row), or a pandas DataFrame.
    currency
        The currency of the amounts (its decimals decide what is refused as too precise).
    columns
        Explicit names: ``{"interest": "Int. charged", ...}`` for columns the usual
        names do not find.

    Returns
    -------
    tuple of Row
        In the source's order; ``number`` is the source's own when it has a number
        column, else the position from 1.

    Raises
    ------
    InvalidArgumentError
        No money column, a value that is not an amount or a date (naming the row and the
        column), an amount with more decimals than the currency allows.
    """
    cur = Currency.of(currency)
    records = _records(rows)
    if not records:
        raise InvalidArgumentError("rows", "must contain at least one row", received=[])
    names: dict[str, object] = {}
    for record in records:
        for name in record:
            names.setdefault(str(name), name)
    found = _columns(names.values(), columns)
    out = []
    for k, record in enumerate(records):
        def cell(field: str, record: Mapping[str, Any] = record) -> Any:
            name = found.get(field)
            return None if name is None else record.get(name)  # type: ignore[call-overload]

        where = f"rows[{k}]"
        number = cell("number")
        if number in (None, ""):
            number = k + 1
        else:
            try:
                number = int(str(number).strip())
            except ValueError:
                raise InvalidArgumentError(f"{where}.number", "must be a whole number",
                                           received=number) from None
        due = cell("due_date")
        due_date = None if due in (None, "") else parse_date(
            due.date() if hasattr(due, "date") and not isinstance(due, date) else due,
            argument=f"{where}.due_date")
        money = {field: _money(cell(field), cur, argument=f"{where}.{field}",
                               signed=field == "balance")
                 for field in ("payment", "principal", "interest", "fee", "balance")}
        out.append(Row(number=number, due_date=due_date, **money))
    return tuple(out)
