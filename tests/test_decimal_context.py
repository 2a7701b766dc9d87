"""The caller's decimal context never changes a figure, never raises, and is left as it was.

Each scenario below runs the public calls of one module and collects what they return
(and the text the library renders). It runs once under an ordinary context, then under
each hostile one; the results must be identical (compared by their ``repr`` under the
ordinary context, so that ``Decimal('1.0')`` and ``Decimal('1.00')`` differ), and the
caller's context must come back unchanged: same object, same settings, and no flag set,
which also proves that no arithmetic ran in it (an inexact operation would set
``Inexact``, a float conversion ``FloatOperation``).
"""

from __future__ import annotations

import contextlib
import decimal
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import Plan, RoundingPolicy, rates, regz
from bnpl_restructure import restructure as rs
from bnpl_restructure.__main__ import main
from bnpl_restructure._context import (
    LIBRARY_CONTEXT,
    PRECISION,
    in_library_context,
    make_context,
)
from bnpl_restructure.apr import (
    amount_financed,
    check_apr,
    check_finance_charge,
    cn_annualized_rate,
    eu_aprc,
    fee_rate_table,
    finance_charge,
    format_rate,
    irr,
    irr_many,
    reg_z_apr,
    total_of_payments,
    xirr,
    xirr_many,
)
from bnpl_restructure.batch import annuity_batch, equal_principal_batch, flat_fee_batch
from bnpl_restructure.disclosure import disclose, payment_groups
from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.examples import seed_plan
from bnpl_restructure.money import (
    BHD,
    CNY,
    JPY,
    format_money,
    parse_money,
    to_decimal,
)
from bnpl_restructure.rates import parse_rate, periodic_rate
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import LoanState, ServicingTerms, loan_state, payoff_quote
from bnpl_restructure.testing.invariants import check_schedule
from bnpl_restructure.testing.strategies import annual_rates, plans

_ALL_SIGNALS = [decimal.Clamped, decimal.DivisionByZero, decimal.FloatOperation,
                decimal.Inexact, decimal.InvalidOperation, decimal.Overflow, decimal.Rounded,
                decimal.Subnormal, decimal.Underflow]

#: What a caller who never touched ``decimal`` has (Python's defaults, spelled out).
ORDINARY = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, Emin=-999_999,
                           Emax=999_999, capitals=1, clamp=0, flags=[],
                           traps=[decimal.InvalidOperation, decimal.DivisionByZero,
                                  decimal.Overflow])

HOSTILE = {
    # every signal raises, 5 digits, rounding towards -inf, a tiny exponent range,
    # lower-case exponents: any arithmetic in this context raises
    "traps_everything": decimal.Context(prec=5, rounding=decimal.ROUND_FLOOR, Emin=-9,
                                        Emax=9, capitals=0, clamp=1, flags=[],
                                        traps=_ALL_SIGNALS),
    # nothing raises, 3 digits: what goes wrong silently becomes NaN or loses digits
    "low_precision_untrapped": decimal.Context(prec=3, rounding=decimal.ROUND_05UP,
                                               capitals=0, flags=[], traps=[]),
    # more digits than the library's and truncation: quotients would grow and change
    "high_precision_truncating": decimal.Context(prec=80, rounding=decimal.ROUND_DOWN,
                                                 flags=[], traps=[]),
}


def _outcome(call: Callable[[], Any]) -> Any:
    """What ``call`` returns, or the type and message of the library error it raises."""
    try:
        return call()
    except InvalidArgumentError as exc:
        return (type(exc).__name__, str(exc))


# --------------------------------------------------------------------------- scenarios
# Only library calls inside: no arithmetic of the test's own (it would run in the
# hostile context).


def _money() -> list[Any]:
    return [to_decimal(0.1, argument="rate"), to_decimal(" 1234.50 ", argument="principal"),
            to_decimal(Fraction(3, 8), argument="rate"), to_decimal(10**30 + 1, argument="x"),
            to_decimal("123456789012345678901234567890.125", argument="x"),
            parse_money("999999999999.99", "CNY", argument="principal"),
            parse_money("12.345", BHD, argument="fee"), parse_money(2.5, "USD", argument="p"),
            format_money(-123456789, "USD"), format_money(1234567, "JPY"),
            CNY.to_minor("1.500"), JPY.to_major(25), BHD.to_major(-1), CNY.quantum,
            _outcome(lambda: to_decimal("1e9999999999999999999", argument="rate")),
            _outcome(lambda: CNY.to_minor("0.005", argument="fee"))]


def _rates() -> list[Any]:
    rates._REMEMBERED.clear()  # computed in this context, not recalled from another
    return [parse_rate("8.49%", argument="annual_rate"),
            parse_rate(0.0849, argument="annual_rate"),
            periodic_rate("0.12", convention="effective", periods_per_year=12),
            periodic_rate("0.06", periods_per_year=12, compounding_per_year=2),
            periodic_rate("0.0833", periods_per_year=Fraction(365, 7)),
            _outcome(lambda: parse_rate(8, argument="annual_rate")),
            _outcome(lambda: parse_rate("0.6", argument="fee_rate",
                                        plain_limit=Fraction(1, 10))),
            _outcome(lambda: parse_rate("1001%", argument="annual_rate"))]


def _plans() -> list[Plan]:
    rates._REMEMBERED.clear()
    return [
        seed_plan(),
        Plan.flat_fee("1000.00", fee_rate="0.007", installments=3, start="2024-01-15"),
        Plan.flat_fee("6000", total_fee_rate="7.2%", installments=12, start="2024-01-31"),
        Plan.annuity("10000", annual_rate="0.08", installments=10, start="2024-01-01",
                     currency="USD"),
        Plan.annuity(10000.0, annual_rate=0.0849, installments=36, start="2024-01-31",
                     first_due="2024-03-15", day_count="act/365f", currency="USD"),
        Plan.annuity("250000", annual_rate="0.06", compounding_per_year=2, installments=24,
                     start="2024-01-01", currency="CAD"),
        Plan.annuity("5000", annual_rate="0.12", rate_convention="effective",
                     installments=12, start="2024-02-29",
                     rounding=RoundingPolicy.spreadsheet()),
        Plan.annuity("30000", annual_rate="0.09", installments=24, start="2024-01-01",
                     balloon="10000"),
        Plan.equal_principal("1000.00", annual_rate="0.12", installments=3,
                             start="2024-01-15", currency="BHD"),
        Plan.pay_in_4("100.01", start="2024-03-01", currency="USD"),
        Plan.pay_in_4("1000", start="2024-03-01", currency="JPY"),
        Plan.interest_only("1200", annual_rate="0.10", installments=6, start="2024-01-10"),
        Plan.from_rows("900.00", start="2024-01-01", annual_rate="0.12", rows=[
            ("2024-02-01", "300.00"), ("2024-04-01", "300.00", "5.00"),
            {"due": "2024-05-01", "principal": "300.00"}]),
    ]


def _schedules() -> list[Any]:
    out: list[Any] = []
    for plan in _plans():
        s = plan.schedule()
        check_schedule(s)
        out += [repr(plan), repr(s), s.to_text(), [repr(row) for row in s], s.amount,
                s.total_of_payments, s.total_principal, s.total_interest, s.total_fees,
                s.total_cost, s.columns(as_decimal=True), s.columns(),
                repr(s.after(s.due_dates[0])), repr(s.until(s.due_dates[0]))]
    return out


def _apr() -> list[Any]:
    seed = seed_plan()
    usd = Plan.annuity("5000", annual_rate="0.12", installments=24, start="2024-01-10",
                       currency="USD").schedule()
    flat = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3, start="2024-01-15",
                         currency="USD").schedule()
    cn = cn_annualized_rate(seed, include_simple=True)
    table = fee_rate_table("0.005")
    return [
        irr(["-70000", 12000, 15000, 18000, 21000, 26000]),
        irr([-100, 0, 121]),
        xirr([("2008-01-01", -10000), ("2008-03-01", 2750), ("2008-10-30", 4250),
              ("2009-02-15", 3250), ("2009-04-01", 2750)]),
        xirr([("2024-01-01", "-1000.00"), ("2025-01-01", "1100.00")], day_count="act/360"),
        irr_many([[-100, 110, 0], [-100, 0, 121]]),
        xirr_many([[-100, 110]], [["2024-01-01", "2025-01-01"]], days_per_year=366),
        eu_aprc([("1994-01-01", 1000)], [("1995-07-01", 1200)]),
        eu_aprc(seed), eu_aprc(seed, time_basis="equal_months"),
        eu_aprc(seed, time_basis="weeks"),
        cn, str(cn), cn_annualized_rate([-1000, 350, 350, 350], periods_per_year=12),
        cn_annualized_rate(seed, upfront_fees="60.00"),
        table, table.to_text(), repr(table), table._repr_html_(),
        fee_rate_table(Fraction(1, 150), installments=(7,)).to_text(),
        reg_z_apr("5000.00", [(date(1978 + (1 + k) // 12, (1 + k) % 12 + 1, 10), "230.00")
                              for k in range(24)], advance_date="1978-01-10"),
        reg_z_apr("1000", [("1978-09-15", "1080")], advance_date="1978-01-03"),
        reg_z_apr(advances=[("2024-01-01", 600), ("2024-02-01", 400)],
                  payments=[("2024-03-01", 340), ("2024-04-01", 340), ("2024-05-01", 340)]),
        reg_z_apr(usd), reg_z_apr(usd, prepaid_finance_charge="50.00"),
        reg_z_apr("300", [("2024-02-01", "100"), ("2024-03-01", "100"), ("2024-04-01", "100")],
                  advance_date="2024-01-01"),
        check_apr("0.1210", usd), repr(check_apr("0.1213", usd)),
        check_apr("0.0969", usd, regular=False, unit_period="month"),
        check_finance_charge("26.00", flat), repr(check_finance_charge("26.01", flat)),
        check_finance_charge("20", flat, secured_by_dwelling=True),
        amount_financed(flat, prepaid_finance_charge="20"),
        finance_charge(flat, prepaid_finance_charge="20.001"),
        total_of_payments(flat),
        format_rate(Decimal("0.130662"), 1), format_rate(Fraction(1, 3), 4),
        format_rate(Decimal("0.1090449"), 5), format_rate(Decimal(0), 12),
    ]


def _disclosures() -> list[Any]:
    out: list[Any] = []
    seed = seed_plan()
    usd = Plan.annuity("1200", annual_rate="0.10", installments=12, start="2024-01-15",
                       currency="USD")
    cases: list[tuple[Plan | Schedule, str, dict[str, str]]] = [
        (seed, "cn", {}), (seed, "reg_z", {}), (seed, "eu", {}),
        (seed, "cn", {"upfront_fees": "60.00"}), (usd, "reg_z", {"upfront_fees": "25.00"}),
        (usd, "eu", {"time_basis": "equal_months"}),
        (usd.schedule(), "eu", {"time_basis": "weeks"})]
    for plan, standard, extra in cases:
        d = disclose(plan, standard=standard, **extra)
        out += [d, repr(d), str(d), d.to_text(), d.rows(), d.rate_display, d.to_dict(),
                d._repr_html_(), d.title]
    out.append(payment_groups(seed.schedule()))
    return out


def _servicing() -> list[Any]:
    s = seed_plan().schedule()
    usd = Plan.annuity("1000", annual_rate="0.2999", installments=6, start="2026-01-31",
                       currency="USD").schedule()
    gbp = Plan.pay_in_4("120.00", start="2026-01-01", currency="GBP").schedule()
    custom = ServicingTerms()
    cases: list[tuple[Schedule, list[tuple[str, Any]], str, ServicingTerms]] = [
        (s, [("2026-02-15", "536.00")], "2026-04-20", ServicingTerms.jd_baitiao()),
        (s, [("2026-02-15", "536.00"), ("2026-03-20", 300.5)], "2026-06-01",
         ServicingTerms.ant_huabei()),
        (s, [("2026-02-15", "2000.00")], "2026-03-01",
         custom.with_(overpayment="prepay_reduce", early_payoff="rule_of_78")),
        (s, [], "2026-05-30", ServicingTerms.cn_civil_code()),
        (usd, [("2026-02-28", "100.00")], "2026-05-15", ServicingTerms.us_card()),
        (usd, [], "2026-04-01",
         custom.with_(penalty_rate="0.0003", grace_days=5, late_fee_cap_per_installment="7.50",
                      late_fee_cap_percent="25%", early_payoff="accrued_to_date")),
        (gbp, [("2026-01-01", "30.00")], "2026-03-01", ServicingTerms.klarna_uk()),
        (gbp, [("2026-01-01", "30.00")], "2026-03-01", ServicingTerms.afterpay())]
    out: list[Any] = []
    for schedule, payments, as_of, terms in cases:
        state = loan_state(schedule, payments, as_of=as_of, terms=terms)
        out += [state, repr(state), state.to_dict(), state.overdue_amount,
                [o.total for o in state.overdue], state.bucket, state.is_settled,
                LoanState.from_dict(state.to_dict()),
                payoff_quote(schedule, payments, as_of=as_of, terms=terms)]
    return out


def _restructuring() -> list[Any]:
    s = seed_plan().schedule()
    state = loan_state(s, [("2026-02-15", "536.00")], as_of="2026-04-20",
                       terms=ServicingTerms.jd_baitiao())
    capitalize = rs.CapitalizeArrears()
    option = rs.restructure(state, [capitalize, rs.ExtendTerm(periods=6)])
    halve = rs.ReducePayment(fraction="0.5", periods=3, shortfall="defer")
    table = rs.compare(state, [option, [capitalize, rs.PaymentHoliday(periods=2)],
                               [capitalize, halve], [rs.WaiveFees(), rs.ExtendTerm(periods=12)]],
                       discount_rate="0.05", monthly_income="1500",
                       default_probability="0.3", redefault_probability="0.15",
                       recovery_rate="0.4", lpr="3.45%")
    annuity = Plan.annuity("12000", annual_rate="0.18", installments=12,
                           start="2026-01-15").schedule()
    behind = loan_state(annuity, [("2026-02-15", "1100.16")], as_of="2026-04-20")
    found = [rs.find_option(state, target_payment="465.00"),
             *(rs.find_option(behind, target_payment=target)
               for target in ("1400", "1300", "1000", "700", "10"))]
    return [rs.position(state), option, repr(option), option.to_dict(), option.name,
            option.first_payment, option.max_payment, option.due_now,
            table, repr(table), str(table), table.to_text(columns=("first", "total", "PTI")),
            table._repr_html_(), [repr(row) for row in table.rows],
            found, [repr(f) for f in found],
            rs.extend_term(state, periods=3),
            rs.re_age(behind, interest="spread_frozen",
                      policy=rs.ReAgePolicy(min_account_age_months=0, consecutive_payments=0)),
            rs.restructure(behind, [rs.ReduceRate(annual_rate="0.0725")]).name,
            rs.restructure(state, [rs.ReduceRate(fee_rate=Fraction(1, 300))]).name]


def _batch() -> list[Any]:
    return [annuity_batch([1_000_000, 99_999], periodic_rate_numerator=[1, 7],
                          periodic_rate_denominator=[150, 1200], installments=[12, 5]),
            equal_principal_batch([100_000], periodic_rate_numerator=[1],
                                  periodic_rate_denominator=[100], installments=[3]),
            flat_fee_batch([600_000], fee_rate_numerator=[6], fee_rate_denominator=[1000],
                           installments=[12])]


def _command_line() -> list[str]:
    out = []
    for argv in (["demo"], ["schedule", "annuity", "10000", "--annual-rate", "8%",
                            "--installments", "12", "--start", "2024-01-01",
                            "--currency", "USD"],
                 ["schedule", "flat_fee", "6000", "--fee-rate", "0.6%", "--start",
                  "2026-01-15"]):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert main(argv) == 0
        out.append(printed.getvalue())
    return out


SCENARIOS: dict[str, Callable[[], Any]] = {
    "money": _money, "rates": _rates, "plans": lambda: [repr(p) for p in _plans()],
    "schedules": _schedules, "apr": _apr, "disclosure": _disclosures,
    "servicing": _servicing, "restructure": _restructuring, "batch": _batch,
    "command_line": _command_line,
}


def _settings(ctx: decimal.Context) -> tuple[Any, ...]:
    return (ctx.prec, ctx.rounding, ctx.Emin, ctx.Emax, ctx.capitals, ctx.clamp,
            tuple(sorted(s.__name__ for s, on in ctx.traps.items() if on)))


def _raised(ctx: decimal.Context) -> list[str]:
    return sorted(s.__name__ for s, on in ctx.flags.items() if on)


@contextlib.contextmanager
def _as_caller(ctx: decimal.Context) -> Iterator[None]:
    """Run the block with a fresh copy of ``ctx`` current, and check that the library
    left it as it was: the same object, the same settings, no flag raised."""
    with decimal.localcontext(ctx) as caller:
        yield
        assert decimal.getcontext() is caller
        assert _settings(caller) == _settings(ctx)
        assert _raised(caller) == []


def _shown(value: Any) -> str:
    with decimal.localcontext(ORDINARY):
        return repr(value)


_EXPECTED: dict[str, str] = {}


def _expected(name: str) -> str:
    if name not in _EXPECTED:
        with _as_caller(ORDINARY):
            _EXPECTED[name] = _shown(SCENARIOS[name]())
    return _EXPECTED[name]


# ------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("hostile", list(HOSTILE))
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_hostile_caller_context_changes_no_figure(scenario: str, hostile: str) -> None:
    expected = _expected(scenario)
    with _as_caller(HOSTILE[hostile]):
        got = SCENARIOS[scenario]()
    assert _shown(got) == expected


def test_the_figures_are_the_documented_ones() -> None:
    # A few results pinned, so that the comparisons above cannot pass by agreeing on
    # something else (README and module examples).
    with _as_caller(HOSTILE["traps_everything"]):
        plan = seed_plan()
        state = loan_state(plan.schedule(), [("2026-02-15", "536.00")], as_of="2026-04-20",
                           terms=ServicingTerms.jd_baitiao())
        figures = [disclose(plan, standard=s).rate_display for s in ("cn", "reg_z", "eu")]
        figures += [repr(state), format_rate(irr(["-70000", 12000, 15000, 18000, 21000,
                                                    26000]), 4),
                    str(Plan.annuity("10000", annual_rate="0.08", installments=10,
                                     start="2024-01-01", currency="USD").schedule()[0].payment),
                    repr(rs.find_option(state, target_payment="465.00"))]
        table = rs.compare(state, [[rs.CapitalizeArrears(), rs.ExtendTerm(periods=6)]],
                           discount_rate="0.05", monthly_income="1500")
        pti = table.rows[1].payment_to_income
    assert figures == [
        "13.03%", "13.03%", "13.9%",
        "<LoanState 2026-04-20 CNY: principal 5,500.00 outstanding, overdue 1,082.99 "
        "(36 days, 31-60), payoff 5,906.99>",
        "8.6631%", "1037.03",
        "<Restructuring capitalize arrears + fee 0%/period + extend +3: 10.99 due now, 12 "
        "installments from 464.33, total 5,582.99 to 2027-04-15>"]
    # 404.99 / 1500 to the library's 28 digits, not the caller's 5
    assert pti == Decimal("0.269993333333")


def test_errors_are_the_library_s_own_under_any_context() -> None:
    # An exponent beyond any context's range was a bare decimal.InvalidOperation (or a
    # NaN that to_decimal handed back as finite under a context without traps).
    for ctx in (ORDINARY, *HOSTILE.values()):
        with _as_caller(ctx), pytest.raises(InvalidArgumentError,
                                            match="rate: must be a finite number"):
            to_decimal("1e9999999999999999999", argument="rate")


def test_the_library_contexts_share_settings_and_copy_nothing_from_the_default() -> None:
    library = _settings(LIBRARY_CONTEXT)
    assert library == (PRECISION, decimal.ROUND_HALF_EVEN, -999_999, 999_999, 1, 0,
                       ("DivisionByZero", "InvalidOperation", "Overflow"))
    assert PRECISION == 28
    own = {"rates": (rates._CONTEXT, 40), "regz": (regz._CONTEXT, 50),
           "restructure": (rs.comparison._NPV_CONTEXT, 34)}
    for ctx, prec in own.values():
        assert _settings(ctx) == (prec, *library[1:])
    with _tampered_default_context():
        assert _settings(make_context()) == library
        assert _settings(make_context(40)) == _settings(rates._CONTEXT)


@contextlib.contextmanager
def _tampered_default_context() -> Iterator[None]:
    """``decimal.DefaultContext`` (the template of new threads' contexts and of
    ``decimal.Context()``) changed the way a caller might, restored afterwards."""
    default = decimal.DefaultContext
    saved = default.copy()
    default.prec, default.rounding, default.capitals = 4, decimal.ROUND_UP, 0
    for signal in _ALL_SIGNALS:
        default.traps[signal] = True
    try:
        yield
    finally:
        default.prec, default.rounding, default.capitals = (saved.prec, saved.rounding,
                                                            saved.capitals)
        for signal in _ALL_SIGNALS:
            default.traps[signal] = saved.traps[signal]


def test_a_new_thread_under_a_changed_default_context_gets_the_same_figures() -> None:
    expected = {name: _expected(name) for name in ("apr", "restructure", "disclosure")}

    def work() -> dict[str, str]:
        assert decimal.getcontext().prec == 4  # the thread starts from the template
        return {name: _shown(SCENARIOS[name]()) for name in expected}

    with _tampered_default_context(), ThreadPoolExecutor(max_workers=1) as pool:
        got = pool.submit(work).result()
    assert got == expected


_FRESH_INTERPRETER = """
import decimal, sys
if sys.argv[1] == "hostile":  # the caller's settings, made before importing the library
    for ctx in (decimal.DefaultContext, decimal.getcontext()):
        ctx.prec, ctx.rounding, ctx.Emin, ctx.Emax, ctx.capitals = 4, decimal.ROUND_UP, -9, 9, 0
        for signal in (decimal.Inexact, decimal.Rounded, decimal.Subnormal,
                       decimal.Underflow, decimal.Clamped, decimal.FloatOperation):
            ctx.traps[signal] = True
from bnpl_restructure import disclose, reg_z_apr
from bnpl_restructure.__main__ import main
from bnpl_restructure.examples import seed_plan
from bnpl_restructure.restructure import CapitalizeArrears, ExtendTerm, compare
from bnpl_restructure.servicing import ServicingTerms, loan_state
plan = seed_plan()
state = loan_state(plan.schedule(), [("2026-02-15", "536.00")], as_of="2026-04-20",
                   terms=ServicingTerms.jd_baitiao())
table = compare(state, [[CapitalizeArrears(), ExtendTerm(periods=6)]],
                discount_rate="0.05", monthly_income="1500")
results = [disclose(plan, standard=s).to_dict() for s in ("cn", "reg_z", "eu")]
results += [reg_z_apr(plan.schedule()), state.to_dict(), table.rows, table.to_text()]
with decimal.localcontext(decimal.Context(
        prec=28, rounding=decimal.ROUND_HALF_EVEN, Emin=-999999, Emax=999999, capitals=1,
        clamp=0, flags=[], traps=[decimal.InvalidOperation])):
    print(repr(results))
main(["demo"])
"""


def test_a_caller_context_set_before_the_import_changes_no_figure() -> None:
    # Contexts the library builds at import (rates, regz, restructure) and its import-time
    # constants, under a DefaultContext and a current context changed beforehand.
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    printed = {}
    for mode in ("ordinary", "hostile"):
        done = subprocess.run([sys.executable, "-c", _FRESH_INTERPRETER, mode], cwd=root,
                              env=env, capture_output=True, text=True, timeout=300,
                              check=False)
        assert done.returncode == 0, done.stderr
        printed[mode] = done.stdout
    assert "13.03%" in printed["ordinary"]
    assert printed["hostile"] == printed["ordinary"]


@given(st.data())
def test_the_testing_strategies_draw_under_a_hostile_context(data: st.DataObject) -> None:
    with _as_caller(HOSTILE["traps_everything"]):
        rate = data.draw(annual_rates())
        plan = data.draw(plans())
        check_schedule(plan.schedule())
    assert rate.as_tuple().exponent == -4
    assert 0 <= rate <= Decimal("0.60")


# ------------------------------------------------------------------- the decorator


@in_library_context
def _third() -> tuple[Decimal, decimal.Context]:
    return Decimal(1) / 3, decimal.getcontext()


@in_library_context
def _nested() -> tuple[decimal.Context, decimal.Context]:
    return decimal.getcontext(), _third()[1]


@in_library_context
def _fails() -> None:
    _ = Decimal(1) / 3  # Inexact: would raise in the caller's context
    raise InvalidArgumentError("x", "must fail")


def test_in_library_context_runs_in_a_copy_of_the_library_context() -> None:
    with _as_caller(HOSTILE["traps_everything"]):
        value, inside = _third()
    assert value == Decimal("0.3333333333333333333333333333")
    assert inside is not LIBRARY_CONTEXT and _settings(inside) == _settings(LIBRARY_CONTEXT)
    assert _raised(inside) == ["Inexact", "Rounded"]  # flags stay in the copy


def test_in_library_context_nested_calls_stay_in_one_context() -> None:
    outer, inner = _nested()
    assert outer is inner
    assert _third()[1] is not outer  # a new call, a new copy


def test_in_library_context_restores_the_caller_s_context_when_it_raises() -> None:
    with _as_caller(HOSTILE["traps_everything"]), pytest.raises(InvalidArgumentError):
        _fails()


def test_in_library_context_refuses_generator_functions() -> None:
    def rows() -> Iterator[int]:
        yield 1

    with pytest.raises(TypeError, match="rows"):
        in_library_context(rows)


def test_a_solved_rate_is_quantized_in_a_context_of_its_own() -> None:
    """to_decimal_rate, called directly, ignores the caller's precision and traps."""
    from bnpl_restructure.solver import to_decimal_rate
    with decimal.localcontext(decimal.Context(prec=3, traps=[decimal.Inexact,
                                                             decimal.Rounded])):
        assert to_decimal_rate(0.1234567890123456) == Decimal("0.123456789012")
        assert to_decimal_rate(1e20) == Decimal("100000000000000000000")
        assert str(to_decimal_rate(-1e-20)) == "0E-12"
