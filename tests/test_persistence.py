"""Tests for bnpl_restructure.persistence and the to_dict / from_dict of plans, schedules,
restructurings and comparisons: lossless JSON round trips, versions, and every malformed
or tampered document refused with its field's path."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import Plan, RoundingPolicy, Schedule, persistence
from bnpl_restructure.calendar import Frequency
from bnpl_restructure.core import PaymentRule, Period, Program, UnpaidInterest
from bnpl_restructure.errors import InvalidArgumentError, InvalidDocumentError
from bnpl_restructure.money import Currency
from bnpl_restructure.plans import PlannedRow
from bnpl_restructure.rounding import RoundingMode
from bnpl_restructure.testing.strategies import plans


def via_json(document: dict[str, Any]) -> Any:
    """The document as it comes back from JSON text (tuples become lists, and any
    non-JSON value would have raised)."""
    return json.loads(json.dumps(document, allow_nan=False))


def refused(path: str, document: Any, reader: Any = persistence.load) -> InvalidDocumentError:
    """The InvalidDocumentError reading ``document`` raises, checked to name ``path``."""
    with pytest.raises(InvalidDocumentError) as info:
        reader(document)
    assert info.value.argument == path
    assert str(info.value).startswith(path + ": ")
    return info.value


def floats_in(value: Any) -> list[Any]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats_in(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats_in(v)]
    return []


# ------------------------------------------------------------------- the plans

PLANS = {
    "annuity": Plan.annuity("10000", annual_rate="0.08", installments=10,
                            start="2024-01-01", currency="USD"),
    "annuity_balloon_fee_effective": Plan.annuity(
        "5000", annual_rate="0.1", rate_convention="effective", installments=12,
        start="2024-01-31", fee="2.50", balloon="1000"),
    "annuity_canadian": Plan.annuity("300000", annual_rate="0.05", compounding_per_year=2,
                                     installments=24, start="2024-03-15", currency="CAD"),
    "annuity_fineract": Plan.annuity(
        "5000", annual_rate="0.12", installments=18, start="2022-11-01", currency="EUR",
        day_count="act/365f", payment_basis="nominal",
        rounding=RoundingPolicy(payment="half_even", interest="half_even", increment="1")),
    "annuity_level_last": Plan.annuity("2500", annual_rate="0.0824", installments=12,
                                       start="2024-01-01", last_installment="level"),
    "annuity_exact_balance": Plan.annuity("1000", annual_rate="0.12", installments=7,
                                          start="2024-01-01",
                                          rounding=RoundingPolicy(balance="exact")),
    "annuity_carried": Plan.annuity("280000", annual_rate="0.084", installments=20,
                                    start="2024-01-01", rounding=RoundingPolicy(
                                        balance="carried", payment="up", increment="1")),
    "annuity_odd_first_period": Plan.annuity(
        "1200", periodic_rate="0.01", installments=6, start="2024-01-10",
        first_due="2024-03-01", odd_days="free", day_count="30/360"),
    "annuity_every_4_weeks_act_act": Plan.annuity(
        "800", annual_rate="0.2", installments=8, start="2024-02-29",
        frequency="every 4 weeks", day_count="act/act", odd_days="regular"),
    "equal_principal_semi_monthly": Plan.equal_principal(
        "1200.00", annual_rate="0.12", installments=12, start="2024-01-15",
        frequency="semi_monthly", rounding=RoundingPolicy(residual="first")),
    "equal_principal_jpy_act360": Plan.equal_principal(
        "100000", annual_rate="0.15", installments=5, start="2024-01-31", currency="JPY",
        day_count="act/360", frequency="every 2 months"),
    "flat_fee": Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
                              start="2024-01-10"),
    "flat_fee_total_rate_increment": Plan.flat_fee(
        "1000.00", total_fee_rate="0.025", installments=3, start="2024-01-15",
        rounding=RoundingPolicy(increment="0.10", payment="up")),
    "pay_in_4": Plan.pay_in_4("100.01", start="2024-03-01", currency="USD"),
    "pay_in_6_weekly_bhd": Plan.pay_in_4("100.001", start="2024-03-01", currency="BHD",
                                         installments=6, frequency="weekly"),
    "interest_only_quarterly": Plan.interest_only(
        "50000", annual_rate="0.06", installments=8, start="2024-01-01",
        frequency="quarterly", fee="10", rounding=RoundingPolicy(interest="down")),
    "rows_mixed": Plan.from_rows("900.00", start="2024-01-01", annual_rate="0.12", rows=[
        ("2024-02-01", "300.00"), {"due": "2024-03-01", "payment": "150.00"},
        {"due": "2024-04-01"}, {"due": "2024-05-01", "principal": "200.00", "fee": "5.00"},
        {"due": "2024-06-01"}]),
    "rows_all_principal_custom_currency": Plan.from_rows(
        "600.00", start="2024-01-01", currency=Currency("CHF", exponent=2),
        rows=[PlannedRow(due=date(2024, 2, 1), principal=30000),
              PlannedRow(due=date(2024, 3, 5), principal=30000, fee=150)]),
}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_every_plan_round_trips_through_json(name: str) -> None:
    plan = PLANS[name]
    document = via_json(plan.to_dict())
    assert floats_in(document) == []
    back = Plan.from_dict(document)
    assert back == plan
    assert back.schedule() == plan.schedule()
    assert back.program() == plan.program()
    assert repr(back) == repr(plan)
    assert persistence.load(document) == plan


def test_plan_document_fields_are_exact_strings() -> None:
    doc = PLANS["annuity_carried"].to_dict()
    assert doc["format"] == "bnpl_restructure" and doc["version"] == 1
    assert doc["kind"] == "plan" and doc["plan_kind"] == "annuity"
    assert doc["principal"] == "280000.00"
    assert doc["periodic_rate"] == "0.007"  # 8.4% / 12, a terminating decimal
    assert doc["rounding"] == {"payment": "up", "interest": "half_up", "balance": "carried",
                               "residual": "last", "increment": "1"}
    doc = PLANS["annuity_balloon_fee_effective"].to_dict()
    assert doc["fees"][0] == "2.50" and doc["balloon"] == "1000.00"
    # (1.1)^(1/12) - 1 to the 40 digits the rates module computes
    assert doc["periodic_rate"] == "0.007974140428903741066031844223230333183"
    assert PLANS["annuity_every_4_weeks_act_act"].to_dict()["periodic_rate"] == "1/65"
    doc = PLANS["rows_mixed"].to_dict()
    assert doc["principal_parts"] == ["300.00", None, None, "200.00", None]
    assert doc["payments"] == [None, "150.00", None, None, None]
    assert PLANS["rows_all_principal_custom_currency"].to_dict()["currency"] == {
        "code": "CHF", "exponent": 2}
    assert PLANS["annuity_every_4_weeks_act_act"].to_dict()["frequency"] == "every 28 days"
    assert PLANS["pay_in_4"].to_dict()["frequency"] == "biweekly"


@given(plans())
def test_any_plan_round_trips(plan: Plan) -> None:
    back = persistence.loads(persistence.dumps(plan))
    assert back == plan
    assert back.schedule() == plan.schedule()


# --------------------------------------------------------------- the envelope


def plan_doc() -> dict[str, Any]:
    return via_json(PLANS["flat_fee"].to_dict())  # type: ignore[no-any-return]


def test_a_newer_version_is_refused_as_written_by_a_newer_library() -> None:
    err = refused("plan.version", plan_doc() | {"version": 2}, Plan.from_dict)
    assert "written by a newer bnpl_restructure" in str(err)
    assert err.received == 2
    refused("plan.version", plan_doc() | {"version": 2})  # through load as well


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, True, None])
def test_a_version_that_is_not_a_supported_int_is_refused(version: Any) -> None:
    refused("plan.version", plan_doc() | {"version": version}, Plan.from_dict)


def test_the_wrong_kind_is_refused_naming_what_the_document_holds() -> None:
    err = refused("schedule.kind", plan_doc(), Schedule.from_dict)
    assert "holds a 'plan'" in str(err)
    refused("document.kind", plan_doc() | {"kind": "invoice"})


def test_a_foreign_document_is_refused() -> None:
    refused("plan.format", plan_doc() | {"format": "other"}, Plan.from_dict)
    refused("document.format", {"kind": "plan"})
    refused("plan", ["not", "a", "mapping"], Plan.from_dict)
    refused("document", "text")
    refused("document", "{not json", persistence.loads)


def test_load_reads_servicing_kinds_only_when_servicing_can() -> None:
    doc = {"format": "bnpl_restructure", "version": 1, "kind": "servicing_terms"}
    with pytest.raises(InvalidDocumentError) as info:
        persistence.load(doc)
    # either this installation cannot read the kind yet, or its from_dict refuses the
    # (empty) document: a typed error naming a path in the document either way
    assert info.value.argument.startswith(("document.kind", "servicing_terms"))


def test_dumps_needs_an_object_with_to_dict() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        persistence.dumps(object())
    assert info.value.argument == "obj"


# ----------------------------------------------------------- malformed plans


def test_a_missing_field_is_named() -> None:
    doc = plan_doc()
    del doc["start"]
    err = refused("plan.start", doc, Plan.from_dict)
    assert str(err) == "plan.start: is missing"


def test_float_money_is_refused() -> None:
    err = refused("plan.principal", plan_doc() | {"principal": 1200.0}, Plan.from_dict)
    assert "never a float" in str(err) and err.received == 1200.0
    doc = plan_doc()
    doc["fees"][3] = 6.0
    refused("plan.fees[3]", doc, Plan.from_dict)


def test_money_with_too_many_decimals_is_refused() -> None:
    doc = plan_doc()
    doc["fees"][11] = "6.001"
    err = refused("plan.fees[11]", doc, Plan.from_dict)
    assert "at most 2 decimal places for CNY" in str(err)


def test_a_float_rate_is_refused() -> None:
    err = refused("plan.periodic_rate", plan_doc() | {"periodic_rate": 0.01}, Plan.from_dict)
    assert "never a float" in str(err)
    refused("plan.fee_rate", plan_doc() | {"fee_rate": "1/0"}, Plan.from_dict)


def test_unknown_conventions_and_fields_are_refused() -> None:
    refused("plan.day_count", plan_doc() | {"day_count": "act/366"}, Plan.from_dict)
    refused("plan.frequency", plan_doc() | {"frequency": "bimonthly"}, Plan.from_dict)
    refused("plan.principle", plan_doc() | {"principle": "1.00"}, Plan.from_dict)
    doc = plan_doc()
    doc["rounding"]["payment"] = "HALF_UP"  # canonical spelling only
    refused("plan.rounding.payment", doc, Plan.from_dict)
    refused("plan.currency", plan_doc() | {"currency": "XYZ"}, Plan.from_dict)
    doc = plan_doc()
    doc["due_dates"][2] = "2024-02-30"
    refused("plan.due_dates[2]", doc, Plan.from_dict)


def test_terms_that_do_not_make_a_plan_are_refused_with_the_field() -> None:
    doc = plan_doc()
    doc["principal_parts"][0] = "99.00"  # parts no longer add up to the principal
    err = refused("plan.principal_parts", doc, Plan.from_dict)
    assert "must add up to the principal" in str(err)
    doc = plan_doc()
    doc["fees"] = doc["fees"][:-1]
    refused("plan.fees", doc, Plan.from_dict)
    doc = via_json(PLANS["annuity"].to_dict())
    doc["balloon"] = "20000.00"
    refused("plan.balloon", doc, Plan.from_dict)


# ------------------------------------------------------------------ readers


def test_readers_name_the_path_of_list_items() -> None:
    doc = {"periods": [{"amount": "1.00"}, {"amount": 2.5}]}
    periods = persistence.read_list(doc, "periods", "schedule.program")
    err = refused("schedule.program.periods[1].amount", periods[1],
                  lambda row: persistence.read_money(row, "amount", "CNY",
                                                     "schedule.program.periods[1]"))
    assert err.received == 2.5
    refused("plan.fees[7]", ["1.00"], lambda values: persistence.read_money(
        values, 7, "CNY", "plan.fees"))


@pytest.mark.parametrize(("value", "expected"), [
    ("1/1200", Fraction(1, 1200)), ("0.005", Fraction(1, 200)), ("-3/4", Fraction(-3, 4)),
    ("0", Fraction(0)), ("12", Fraction(12)), ("1e-3", Fraction(1, 1000))])
def test_read_fraction_reads_both_spellings(value: str, expected: Fraction) -> None:
    assert persistence.read_fraction({"r": value}, "r", "x") == expected


@pytest.mark.parametrize("value", [0.5, 1, "1/2/3", "one", "", None, "nan"])
def test_read_fraction_refuses(value: Any) -> None:
    refused("x.r", {"r": value}, lambda d: persistence.read_fraction(d, "r", "x"))


@pytest.mark.parametrize(("value", "text"), [
    (Fraction(1, 200), "0.005"), (Fraction(1, 1200), "1/1200"), (Fraction(0), "0"),
    (Fraction(7), "7"), (Fraction(-1, 3), "-1/3"), (Fraction(3, 8), "0.375"),
    (Fraction(1, 10**12), "0.000000000001")])
def test_write_fraction(value: Fraction, text: str) -> None:
    assert persistence.write_fraction(value) == text
    assert persistence.read_fraction([text], 0, "x") == value


def test_scalar_readers_are_strict() -> None:
    refused("x.n", {"n": True}, lambda d: persistence.read_int(d, "n", "x"))
    refused("x.n", {"n": 0}, lambda d: persistence.read_int(d, "n", "x", minimum=1))
    refused("x.b", {"b": 1}, lambda d: persistence.read_bool(d, "b", "x"))
    refused("x.s", {"s": 1}, lambda d: persistence.read_str(d, "s", "x"))
    refused("x.d", {"d": 0.1}, lambda d: persistence.read_decimal(d, "d", "x"))
    refused("x.d", {"d": "2024-1-5"}, lambda d: persistence.read_date(d, "d", "x"))
    refused("x.l", {"l": "abc"}, lambda d: persistence.read_list(d, "l", "x"))
    refused("x.m", {"m": []}, lambda d: persistence.read_mapping(d, "m", "x"))
    refused("x.e", {"e": "sideways"},
            lambda d: persistence.read_enum(d, "e", RoundingMode, "x"))
    refused("x.m", {"m": 5}, lambda d: persistence.read_money(d, "m", "JPY", "x"))
    refused("x.m", {"m": "5.5"}, lambda d: persistence.read_money(d, "m", "JPY", "x"))
    assert persistence.read_money({"m": "5"}, "m", "JPY", "x") == Decimal(5)
    assert persistence.read_decimal({"d": "0.10"}, "d", "x") == Decimal("0.10")
    assert persistence.read_enum({"r": "PAYOFF"}, "r", PaymentRule, "x") is PaymentRule.PAYOFF
    assert persistence.read_optional(persistence.read_int, {}, "n", "x") is None


# ---------------------------------------------------------------- schedules


def schedule_round_trip(schedule: Schedule) -> Schedule:
    document = via_json(schedule.to_dict())
    assert floats_in(document) == []
    back = Schedule.from_dict(document)
    assert back == schedule
    assert back.program == schedule.program
    assert back.frequency == schedule.frequency
    assert back.to_text() == schedule.to_text() and repr(back) == repr(schedule)
    assert back.running_interest() == schedule.running_interest()
    assert persistence.load(document) == schedule
    return back


@pytest.mark.parametrize("name", sorted(PLANS))
def test_every_plan_schedule_and_its_views_round_trip(name: str) -> None:
    schedule = PLANS[name].schedule()
    back = schedule_round_trip(schedule)
    assert isinstance(back.source, Plan) and back.source == PLANS[name]
    middle = schedule.due_dates[len(schedule) // 2]
    schedule_round_trip(schedule.after(middle))
    schedule_round_trip(schedule.until(middle))
    schedule_round_trip(schedule.after(schedule.due_dates[-1]))  # an empty view
    schedule_round_trip(schedule.until(schedule.start))


def test_a_schedule_with_a_program_source_keeps_every_period_field() -> None:
    program = Program(principal=100000, periods=(
        Period(due=date(2024, 2, 1), factor=Fraction(1, 100), rule=PaymentRule.NOTHING,
               unpaid=UnpaidInterest.CAPITALIZE),
        Period(due=date(2024, 3, 1), factor=Fraction(1, 300), rule=PaymentRule.AMOUNT,
               amount=30000, fee=150, unpaid=UnpaidInterest.WAIVE),
        Period(due=date(2024, 4, 1), factor=Fraction(0), rule=PaymentRule.PAYOFF)),
        interest_rounding=RoundingMode.HALF_EVEN, payment_rounding=RoundingMode.DOWN)
    from bnpl_restructure.core import run_single

    cols = run_single(program)
    schedule = Schedule(currency=Currency.of("CNY"), start=date(2024, 1, 1), principal=100000,
                        due_dates=tuple(p.due for p in program.periods),
                        payment=cols.payment, principal_paid=cols.principal,
                        interest=cols.interest, fee=cols.fee, balance=cols.balance,
                        capitalized=cols.capitalized, waived=cols.waived,
                        arrears=cols.arrears, source=program, frequency=Frequency.MONTHLY)
    doc = schedule.to_dict()
    assert doc["source"]["program"]["periods"][0] == {
        "due": "2024-02-01", "factor": "0.01", "rule": "NOTHING", "amount": "0.00",
        "fee": "0.00", "unpaid": "CAPITALIZE"}
    assert doc["source"]["program"]["interest_rounding"] == "half_even"
    back = schedule_round_trip(schedule)
    assert back.source == program


def test_an_unrounded_program_amount_round_trips_as_an_exact_fraction() -> None:
    plan = PLANS["annuity_exact_balance"]
    schedule = plan.schedule()
    program = plan.program()
    assert type(program.periods[0].amount) is Fraction
    detached = Schedule(currency=schedule.currency, start=schedule.start,
                        principal=schedule.principal, due_dates=schedule.due_dates,
                        payment=schedule.payment, principal_paid=schedule.principal_paid,
                        interest=schedule.interest, fee=schedule.fee,
                        balance=schedule.balance, source=program)
    doc = via_json(detached.to_dict())
    period = doc["source"]["program"]["periods"][0]
    assert "amount" not in period and Fraction(period["amount_minor"]) == \
        program.periods[0].amount
    assert doc["balances_as_recorded"] is True  # spreadsheet display rounding
    assert Schedule.from_dict(doc).program == program


def test_a_schedule_read_from_records_round_trips() -> None:
    schedule = Schedule.from_records([
        {"date": "2024-02-01", "payment": "340.33", "principal": "333.33", "fee": "7.00"},
        {"date": "2024-03-01", "payment": "340.34", "principal": "333.34", "fee": "7.00"}],
        start="2024-01-01")
    doc = schedule.to_dict()
    assert doc["source"] is None and "balances_as_recorded" not in doc
    assert schedule_round_trip(schedule).source is None
    recorded = Schedule.from_records([  # a balance off by a cent, as another system had it
        {"date": "2024-02-01", "payment": "340.33", "principal": "333.33", "fee": "7.00",
         "balance": "333.33"},
        {"date": "2024-03-01", "payment": "340.34", "principal": "333.34", "fee": "7.00",
         "balance": "0.00"}], start="2024-01-01", principal="666.67")
    assert recorded.to_dict()["balances_as_recorded"] is True
    schedule_round_trip(recorded)


def test_a_row_that_does_not_reconcile_is_refused() -> None:
    doc = via_json(PLANS["pay_in_4"].schedule().to_dict())
    doc["principal_paid"][2] = "30.00"
    err = refused("schedule.payment[2]", doc, Schedule.from_dict)
    assert "must equal principal + interest + fee (30.00 + 0.00 + 0.00)" in str(err)
    assert err.received == "25.00"


def test_a_column_that_is_not_what_the_plan_gives_is_refused() -> None:
    doc = via_json(PLANS["annuity"].schedule().to_dict())
    # move a cent from principal to interest in row 4: the row still reconciles
    assert (doc["principal_paid"][3], doc["interest"][3]) == ("989.90", "47.13")
    doc["principal_paid"][3] = "989.89"
    doc["interest"][3] = "47.14"
    err = refused("schedule.principal_paid[3]", doc, Schedule.from_dict)
    assert str(err) == ("schedule.principal_paid[3]: must be what the stored plan gives "
                        "(989.90) (got '989.89')")


def test_a_tampered_balance_without_a_plan_is_refused() -> None:
    doc = via_json(PLANS["flat_fee"].schedule().to_dict())
    doc["source"] = None
    assert Schedule.from_dict(doc) == PLANS["flat_fee"].schedule()
    assert doc["balance"][4] == "700.00"
    doc["balance"][4] = "700.01"
    err = refused("schedule.balance[4]", doc, Schedule.from_dict)
    assert "principal column does not reconcile" in str(err)
    assert err.received == "700.01"


def test_a_principal_column_not_adding_up_to_the_principal_is_refused() -> None:
    doc = via_json(PLANS["flat_fee"].schedule().to_dict())
    doc["source"] = None
    doc["principal"] = "1300.00"  # the rows repay 1,200.00
    refused("schedule.balance[0]", doc, Schedule.from_dict)


def test_schedule_document_shape_errors() -> None:
    doc = via_json(PLANS["pay_in_4"].schedule().to_dict())
    short = copy.deepcopy(doc)
    short["interest"] = short["interest"][:3]
    err = refused("schedule.interest", short, Schedule.from_dict)
    assert "must have 4 items" in str(err)
    floaty = copy.deepcopy(doc)
    floaty["payment"][1] = 25.0
    refused("schedule.payment[1]", floaty, Schedule.from_dict)
    bad_source = copy.deepcopy(doc)
    bad_source["source"] = {"plan": doc["source"]["plan"], "program": {}}
    refused("schedule.source", bad_source, Schedule.from_dict)
    bad_plan = copy.deepcopy(doc)
    bad_plan["source"]["plan"]["principal"] = 100.0
    refused("schedule.source.plan.principal", bad_plan, Schedule.from_dict)
    missing = copy.deepcopy(doc)
    del missing["first_number"]
    refused("schedule.first_number", missing, Schedule.from_dict)


def test_a_program_period_field_is_named_by_its_path() -> None:
    plan = PLANS["annuity"]
    schedule = plan.schedule()
    detached = Schedule(currency=schedule.currency, start=schedule.start,
                        principal=schedule.principal, due_dates=schedule.due_dates,
                        payment=schedule.payment, principal_paid=schedule.principal_paid,
                        interest=schedule.interest, fee=schedule.fee,
                        balance=schedule.balance, source=plan.program())
    doc = via_json(detached.to_dict())
    doc["source"]["program"]["periods"][3]["amount"] = 1037.03
    refused("schedule.source.program.periods[3].amount", doc, Schedule.from_dict)
    doc = via_json(detached.to_dict())
    doc["source"]["program"]["periods"][3]["rule"] = "SOMETIMES"
    refused("schedule.source.program.periods[3].rule", doc, Schedule.from_dict)
    doc = via_json(detached.to_dict())
    doc["source"]["program"]["periods"][5]["due"] = "2024-07-02"
    refused("schedule.due_dates[5]", doc, Schedule.from_dict)


@given(plans(), st.integers(min_value=0, max_value=40))
def test_any_schedule_and_view_round_trips(plan: Plan, cut: int) -> None:
    schedule = plan.schedule()
    day = schedule.due_dates[min(cut, len(schedule) - 1)]
    for view in (schedule, schedule.after(day), schedule.until(day)):
        back = persistence.loads(persistence.dumps(view))
        assert back == view
        assert back.program == view.program


# ---------------------------------------------------------- restructurings

from bnpl_restructure.examples import seed_plan  # noqa: E402
from bnpl_restructure.restructure import (  # noqa: E402
    CapitalizeArrears,
    Comparison,
    DeferPrincipal,
    ExtendTerm,
    ForgivePrincipal,
    HolidayInterest,
    PaymentHoliday,
    ReAge,
    ReAgePolicy,
    ReducePayment,
    ReduceRate,
    Restructuring,
    WaiveFees,
    compare,
    restructure,
)
from bnpl_restructure.servicing import loan_state  # noqa: E402

SEED_PAYMENTS = [("2026-02-15", "536.00")]
OPTIONS = {
    "capitalize_extend": [CapitalizeArrears(), ExtendTerm(periods=6)],
    "reduce_float_fraction_defer_spread": [
        ReducePayment(fraction=0.5, periods=3, shortfall="defer", spread=True)],
    "reduce_amount": [ReducePayment(amount="300", periods=2)],
    "holiday_accrue_reamortize": [
        PaymentHoliday(periods=2, interest=HolidayInterest.ACCRUE, shift=False)],
    "fee_rate_fraction": [ReduceRate(fee_rate=Fraction(1, 300))],
    "waive_fees": [WaiveFees(future=False)],
    "forgive_decimal": [ForgivePrincipal(amount=Decimal("500"))],
    "capitalize_tuple_defer": [
        CapitalizeArrears(components=("principal", "interest", "fee", "penalty")),
        DeferPrincipal(amount="1000")],
    "extend_to_date": [ExtendTerm(maturity=date(2027, 6, 15), fee_rate="0.004")],
    "re_age_with_policy": [ReAge(interest="spread_frozen", policy=ReAgePolicy(
        min_account_age_months=0, consecutive_payments=0))],
}


def seed_option(name: str) -> Restructuring:
    return restructure(seed_plan().schedule(), OPTIONS[name], payments=SEED_PAYMENTS,
                       as_of="2026-04-20")


def restructuring_doc() -> dict[str, Any]:
    return via_json(seed_option("capitalize_extend").to_dict())  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_every_restructuring_round_trips_through_json(name: str) -> None:
    option = seed_option(name)
    document = via_json(option.to_dict())
    assert floats_in(document) == []
    back = Restructuring.from_dict(document)
    assert back == option
    assert repr(back) == repr(option) and back.name == option.name
    assert back.schedule.to_text() == option.schedule.to_text()
    assert back._repr_html_() == option._repr_html_()
    assert back.plan == option.plan and back.history == option.history
    # each change's arguments come back with their own types (a float stays a float)
    assert [(type(c), {f: (type(getattr(c, f)), getattr(c, f))
                       for f in c.__dataclass_fields__}) for c in back.changes] == \
        [(type(c), {f: (type(getattr(c, f)), getattr(c, f))
                    for f in c.__dataclass_fields__}) for c in option.changes]
    assert back.position.state == option.position.state
    assert persistence.load(document) == option


def test_the_report_keys_of_a_restructuring_document_are_kept() -> None:
    doc = seed_option("capitalize_extend").to_dict()
    assert {k: doc[k] for k in ("as_of", "currency", "changes", "first_payment",
                                "max_payment", "due_now", "installments", "maturity",
                                "total_to_pay", "capitalized", "deferred", "waived",
                                "forgiven", "history")} == {
        "as_of": "2026-04-20", "currency": "CNY",
        "changes": ["capitalize arrears", "extend +6"], "first_payment": "404.89",
        "max_payment": "404.99", "due_now": "0.00", "installments": 15,
        "maturity": "2027-07-15", "total_to_pay": "6073.45",
        "capitalized": {"principal": "1000.00", "fee": "72.00"}, "deferred": "0.00",
        "waived": {}, "forgiven": "0.00", "history": ["2026-04-20"]}
    assert doc["change_terms"] == [
        {"change": "capitalize_arrears",
         "components": {"tuple": ["principal", "interest", "fee"]}},
        {"change": "extend_term", "periods": 6, "maturity": None, "annual_rate": None,
         "periodic_rate": None, "fee_rate": None}]
    doc = seed_option("reduce_float_fraction_defer_spread").to_dict()
    assert doc["change_terms"][0]["fraction"] == {"float": "0.5"}
    assert doc["change_terms"][0]["shortfall"] == "defer"


def test_a_restored_restructuring_services_and_restructures_as_the_original() -> None:
    option = seed_option("capitalize_extend")
    back = persistence.loads(persistence.dumps(option))
    later = [("2026-05-15", "404.89")]
    assert loan_state(back.schedule, later, as_of="2026-07-01") == \
        loan_state(option.schedule, later, as_of="2026-07-01")
    again = restructure(back.schedule, [ExtendTerm(periods=2)], payments=later,
                        as_of="2026-07-01")
    assert again == restructure(option.schedule, [ExtendTerm(periods=2)], payments=later,
                                as_of="2026-07-01")
    assert str(again.schedule[-1].payment) == "351.03"


def test_a_restored_plan_schedule_services_and_restructures_as_the_original() -> None:
    schedule = seed_plan().schedule()
    back = persistence.loads(persistence.dumps(schedule))
    assert loan_state(back, SEED_PAYMENTS, as_of="2026-04-20") == \
        loan_state(schedule, SEED_PAYMENTS, as_of="2026-04-20")
    assert restructure(back, OPTIONS["capitalize_extend"], payments=SEED_PAYMENTS,
                       as_of="2026-04-20") == seed_option("capitalize_extend")


def test_a_tampered_summary_is_refused() -> None:
    err = refused("restructuring.first_payment",
                  restructuring_doc() | {"first_payment": "300.00"}, Restructuring.from_dict)
    assert "('404.89')" in str(err)
    refused("restructuring.changes", restructuring_doc() | {"changes": ["waive fees"]},
            Restructuring.from_dict)


def test_a_tampered_restructured_schedule_is_refused() -> None:
    doc = restructuring_doc()
    # interest and fee of row 3 swapped a cent: the row reconciles, the balances too
    assert (doc["schedule"]["interest"][2], doc["schedule"]["fee"][2]) == ("0.00", "33.43")
    doc["schedule"]["interest"][2], doc["schedule"]["fee"][2] = "0.01", "33.42"
    err = refused("restructuring.schedule.interest[2]", doc, Restructuring.from_dict)
    assert str(err) == ("restructuring.schedule.interest[2]: must be what the stored changes "
                        "give on the stored position (0.00) (got '0.01')")
    doc = restructuring_doc()
    doc["schedule"]["principal_paid"][2] = "371.45"  # and the payment with it
    doc["schedule"]["payment"][2] = "404.88"
    refused("restructuring.schedule.balance[2]", doc, Restructuring.from_dict)


def test_a_tampered_change_or_position_is_refused() -> None:
    doc = restructuring_doc()
    doc["change_terms"][1]["periods"] = 7  # the stored schedule has 6 more
    refused("restructuring.schedule.due_dates[15]", doc, Restructuring.from_dict)
    doc = restructuring_doc()
    doc["change_terms"][1]["change"] = "extend"
    refused("restructuring.change_terms[1].change", doc, Restructuring.from_dict)
    doc = restructuring_doc()
    doc["change_terms"][1]["periods"] = 6.0
    refused("restructuring.change_terms[1].periods", doc, Restructuring.from_dict)
    doc = restructuring_doc()
    doc["change_terms"][1]["fee_rate"] = {"float": "nan"}
    refused("restructuring.change_terms[1].fee_rate.float", doc, Restructuring.from_dict)
    doc = restructuring_doc()
    doc["position"]["arrears"]["fee"] = 72.0
    refused("restructuring.position.arrears.fee", doc, Restructuring.from_dict)
    doc = restructuring_doc()
    doc["position"]["remaining"]["payment"][0] = "1.00"
    refused("restructuring.position.remaining.payment[0]", doc, Restructuring.from_dict)


# ------------------------------------------------------------- comparisons


def seed_comparison() -> Comparison:
    return compare(seed_plan().schedule(), [OPTIONS["capitalize_extend"],
                                            OPTIONS["reduce_amount"],
                                            OPTIONS["holiday_accrue_reamortize"]],
                   discount_rate="0.05", payments=SEED_PAYMENTS, as_of="2026-04-20",
                   monthly_income="1500", lpr="0.0345")


def test_a_comparison_round_trips_through_json() -> None:
    table = seed_comparison()
    document = via_json(table.to_dict())
    assert floats_in(document) == []
    back = Comparison.from_dict(document)
    assert back == table
    assert back.to_text() == table.to_text() and back._repr_html_() == table._repr_html_()
    assert repr(back) == repr(table)
    assert [r.option for r in back.rows] == [r.option for r in table.rows]
    assert document["best"] == 1 and document["rows"][1]["payment_to_income"] == \
        str(table.rows[1].payment_to_income)
    assert persistence.load(document) == table


def test_a_tampered_comparison_is_refused() -> None:
    doc = via_json(seed_comparison().to_dict())
    err = refused("comparison.best", doc | {"best": 2}, Comparison.from_dict)
    assert "(1)" in str(err)
    doc = via_json(seed_comparison().to_dict())
    doc["rows"][2]["name"] = "a better deal"
    refused("comparison.rows[2].name", doc, Comparison.from_dict)
    doc = via_json(seed_comparison().to_dict())
    doc["rows"][2]["total_to_pay"] = 5896.0
    refused("comparison.rows[2].total_to_pay", doc, Comparison.from_dict)
    doc = via_json(seed_comparison().to_dict())
    doc["rows"][3]["option"]["first_payment"] = "1.00"
    refused("comparison.rows[3].option.first_payment", doc, Comparison.from_dict)


def test_a_zero_rate_is_written_without_an_exponent() -> None:
    # an interest-free plan's rates are Decimal('0E-12') (12 places); documents and the
    # command line write them as plain decimals, which read back equal
    from bnpl_restructure.persistence import write_decimal
    from bnpl_restructure.restructure import ExtendTerm, compare

    s = Plan.annuity("1200", annual_rate=0, installments=12, start="2026-01-15").schedule()
    table = compare(s, [[ExtendTerm(periods=6)]], discount_rate="0.05", as_of="2026-01-20")
    doc = table.to_dict()
    assert [row["annual_rate"] for row in doc["rows"]] == ["0.000000000000"] * 2
    assert "E-" not in json.dumps(doc)
    assert Comparison.from_dict(doc).rows[1].annual_rate == 0
    assert write_decimal(Decimal("1E+3")) == "1000"
