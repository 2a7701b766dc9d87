"""Published reference vectors, shipped as data, and a check of the library against each.

Every vector is a figure someone else published (a regulation's worked example, a
spreadsheet's documented result, a loan system's or calculator's amortization table),
with its citation. :func:`load` reads the vectors the library ships
(``bnpl_restructure/testing/vectors/*.json``), :func:`load_file` a team's own file in
the same format, and :func:`check` computes the library's answer for one vector and
compares it with the published figures, raising :class:`AssertionError` with a message
naming the vector, each figure that differs and the source.

Kinds
-----
``reg_z_apr``
    12 CFR 1026 Appendix J actuarial APR. ``inputs``: ``amount_financed``,
    ``advance_date``, ``payments`` (``[date, amount]`` pairs, or streams
    ``{"first": date, "count": n, "amount": a, "frequency": "monthly"}``), optional
    ``unit_period``. ``expected``: ``apr_percent``, ``unit_periods_per_year``,
    ``first_period`` (``{"t": full unit-periods, "f": "19/30"}``, Appendix J (b)(5)).
``eu_aprc``
    EU APRC (Directive 2008/48/EC Annex I). ``inputs``: ``drawdowns`` and
    ``repayments`` as ``[date, amount]`` pairs, optional ``time_basis``. ``expected``:
    ``aprc`` (a fraction), ``aprc_percent``.
``irr`` / ``xirr``
    Internal rate of periodic ``values`` / of dated ``flows`` (``[date, amount]``).
    ``expected``: ``rate``, ``rate_percent``.
``tvm``
    A spreadsheet time-value function of :mod:`bnpl_restructure.tvm` (``pmt``,
    ``ipmt``, ``ppmt``, ``pv``, ``fv``, ``nper``, ``rate``, ``npv``, ``mirr``) with
    Excel's positional ``args`` (a rate may be written ``"0.08/12"``: exact), optional
    ``multiply`` and ``add`` applied to the result (``=RATE(...)*12``,
    ``=NPV(...) + (-40000)``). ``expected``: ``value``.
``cn_annualized_rate``
    China's IRR-method annualized rate of a ``plan``. ``expected``:
    ``nominal_percent``, ``compound_percent``.
``schedule``
    An amortization table of a ``plan``; ``inputs.table`` is ``"ledger"`` (default:
    :meth:`Plan.schedule() <bnpl_restructure.Plan.schedule>`) or ``"cells"`` (every
    cell rounded on its own, as a spreadsheet prints it:
    :func:`~bnpl_restructure.spreadsheet.cell_table`). ``expected``: ``installments``
    (the number of rows), ``rows`` (a list of ``{"number": k, column: value}`` with
    columns ``due_date``, ``payment``, ``principal``, ``interest``, ``fee``,
    ``balance``), ``sums`` (``{"rows": [first, last], column: total}``) and ``totals``
    (``total_of_payments``, ``total_principal``, ``total_interest``, ``total_fees``,
    ``closing_balance``).

A ``plan`` is ``{"kind": "annuity", "principal": "5000", ...}``: the keyword arguments of
that ``Plan.<kind>`` constructor, with ``rounding`` given as the keyword arguments of
:class:`~bnpl_restructure.rounding.RoundingPolicy`.

How figures are compared
------------------------
Each expected figure is compared **exactly at the precision it was published with**:
the library's full-precision answer is rounded to the decimals the expected figure shows
(half-up, or ``{"value": "0.1306623", "rounding": "down"}`` for a source that
truncates) and must then equal it. A figure printed with more digits than its source
computed exactly (a binary float such as ``-1854.0247200054619``, a spreadsheet's
iteration) says at how many decimals it is meaningful: ``{"value":
"-1854.0247200054619", "places": 8}`` rounds both to 8 decimals. ``"9.69"`` checks an
APR to two decimals of a percent, ``"13369"`` a whole-unit cell; a list of figures
checks each (``["13", "12.96"]``: as printed, and to two decimals). Dates compare as
ISO strings, ``t`` as an integer and fractions (``"19/30"``) exactly. An unknown kind,
input or expected key is an error, so a misspelt key cannot pass silently.

File format
-----------
``{"vectors": [{"id": ..., "kind": ..., "title": ..., "inputs": {...}, "expected":
{...}, "source": "citation" or ["citation", ...], "note": ...}, ...]}`` (``title`` and
``note`` optional; a bare list of vectors is accepted too).

Examples
--------
>>> from bnpl_restructure.testing.vectors import check, load
>>> reg_z = load("reg_z_apr")
>>> reg_z[0]
Vector('US-AJ-c1i', kind='reg_z_apr')
>>> reg_z[0].expected["apr_percent"], reg_z[0].source[:40]
('9.69', '12 CFR Part 1026 (Regulation Z), Appendi')
>>> for vector in load():
...     check(vector)
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..._context import in_library_context
from ...errors import InvalidArgumentError

__all__ = ["KINDS", "Vector", "check", "load", "load_file"]

#: The kinds of vector :func:`check` knows, each with the expected figures it compares.
KINDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "reg_z_apr": ("apr_percent", "unit_periods_per_year", "first_period"),
    "eu_aprc": ("aprc", "aprc_percent"),
    "irr": ("rate", "rate_percent"),
    "xirr": ("rate", "rate_percent"),
    "tvm": ("value",),
    "cn_annualized_rate": ("nominal_percent", "compound_percent"),
    "schedule": ("installments", "rows", "sums", "totals"),
})

_INPUTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "reg_z_apr": ("amount_financed", "advance_date", "payments", "unit_period"),
    "eu_aprc": ("drawdowns", "repayments", "time_basis"),
    "irr": ("values",),
    "xirr": ("flows",),
    "tvm": ("function", "args", "multiply", "add"),
    "cn_annualized_rate": ("plan",),
    "schedule": ("plan", "table"),
})

_REQUIRED: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "reg_z_apr": ("amount_financed", "advance_date", "payments"),
    "eu_aprc": ("drawdowns", "repayments"),
    "irr": ("values",),
    "xirr": ("flows",),
    "tvm": ("function", "args"),
    "cn_annualized_rate": ("plan",),
    "schedule": ("plan",),
})

_FIELDS = ("id", "kind", "title", "inputs", "expected", "source", "sources", "note")
_TVM_FUNCTIONS = ("pmt", "ipmt", "ppmt", "pv", "fv", "nper", "rate", "npv", "mirr")
_COLUMNS = ("due_date", "payment", "principal", "interest", "fee", "balance")
_TOTALS = ("total_of_payments", "total_principal", "total_interest", "total_fees",
           "closing_balance")
_MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN}


def _freeze(value: Any) -> Any:
    """JSON data made immutable: objects as read-only mappings, arrays as tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Vector:
    """One published reference figure set: what goes in, what was published, and where.

    Parameters
    ----------
    id
        A stable identifier (``"US-AJ-c1ii"``), unique within its file.
    kind
        One of :data:`KINDS`.
    inputs, expected
        The computation's inputs and the published figures (read-only mappings of the
        JSON data; see the module docstring for each kind's keys).
    source
        The citation: where the figures were published (several joined by ``"; "``).
    title, note
        A one-line description, and any remark on how the source presents the figures.

    Raises
    ------
    InvalidArgumentError
        ``id`` is not a non-empty string; ``<id>.kind`` is not one of :data:`KINDS`;
        ``<id>.source`` is empty; ``<id>.inputs`` or ``<id>.expected`` is not a JSON object
        with the kind's keys, or gives no figure.
    """

    id: str
    kind: str
    inputs: Mapping[str, Any] = field(hash=False)
    expected: Mapping[str, Any] = field(hash=False)
    source: str
    title: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise InvalidArgumentError("id", "must be a non-empty string", received=self.id)
        where = f"vector {self.id!r}"
        if not isinstance(self.kind, str) or self.kind not in KINDS:
            raise InvalidArgumentError(f"{where}.kind", f"must be one of "
                                       f"{', '.join(KINDS)}", received=self.kind)
        if not isinstance(self.source, str) or not self.source.strip():
            raise InvalidArgumentError(f"{where}.source", "must cite where the figures were "
                                       "published (a non-empty string)", received=self.source)
        for name, allowed in (("inputs", _INPUTS[self.kind]), ("expected", KINDS[self.kind])):
            value = getattr(self, name)
            if not isinstance(value, Mapping):
                raise InvalidArgumentError(f"{where}.{name}", "must be a JSON object",
                                           received=value)
            unknown = sorted(set(value) - set(allowed))
            if unknown:
                raise InvalidArgumentError(f"{where}.{name}", f"unknown key(s) "
                                           f"{', '.join(unknown)} for kind {self.kind!r}; "
                                           f"allowed: {', '.join(allowed)}", received=unknown)
            object.__setattr__(self, name, _freeze(value))
        missing = [key for key in _REQUIRED[self.kind] if key not in self.inputs]
        if missing:
            raise InvalidArgumentError(f"{where}.inputs", f"missing {', '.join(missing)} "
                                       f"for kind {self.kind!r}", received=sorted(self.inputs))
        if not self.expected:
            raise InvalidArgumentError(f"{where}.expected", "must give at least one figure",
                                       received={})

    def __repr__(self) -> str:
        return f"Vector({self.id!r}, kind={self.kind!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Pretty printers (IPython, Hypothesis' reports) show the short repr."""
        printer.text(repr(self))


# ----------------------------------------------------------------------------- loading


def _vectors_of(data: Any, origin: str) -> tuple[Vector, ...]:
    items = data.get("vectors") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise InvalidArgumentError(origin, "must hold a JSON list of vectors, or an object "
                                   "with one under \"vectors\"", received=type(items).__name__)
    out: list[Vector] = []
    seen: set[str] = set()
    for k, item in enumerate(items):
        where = f"{origin}: vectors[{k}]"
        if not isinstance(item, Mapping):
            raise InvalidArgumentError(where, "must be a JSON object", received=item)
        unknown = sorted(set(item) - set(_FIELDS))
        missing = [key for key in ("id", "kind", "inputs", "expected") if key not in item]
        if unknown or missing:
            raise InvalidArgumentError(where, f"unknown field(s) {unknown} / missing "
                                       f"field(s) {missing}; fields: {', '.join(_FIELDS)}",
                                       received=sorted(item))
        source = item.get("source", item.get("sources", ""))
        if isinstance(source, list):
            source = "; ".join(str(s) for s in source)
        try:
            vector = Vector(id=item["id"], kind=item["kind"], inputs=item["inputs"],
                            expected=item["expected"], source=source,
                            title=str(item.get("title", "")), note=str(item.get("note", "")))
        except InvalidArgumentError as error:
            raise InvalidArgumentError(where, str(error)) from None
        if vector.id in seen:
            raise InvalidArgumentError(where, "duplicate id", received=vector.id)
        seen.add(vector.id)
        out.append(vector)
    return tuple(out)


def load_file(path: str | Path) -> tuple[Vector, ...]:
    """The vectors of a JSON file in the format of the shipped ones (a team's own).

    Raises
    ------
    InvalidArgumentError
        The file is not valid JSON or a vector is malformed (the message names the file,
        the vector and the field).
    """
    if not isinstance(path, str | os.PathLike):
        raise InvalidArgumentError("path", "must be a path (str or os.PathLike)",
                                   received=path)
    origin = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InvalidArgumentError(origin, f"is not valid JSON ({error})") from None
    except (OSError, UnicodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InvalidArgumentError("path", f"must be a readable UTF-8 file ({reason})",
                                   received=origin) from None
    return _vectors_of(data, origin)


@cache
def _shipped() -> tuple[Vector, ...]:
    folder = resources.files(__name__)
    out: list[Vector] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            out.extend(_vectors_of(data, f"bnpl_restructure/testing/vectors/{entry.name}"))
    return tuple(out)


def load(kind: str | None = None) -> tuple[Vector, ...]:
    """The reference vectors shipped with the library, all or those of one ``kind``.

    Parameters
    ----------
    kind
        One of :data:`KINDS`, or ``None`` for every vector.

    Raises
    ------
    InvalidArgumentError
        ``kind`` is not one of :data:`KINDS` or None.

    Examples
    --------
    >>> [v.id for v in load("eu_aprc")]
    ['EU-98-A1', 'EU-98-A3']
    >>> load("apr")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidArgumentError: kind: must be one of reg_z_apr, ...
    """
    if kind is not None and (not isinstance(kind, str) or kind not in KINDS):
        raise InvalidArgumentError("kind", f"must be one of {', '.join(KINDS)} (or None)",
                                   received=kind)
    return tuple(v for v in _shipped() if kind is None or v.kind == kind)


# ---------------------------------------------------------------------------- checking


def _number(value: Any) -> Any:
    """A JSON number or numeral; ``"a/b"`` (decimals a and b) as an exact Fraction."""
    if isinstance(value, str) and "/" in value:
        top, bottom = value.split("/")
        return Fraction(Decimal(top.strip())) / Fraction(Decimal(bottom.strip()))
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _decimal(value: Any) -> Decimal:
    number = _number(value)
    if isinstance(number, Fraction):
        return Decimal(number.numerator) / Decimal(number.denominator)
    return Decimal(str(number))


def _figure(name: str, published: Any, ours: Any, failures: list[str]) -> None:
    """Compare one figure (or a list of published figures) with the library's."""
    if isinstance(published, Sequence) and not isinstance(published, str):
        for item in published:
            _figure(name, item, ours, failures)
        return
    mode, places = ROUND_HALF_UP, None
    if isinstance(published, Mapping):
        unknown = sorted(set(published) - {"value", "rounding", "places"})
        rounding = published.get("rounding", "half_up")
        if unknown or rounding not in _MODES or "value" not in published:
            raise InvalidArgumentError(name, "must be a figure, or an object with \"value\" "
                                       f"and optionally \"rounding\" ({', '.join(_MODES)}) "
                                       "and \"places\"", received=dict(published))
        mode, places, published = (_MODES[rounding], published.get("places"),
                                   published["value"])
    if isinstance(ours, date):
        same, shown = str(published) == ours.isoformat(), ours.isoformat()
    elif isinstance(ours, Fraction):
        same, shown = Fraction(str(published)) == ours, str(ours)
    elif isinstance(ours, int):
        same, shown = int(published) == ours, str(ours)
    else:
        try:
            target = Decimal(str(published))
        except InvalidOperation:
            target = Decimal("NaN")
        if not target.is_finite() or isinstance(published, bool):
            raise InvalidArgumentError(name, "must be a number", received=published)
        if places is not None:  # a float result: both compared at that many decimals
            target = target.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
        exponent = target.as_tuple().exponent
        assert isinstance(exponent, int)  # finite
        rounded = ours.quantize(Decimal(1).scaleb(exponent), rounding=mode)
        same, shown = rounded == target, f"{rounded} (from {ours})" if rounded != ours \
            else str(rounded)
    if not same:
        failures.append(f"{name}: published {published}, library {shown}")


def _pairs(items: Iterable[Any]) -> list[tuple[str, Decimal]]:
    return [(str(when), _decimal(amount)) for when, amount in items]


def _payments(items: Iterable[Any]) -> list[tuple[date, Decimal]]:
    from ...calendar import Frequency, parse_date

    out: list[tuple[date, Decimal]] = []
    for item in items:
        if isinstance(item, Mapping):
            count = int(item.get("count", 1))
            frequency = Frequency.parse(item.get("frequency", "monthly"))
            first = parse_date(item["first"], argument="payments.first")
            out += [(d, _decimal(item["amount"])) for d in frequency.due_dates(first, count)]
        else:
            when, amount = item
            out.append((parse_date(when, argument="payments"), _decimal(amount)))
    return out


def _plan(spec: Mapping[str, Any]) -> Any:
    from ...plans import Plan
    from ...rounding import RoundingPolicy

    arguments = {k: _thaw(v) for k, v in spec.items()}
    kind = arguments.pop("kind", None)
    constructors = ("annuity", "equal_principal", "flat_fee", "pay_in_4", "interest_only",
                    "from_rows")
    if kind not in constructors:
        raise InvalidArgumentError("plan.kind", f"must be one of {', '.join(constructors)}",
                                   received=kind)
    if "rounding" in arguments:
        arguments["rounding"] = RoundingPolicy(**arguments["rounding"])
    return getattr(Plan, kind)(arguments.pop("principal"), **arguments)


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _check_reg_z(inputs: Mapping[str, Any], expected: Mapping[str, Any],
                 failures: list[str]) -> None:
    from ...regz import choose_unit_period, reg_z_apr, unit_periods

    payments = _payments(inputs["payments"])
    advance = inputs["advance_date"]
    unit = inputs.get("unit_period") or choose_unit_period(advance, [d for d, _ in payments])
    if "apr_percent" in expected:
        apr = reg_z_apr(_decimal(inputs["amount_financed"]), payments, advance_date=advance,
                        unit_period=inputs.get("unit_period"))
        _figure("apr_percent", expected["apr_percent"], apr * 100, failures)
    if "unit_periods_per_year" in expected:
        per_year = choose_unit_period(advance, [d for d, _ in payments]).per_year
        _figure("unit_periods_per_year", expected["unit_periods_per_year"], per_year,
                failures)
    if "first_period" in expected:
        t, f = unit_periods(advance, payments[0][0], unit)
        _figure("first_period.t", expected["first_period"]["t"], t, failures)
        _figure("first_period.f", expected["first_period"]["f"], f, failures)


def _check_rates(kind: str, inputs: Mapping[str, Any], expected: Mapping[str, Any],
                 failures: list[str]) -> None:
    from ...apr import cn_annualized_rate, eu_aprc, irr, xirr

    figures: dict[str, Callable[[], Decimal]]
    if kind == "eu_aprc":
        def aprc() -> Decimal:
            return eu_aprc(_pairs(inputs["drawdowns"]), _pairs(inputs["repayments"]),
                           time_basis=inputs.get("time_basis", "calendar"))
        figures = {"aprc": aprc, "aprc_percent": lambda: aprc() * 100}
    elif kind == "cn_annualized_rate":
        def rate() -> Any:
            return cn_annualized_rate(_plan(inputs["plan"]))
        figures = {"nominal_percent": lambda: rate().nominal * 100,
                   "compound_percent": lambda: rate().compound * 100}
    else:
        def solved() -> Decimal:
            if kind == "irr":
                return irr([_decimal(v) for v in inputs["values"]])
            return xirr(_pairs(inputs["flows"]))
        figures = {"rate": solved, "rate_percent": lambda: solved() * 100}
    for name, published in expected.items():
        _figure(name, published, figures[name](), failures)


def _check_tvm(inputs: Mapping[str, Any], expected: Mapping[str, Any],
               failures: list[str]) -> None:
    from ... import tvm

    name = inputs.get("function")
    if name not in _TVM_FUNCTIONS:
        raise InvalidArgumentError("inputs.function", f"must be one of "
                                   f"{', '.join(_TVM_FUNCTIONS)}", received=name)
    args = [[_number(v) for v in a] if isinstance(a, tuple) else _number(a)
            for a in inputs.get("args", ())]
    value = getattr(tvm, name)(*args)
    value = value * _decimal(inputs.get("multiply", 1)) + _decimal(inputs.get("add", 0))
    _figure("value", expected["value"], value, failures)


def _check_schedule(inputs: Mapping[str, Any], expected: Mapping[str, Any],
                    failures: list[str]) -> None:
    plan = _plan(inputs["plan"])
    table = inputs.get("table", "ledger")
    if table == "cells":
        from ...spreadsheet import cell_table

        rows: Any = cell_table(plan)
    elif table == "ledger":
        rows = plan.schedule()
    else:
        raise InvalidArgumentError("inputs.table", "must be 'ledger' or 'cells'",
                                   received=table)
    if "installments" in expected:
        _figure("installments", expected["installments"], len(rows), failures)
    for row in expected.get("rows", ()):
        number = int(row["number"])
        if not 1 <= number <= len(rows):
            failures.append(f"row {number}: not in the table ({len(rows)} rows)")
            continue
        for column, published in row.items():
            if column != "number":
                _known(column, _COLUMNS, "rows")
                _figure(f"row {number} {column}", published,
                        getattr(rows[number - 1], column), failures)
    for block in expected.get("sums", ()):
        first, last = (int(k) for k in block["rows"])
        for column, published in block.items():
            if column != "rows":
                _known(column, _COLUMNS[1:], "sums")
                total = sum((getattr(r, column) for r in rows[first - 1:last]), Decimal(0))
                _figure(f"rows {first}-{last} {column}", published, total, failures)
    for name, published in expected.get("totals", {}).items():
        _known(name, _TOTALS, "totals")
        if not hasattr(rows, name):
            raise InvalidArgumentError("expected.totals", f"{name} is not shown by a "
                                       f"{table!r} table", received=name)
        _figure(name, published, getattr(rows, name), failures)


def _known(name: str, allowed: Sequence[str], where: str) -> None:
    if name not in allowed:
        raise InvalidArgumentError(f"expected.{where}", f"unknown column {name!r}; allowed: "
                                   f"{', '.join(allowed)}", received=name)


@in_library_context
def check(vector: Vector) -> None:
    """Compute the library's answer for ``vector`` and compare it with the published one.

    Raises
    ------
    AssertionError
        A figure differs: the message names the vector, every differing figure
        (published, library) and the source.
    InvalidArgumentError
        The vector's inputs are not usable (a bad plan, an unknown function or column).

    Examples
    --------
    >>> from bnpl_restructure.testing.vectors import Vector
    >>> check(Vector(id="mine", kind="tvm", source="our spreadsheet, cell B7",
    ...              inputs={"function": "pmt", "args": ["0.08/12", 10, 10000]},
    ...              expected={"value": "-1037.04"}))
    Traceback (most recent call last):
    ...
    AssertionError: vector 'mine' (tvm) differs from its source:
      value: published -1037.04, library -1037.03 (from -1037.032089359152175652094829)
      source: our spreadsheet, cell B7
    """
    if not isinstance(vector, Vector):
        raise InvalidArgumentError("vector", "must be a Vector (see load, load_file)",
                                   received=vector)
    failures: list[str] = []
    inputs, expected = vector.inputs, vector.expected
    if vector.kind == "reg_z_apr":
        _check_reg_z(inputs, expected, failures)
    elif vector.kind == "tvm":
        _check_tvm(inputs, expected, failures)
    elif vector.kind == "schedule":
        _check_schedule(inputs, expected, failures)
    else:
        _check_rates(vector.kind, inputs, expected, failures)
    if failures:
        lines = "\n".join(f"  {line}" for line in failures)
        title = f": {vector.title}" if vector.title else ""
        raise AssertionError(f"vector {vector.id!r} ({vector.kind}{title}) differs from its "
                             f"source:\n{lines}\n  source: {vector.source}")
