"""Regressions of the contract of issue 16 found while writing the Raises sections.

Each case is a public call that raised a bare Python exception (``TypeError``,
``ValueError``, ``AttributeError``, ``KeyError``, ``FileNotFoundError``,
``decimal.InvalidOperation``) or gave a wrong result for one bad argument; each now
raises a typed :mod:`bnpl_restructure.errors` error naming that argument.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bnpl_restructure import Plan, PrecomputedLoan, apr, persistence, solver
from bnpl_restructure.adjustable import RateChange, RatePath
from bnpl_restructure.core import (
    KernelResult,
    PaymentRule,
    Period,
    Program,
    exact_columns,
    execute,
    level_payment,
    run_batch,
    run_single,
)
from bnpl_restructure.disclosure import payment_groups
from bnpl_restructure.errors import (
    InvalidArgumentError,
    InvalidDocumentError,
    NoSolutionError,
)
from bnpl_restructure.rates import periodic_rate
from bnpl_restructure.regz import UnitPeriod
from bnpl_restructure.restructure import (
    ExtendTerm,
    ReAgePolicy,
    best_option,
    compare,
    find_option,
)
from bnpl_restructure.rounding import (
    RoundingMode,
    RoundingPolicy,
    round_ratio,
    round_ratio_array,
)
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import LateFee, LedgerEvent, LoanState, ServicingTerms
from bnpl_restructure.servicing import persist as servicing_persist
from bnpl_restructure.testing import strategies, vectors
from bnpl_restructure.testing.assertions import assert_rate_equal
from bnpl_restructure.testing.invariants import check_schedule
from bnpl_restructure.testing.reconcile import reconcile

SCHEDULE = Plan.annuity("1200", annual_rate="0.12", installments=12,
                        start="2026-01-15").schedule()
PERIOD = Period(due=date(2026, 2, 15), factor=Fraction(1, 100), rule=PaymentRule.PAYOFF)
PROGRAM = Program(principal=100_000, periods=(PERIOD,))


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)
            if f.init and not f.name.startswith("_")}


def _plan(**changes: Any) -> Plan:
    plan = Plan.flat_fee("1000", fee_rate="0.005", installments=6, start="2026-01-15")
    return Plan(**{**_fields(plan), **changes})


def _schedule(**changes: Any) -> Schedule:
    return Schedule(**{**_fields(SCHEDULE), **changes})


def _kernel() -> KernelResult:
    return run_batch([PROGRAM])


#: (id, call, the error's class, the argument it must name)
CASES: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    # adjustable: a Decimal NaN index or margin compared with 0 (decimal.InvalidOperation)
    ("RateChange index NaN", lambda: RateChange(from_installment=2, index=Decimal("NaN")),
     InvalidArgumentError, "index"),
    ("RatePath margin sNaN",
     lambda: RatePath.indexed({13: "7%"}, margin=Decimal("sNaN")),
     InvalidArgumentError, "margin"),
    ("applied_rates text",  # TypeError comparing a str with a Fraction
     lambda: RatePath.indexed({13: "7%"}, margin="2%").applied_rates("abc"),  # type: ignore[arg-type]
     InvalidArgumentError, "initial_rate"),
    # apr / solver: numpy could not convert (ValueError)
    ("irr_many text", lambda: apr.irr_many([["a", "b"]]), InvalidArgumentError, "amounts"),
    ("irr_many ragged", lambda: apr.irr_many([[1, 2], [3]]), InvalidArgumentError,
     "amounts"),
    ("xirr_many dates", lambda: apr.xirr_many([[-1, 2]], [["x", "y"]]),
     InvalidArgumentError, "dates"),
    ("solve_rates text", lambda: solver.solve_rates([["x"]], [[1]]),
     InvalidArgumentError, "cash_flows"),
    ("to_decimal_rate text", lambda: solver.to_decimal_rate("x"),  # type: ignore[arg-type]
     InvalidArgumentError, "rate"),
    ("format_rate text", lambda: apr.format_rate("x"),  # type: ignore[arg-type]
     InvalidArgumentError, "rate"),
    ("format_rate NaN", lambda: apr.format_rate(Decimal("NaN")), InvalidArgumentError,
     "rate"),
    ("format_rate places", lambda: apr.format_rate(Decimal(1), "2"),  # type: ignore[arg-type]
     InvalidArgumentError, "places"),
    ("fee_rate_table None", lambda: apr.fee_rate_table("0.005", installments=None),  # type: ignore[arg-type]
     InvalidArgumentError, "installments"),
    ("fee_rate_table zero", lambda: apr.fee_rate_table("0.005", installments=[3, 0]),
     InvalidArgumentError, "installments[1]"),
    # core: enum lookups (ValueError), attribute access on None (AttributeError)
    ("Period rule", lambda: Period(due=date(2026, 1, 1), factor=Fraction(0), rule=99),  # type: ignore[arg-type]
     InvalidArgumentError, "rule"),
    ("Period unpaid", lambda: Period(due=date(2026, 1, 1), factor=Fraction(0),
                                     rule=PaymentRule.PAYOFF, unpaid="x"),  # type: ignore[arg-type]
     InvalidArgumentError, "unpaid"),
    ("Period due", lambda: Period(due="2026-01-01", factor=Fraction(0),  # type: ignore[arg-type]
                                  rule=PaymentRule.PAYOFF), InvalidArgumentError, "due"),
    ("Program periods", lambda: Program(principal=1, periods=(None,)),  # type: ignore[arg-type]
     InvalidArgumentError, "periods"),
    ("run_single None", lambda: run_single(None), InvalidArgumentError, "program"),  # type: ignore[arg-type]
    ("run_batch None", lambda: run_batch(None), InvalidArgumentError, "programs"),  # type: ignore[arg-type]
    ("run_batch item", lambda: run_batch([PROGRAM, 5]), InvalidArgumentError,  # type: ignore[list-item]
     "programs[1]"),
    ("exact_columns None", lambda: exact_columns(None), InvalidArgumentError, "program"),  # type: ignore[arg-type]
    ("KernelResult.loan index", lambda: _kernel().loan(5), InvalidArgumentError, "index"),
    ("KernelResult.loan periods", lambda: _kernel().loan(0, "x"),  # type: ignore[arg-type]
     InvalidArgumentError, "periods"),
    ("execute shapes", lambda: execute(np.array([1, 2]),
                                       factor_numerator=np.zeros((3, 3), dtype=np.int64),
                                       factor_denominator=1, rule=0),
     InvalidArgumentError, "rule"),
    # floats (numpy's reading of ints past int64) ran through the integer kernel
    ("execute floats", lambda: execute(np.array([1, 2]), factor_numerator=np.zeros((3, 2)),
                                       factor_denominator=1, rule=0),
     InvalidArgumentError, "factor_numerator"),
    ("level_payment factors", lambda: level_payment(100, ["x"], mode=None),  # type: ignore[list-item]
     InvalidArgumentError, "factors"),
    ("level_payment mode", lambda: level_payment(100, [Fraction(0)], mode="up"),  # type: ignore[call-overload]
     InvalidArgumentError, "mode"),
    # rounding: a string mode fell through to half-even (a wrong result, no error)
    ("round_ratio mode", lambda: round_ratio(5, 2, "up"), InvalidArgumentError, "mode"),  # type: ignore[arg-type]
    ("round_ratio zero", lambda: round_ratio(5, 0, RoundingMode.UP), InvalidArgumentError,
     "denominator"),
    ("round_ratio text", lambda: round_ratio("5", 2, RoundingMode.UP),  # type: ignore[arg-type]
     InvalidArgumentError, "numerator"),
    ("round_ratio_array zero",
     lambda: round_ratio_array(np.array([1]), np.array([0]), RoundingMode.UP),
     InvalidArgumentError, "denominator"),
    ("split amount", lambda: RoundingPolicy().split("x", 2),  # type: ignore[arg-type]
     InvalidArgumentError, "amount"),
    ("split increment", lambda: RoundingPolicy().split(100, 2, increment=0),
     InvalidArgumentError, "increment"),
    # rates: a huge compounding gave 0 (1 + r/m == 1 in 40 digits); a tiny period hung
    ("compounding 10**400",
     lambda: periodic_rate("0.1", periods_per_year=12, compounding_per_year=10**400),
     InvalidArgumentError, "compounding_per_year"),
    ("Plan compounding 10**400",
     lambda: Plan.annuity("1000", annual_rate="0.1", installments=12, start="2024-01-01",
                          compounding_per_year=10**400),
     InvalidArgumentError, "compounding_per_year"),
    ("periods_per_year tiny",
     lambda: periodic_rate("0.1", periods_per_year=Fraction(1, 10**300),
                           convention="effective"),
     InvalidArgumentError, "periods_per_year"),
    # regz: the public argument names
    ("UnitPeriod.week", lambda: UnitPeriod.week("x"), InvalidArgumentError, "weeks"),  # type: ignore[arg-type]
    ("UnitPeriod.month", lambda: UnitPeriod.month(99), InvalidArgumentError, "months"),
    ("UnitPeriod.term", lambda: UnitPeriod.term(days=0), InvalidArgumentError, "days"),
    # disclosure
    ("payment_groups None", lambda: payment_groups(None), InvalidArgumentError,  # type: ignore[arg-type]
     "schedule"),
    # schedule: FileNotFoundError
    ("from_csv missing", lambda: Schedule.from_csv("/nonexistent/rows.csv"),
     InvalidArgumentError, "path"),
    ("from_csv directory", lambda: Schedule.from_csv(str(Path(__file__).parent)),
     InvalidArgumentError, "path"),
    # persistence helpers (TypeError / AttributeError)
    ("envelope body", lambda: persistence.envelope("plan", None),  # type: ignore[arg-type]
     InvalidArgumentError, "body"),
    ("path where", lambda: persistence.path(None, "x"), InvalidArgumentError, "where"),  # type: ignore[arg-type]
    ("read_int minimum", lambda: persistence.read_int({"a": 1}, "a", "p", minimum="x"),  # type: ignore[arg-type]
     InvalidArgumentError, "minimum"),
    ("read_list length", lambda: persistence.read_list({"a": [1]}, "a", "p", length="x"),  # type: ignore[arg-type]
     InvalidArgumentError, "length"),
    ("read_enum enum_type", lambda: persistence.read_enum({"a": "x"}, "a", int, "p"),  # type: ignore[type-var]
     InvalidArgumentError, "enum_type"),
    ("check_keys doc", lambda: persistence.check_keys(None, ["a"], "plan"),  # type: ignore[arg-type]
     InvalidDocumentError, "plan"),
    ("check_keys allowed", lambda: persistence.check_keys({"a": 1}, None, "p"),  # type: ignore[arg-type]
     InvalidArgumentError, "allowed"),
    ("build factory", lambda: persistence.build("p", None), InvalidArgumentError,  # type: ignore[arg-type]
     "factory"),
    ("write_fraction text", lambda: persistence.write_fraction("x"),  # type: ignore[arg-type]
     InvalidArgumentError, "value"),
    ("write_currency None", lambda: persistence.write_currency(None),  # type: ignore[arg-type]
     InvalidArgumentError, "currency"),
    ("write_enum None", lambda: persistence.write_enum(None), InvalidArgumentError,  # type: ignore[arg-type]
     "member"),
    ("dumps option", lambda: persistence.dumps(Plan.pay_in_4("100", start="2024-03-01"),
                                               colour=True),
     InvalidArgumentError, "json_options"),
    # servicing
    ("LedgerEvent.from_dict empty", lambda: LedgerEvent.from_dict({}),  # KeyError
     InvalidDocumentError, "ledger_event.kind"),
    ("LedgerEvent.from_dict amount",  # decimal.InvalidOperation
     lambda: LedgerEvent.from_dict({"date": "2026-01-01", "kind": "due", "amount": "x"}),
     InvalidDocumentError, "ledger_event.amount"),
    ("LateFee.applies_to text", lambda: LateFee(days_past_due=1, order_below="40")
     .applies_to("x"), InvalidArgumentError, "order_value"),  # type: ignore[arg-type]
    ("ServicingTerms.bucket text", lambda: ServicingTerms().bucket("x"),  # type: ignore[arg-type]
     InvalidArgumentError, "days_past_due"),
    ("terms_body None", lambda: servicing_persist.terms_body(None), InvalidArgumentError,  # type: ignore[arg-type]
     "terms"),
    ("state_to_dict None", lambda: servicing_persist.state_to_dict(None),  # type: ignore[arg-type]
     InvalidArgumentError, "state"),
    # restructure
    ("ReAgePolicy.check None", lambda: ReAgePolicy().check(None), InvalidArgumentError,  # type: ignore[arg-type]
     "pos"),
    # testing toolkit
    ("check_schedule None", lambda: check_schedule(None), InvalidArgumentError,  # type: ignore[arg-type]
     "schedule"),
    ("Reconciliation.to_text", lambda: reconcile(SCHEDULE, SCHEDULE).to_text(limit="x"),  # type: ignore[arg-type]
     InvalidArgumentError, "limit"),
    ("strategies.amounts currency", lambda: strategies.amounts("XYZ"),  # type: ignore[arg-type]
     InvalidArgumentError, "currency"),
    ("strategies.amounts min_minor", lambda: strategies.amounts("CNY", min_minor="1"),  # type: ignore[arg-type]
     InvalidArgumentError, "min_minor"),
    ("strategies.amounts max_major", lambda: strategies.amounts("CNY", max_major="x"),
     InvalidArgumentError, "max_major"),
    ("strategies.dates", lambda: strategies.dates(min_year="x"), InvalidArgumentError,  # type: ignore[arg-type]
     "min_year"),
    ("strategies.dates order", lambda: strategies.dates(min_year=2030, max_year=2020),
     InvalidArgumentError, "max_year"),
    # found by calling every documented callable with one hostile argument
    ("read_str key sNaN",  # TypeError: cannot hash a signalling NaN
     lambda: persistence.read_str({"a": "x"}, Decimal("sNaN"), "p"),  # type: ignore[arg-type]
     InvalidArgumentError, "key"),
    ("from_records columns text",  # AttributeError: 'str' has no 'items'
     lambda: Schedule.from_records([{"due": "2026-02-01", "payment": "10"}], columns="x"),  # type: ignore[arg-type]
     InvalidArgumentError, "columns"),
    ("UnitPeriod.week sNaN", lambda: UnitPeriod.week(Decimal("sNaN")),  # type: ignore[arg-type]
     InvalidArgumentError, "weeks"),
    ("UnitPeriod.month sNaN", lambda: UnitPeriod.month(Decimal("sNaN")),  # type: ignore[arg-type]
     InvalidArgumentError, "months"),
    ("assert_rate_equal huge",  # decimal.InvalidOperation quantizing 1e400
     lambda: assert_rate_equal(10**400, "0.1"), InvalidArgumentError, "rate"),
    ("vectors.load_file None", lambda: vectors.load_file(None),  # type: ignore[arg-type]
     InvalidArgumentError, "path"),
    ("vectors.load_file missing", lambda: vectors.load_file("/nonexistent/vectors.json"),
     InvalidArgumentError, "path"),
    ("vectors.load sNaN", lambda: vectors.load(Decimal("sNaN")),  # type: ignore[arg-type]
     InvalidArgumentError, "kind"),
    ("Comparison.to_text columns NaN", lambda: compare(
        SCHEDULE, [[ExtendTerm(periods=3)]], discount_rate="0.05", as_of="2026-02-01"
    ).to_text(columns=float("nan")), InvalidArgumentError, "columns"),  # type: ignore[arg-type]
    # direct construction of the records the constructors build (AttributeError,
    # TypeError when first used)
    ("Plan kind", lambda: _plan(kind=None), InvalidArgumentError, "kind"),
    ("Plan currency", lambda: _plan(currency=None), InvalidArgumentError, "currency"),
    ("Plan start", lambda: _plan(start=None), InvalidArgumentError, "start"),
    ("Plan due_dates", lambda: _plan(due_dates=None), InvalidArgumentError, "due_dates"),
    ("Plan rounding", lambda: _plan(rounding=None), InvalidArgumentError, "rounding"),
    ("Plan fee_rate", lambda: _plan(fee_rate="x"), InvalidArgumentError, "fee_rate"),
    ("Schedule currency", lambda: _schedule(currency=None), InvalidArgumentError,
     "currency"),
    ("Schedule payment", lambda: _schedule(payment=None), InvalidArgumentError, "payment"),
    ("Schedule first_number", lambda: _schedule(first_number=Decimal("sNaN")),
     InvalidArgumentError, "first_number"),
    ("PrecomputedLoan due_dates", lambda: PrecomputedLoan(
        **{**_fields(PrecomputedLoan.add_on("1000", add_on_rate="0.1", installments=3,
                                            start="2024-01-15")), "due_dates": None}),
     InvalidArgumentError, "due_dates"),
    # searches checked an argument only when they came to use it: a bad one passed
    # unnoticed whenever an earlier option met the target
    ("find_option max_deferral", lambda: find_option(
        SCHEDULE, target_payment="200", max_deferral="x", as_of="2026-02-01"),
     InvalidArgumentError, "max_deferral"),
    ("find_option fee_rate_step", lambda: find_option(
        SCHEDULE, target_payment="200", fee_rate_step="x", as_of="2026-02-01"),
     InvalidArgumentError, "fee_rate_step"),
    ("best_option fee_rate_step", lambda: best_option(
        SCHEDULE, target_payment="80", discount_rate="0.05", fee_rate_step="x",
        as_of="2026-02-01"), InvalidArgumentError, "fee_rate_step"),
    ("split parts huge",  # OverflowError building a list of 10**40 ints
     lambda: RoundingPolicy().split(100, 10**40), InvalidArgumentError, "parts"),
]


@pytest.mark.parametrize(("call", "error", "argument"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_typed_error_naming_the_argument(call: Callable[[], Any], error: type[Exception],
                                         argument: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, InvalidArgumentError)
    assert info.value.argument == argument


def test_loan_state_paid_must_be_a_mapping() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        LoanState(**{**_state_fields(), "paid": None})
    assert info.value.argument == "paid"


def _state_fields() -> dict[str, Any]:
    from bnpl_restructure.servicing import loan_state

    state = loan_state(SCHEDULE, as_of="2026-01-20")
    return {name: getattr(state, name) for name in LoanState.__dataclass_fields__
            if LoanState.__dataclass_fields__[name].init}


def test_best_option_to_text_limit() -> None:
    search = best_option(SCHEDULE, target_payment="80", discount_rate="0.05", max_extension=6,
                         as_of="2026-02-01")
    assert search.to_text(limit=0).startswith("rank")
    with pytest.raises(InvalidArgumentError) as info:
        search.to_text(limit=-1)
    assert info.value.argument == "limit"


def test_fixes_keep_the_results() -> None:
    # the checks added refuse only what used to fail: the usual calls still answer
    assert round_ratio(5, 2, RoundingMode.HALF_EVEN) == 2
    assert round_ratio(np.int64(5), np.int64(2), RoundingMode.UP) == 3
    assert round_ratio_array(np.array([5, -5]), 2, RoundingMode.HALF_UP).tolist() == [3, -3]
    assert RoundingPolicy().split(100, 3) == [33, 33, 34]
    assert apr.format_rate(Fraction(1, 8)) == "12.50%"
    assert apr.format_rate(1, 0) == "100%"
    # a million compoundings a year is still a rate (near continuous: e^0.1/12 - 1)
    rate = periodic_rate("0.1", periods_per_year=12, compounding_per_year=10**6)
    assert abs(float(rate) - (np.exp(0.1 / 12) - 1)) < 1e-9
    event = LedgerEvent(date=date(2026, 1, 1), kind="due", amount=Decimal("1.00"),
                        installment=1, component="principal")
    assert LedgerEvent.from_dict(event.to_dict()) == event
    assert LateFee(days_past_due=1, order_below="40").applies_to("39.99") is True
    assert UnitPeriod.week(2).per_year == 26
    assert len(_kernel().loan(0, 1).payment) == 1
    assert persistence.write_fraction(3) == "3"
    assert _plan() == Plan.flat_fee("1000", fee_rate="0.005", installments=6,
                                    start="2026-01-15")
    assert _schedule() == SCHEDULE
    # a rate past every float is "too large to express", as an infinite float is
    with pytest.raises(NoSolutionError, match="too large"):
        solver.to_decimal_rate(10**400)
