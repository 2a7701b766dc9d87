"""100,000 installment plans' APRs at once: bnpl_restructure vs pyxirr vs numpy-financial.

Run by hand (not part of the test suite)::

    python benchmarks/bench_apr.py [--plans 100000] [--repeat 7] [--subset 200]
    python benchmarks/bench_apr.py --subset all --workers 2  # every plan vs 50 digits
    python benchmarks/bench_apr.py --scaling                 # 10k -> 100k -> 1M plans
    python benchmarks/bench_apr.py --profile                 # where the solver spends its time

The portfolio (seeded): an advance at ``t0`` (a calendar date in 2023-2025), then 3 to 36
monthly payments on real calendar dates anchored on ``t0`` (``t0 + k months``, the day
clipped to the month's end: Jan 31 -> Feb 28 -> Mar 31), principal 100.00 to 20,000.00:

* 60 % annuities at a nominal annual rate uniform in 0-36 % (payment rounded to the cent,
  interest rounded each month, the last payment clears the balance);
* 20 % flat-fee plans (fee 0.2-1.5 % of the principal per month, level payment, the
  rounding remainder in the last payment);
* 10 % flat-fee-free plans with an upfront fee of 1-3 % deducted from the advance;
* 10 % zero-cost pay-in-N plans (the rate is exactly 0).

Variants, timed interleaved in one process on the same plans (input preparation not
timed):

* ``ours xirr_many``: :func:`bnpl_restructure.apr.xirr_many` on ``(plans, 37)`` arrays of
  amounts and ``datetime64[D]`` dates (effective annual rate, days / 365), end to end
  (input conversion included);
* ``ours irr_many``: :func:`bnpl_restructure.apr.irr_many` (periodic times 0, 1, 2, ...)
  on the same amounts: the periodic (monthly) IRR;
* ``... general``: the same two calls with every row sent to the solver's general method
  (what rows that do not look like loans get), for comparison;
* ``pyxirr loop``: ``pyxirr.xirr(dates, amounts)`` in a Python loop over the plans,
  each plan's flows pre-built as ``datetime.date`` / ``float`` lists;
* ``npf.rate loop``: ``npf.rate(n, -payment, advance, 0)`` per plan (level-payment
  annuity; numpy-financial has no dated solver), timed on ``--npf-loop`` plans and scaled;
* ``npf.rate array``: the same as one broadcast call over all plans.

Accuracy: on ``--subset`` random plans (or every plan with ``--subset all``, spread over
``--workers`` processes), each result is compared with a 50-digit ``decimal`` root (a
Newton iteration in 50 digits started from our float root, certified by a sign change of
the NPV at ``root ± 1e-25``): the dated equation ``Σ a_k (1 + X)^(-days_k / 365) = 0``
for ``xirr_many`` and pyxirr, the periodic equation for ``irr_many``; on the subset also
npf's own level payment equation for ``npf.rate``. Agreement with pyxirr is checked on
every plan where pyxirr converges.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import pstats
import statistics
import time
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from bnpl_restructure.apr import irr_many, xirr_many
from bnpl_restructure.solver import _solve_ticks

MAX_PAYMENTS = 36
Portfolio = dict[str, Any]


# ------------------------------------------------------------------------- portfolio


def portfolio(plans: int, seed: int = 20240115) -> Portfolio:
    """Seeded dated cash flows, ``(plans, 37)`` with zero padding (see the module doc)."""
    rng = np.random.default_rng(seed)
    n = rng.integers(3, MAX_PAYMENTS + 1, size=plans)
    principal = rng.integers(10_000, 2_000_001, size=plans).astype(np.int64)  # cents
    kind = rng.choice(4, size=plans, p=[0.6, 0.2, 0.1, 0.1])
    cols = MAX_PAYMENTS + 1
    cents = np.zeros((plans, cols), dtype=np.int64)
    advance = principal.copy()
    k = np.arange(1, cols)[None, :]
    live = k <= n[:, None]  # (plans, 36): payment k exists

    # annuities: nominal annual 0-36 %, payment rounded to the cent, interest each month
    annual = rng.uniform(0.0, 0.36, size=plans)
    r = annual / 12
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(r > 0, principal * r / (1 - (1 + r) ** -n.astype(float)),
                         principal / n)
    level = np.round(level).astype(np.int64)
    balance = principal.copy()
    annuity = np.zeros((plans, MAX_PAYMENTS), dtype=np.int64)
    for j in range(MAX_PAYMENTS):
        interest = np.round(balance * r).astype(np.int64)
        last = (j + 1) == n
        pay = np.where(last, balance + interest, np.minimum(level, balance + interest))
        pay = np.where(j < n, pay, 0)
        annuity[:, j] = pay
        balance = balance + interest - pay

    # flat fee: total = principal + n * fee, level payment, remainder in the last one
    fee = np.round(principal * rng.uniform(0.002, 0.015, size=plans)).astype(np.int64)
    total = principal + n * fee
    flat_level = total // n
    flat = np.where(live, flat_level[:, None], 0)
    flat[np.arange(plans), n - 1] += total - n * flat_level

    # pay-in-N (used both with an upfront fee and at zero cost)
    even = np.where(live, (principal // n)[:, None], 0)
    even[np.arange(plans), n - 1] += principal - n * (principal // n)
    upfront = np.round(principal * rng.uniform(0.01, 0.03, size=plans)).astype(np.int64)

    cents[:, 1:] = np.select([kind[:, None] == 0, kind[:, None] == 1], [annuity, flat], even)
    advance = np.where(kind == 2, principal - upfront, principal)
    cents[:, 0] = -advance

    # dates: t0 in 2023-2025, payment k on t0 + k months, day clipped to the month's end
    t0 = np.datetime64("2023-01-01") + rng.integers(0, 3 * 365, size=plans).astype(
        "timedelta64[D]")
    month0 = t0.astype("datetime64[M]")
    day = (t0 - month0.astype("datetime64[D]")).astype(np.int64)  # 0-based
    months = month0[:, None] + np.arange(cols)[None, :].astype("timedelta64[M]")
    month_end = (months + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    dates = np.minimum(months.astype("datetime64[D]") + day[:, None].astype("timedelta64[D]"),
                       month_end)
    dates[:, 0] = t0
    # padding repeats the last payment date (xirr_many accepts any date in padding)
    dates = np.where(np.arange(cols)[None, :] <= n[:, None], dates,
                     dates[np.arange(plans), n][:, None])
    amounts = cents / 100.0
    return {"n": n, "kind": kind, "cents": cents, "amounts": amounts, "dates": dates,
            "level": cents[:, 1] / 100.0, "advance": advance / 100.0}


def pyxirr_inputs(data: Portfolio) -> list[tuple[list[date], list[float]]]:
    out = []
    for row_d, row_a, n in zip(data["dates"].tolist(), data["amounts"].tolist(),
                               data["n"].tolist(), strict=True):
        out.append((row_d[: n + 1], row_a[: n + 1]))
    return out


# --------------------------------------------------------------------------- variants


def run_xirr_many(data: Portfolio) -> npt.NDArray[np.float64]:
    return xirr_many(data["amounts"], data["dates"])


def run_irr_many(data: Portfolio) -> npt.NDArray[np.float64]:
    return irr_many(data["amounts"])


def run_xirr_general(data: Portfolio) -> npt.NDArray[np.float64]:
    """``xirr_many``'s call with every row on the general method."""
    amounts = np.asarray(data["amounts"], dtype=np.float64)
    return _solve_ticks(amounts, data["dates"].view(np.int64), scale=365.0,
                        from_row_start=True, argument="amounts", fast=False)


def run_irr_general(data: Portfolio) -> npt.NDArray[np.float64]:
    amounts = np.asarray(data["amounts"], dtype=np.float64)
    return _solve_ticks(amounts, np.arange(amounts.shape[1], dtype=np.int64), scale=1.0,
                        from_row_start=False, argument="amounts", fast=False)


def run_pyxirr(flows: list[tuple[list[date], list[float]]]) -> list[float | None]:
    import pyxirr

    xirr = pyxirr.xirr
    out: list[float | None] = []
    append = out.append
    for dates, amounts in flows:
        try:
            append(xirr(dates, amounts))
        except Exception:  # pyxirr raises when it cannot find a rate
            append(None)
    return out


def run_npf_loop(data: Portfolio, count: int) -> list[float]:
    import numpy_financial as npf

    rate = npf.rate
    return [float(rate(n, -p, a, 0)) for n, p, a in
            zip(data["n"][:count].tolist(), data["level"][:count].tolist(),
                data["advance"][:count].tolist(), strict=True)]


def run_npf_array(data: Portfolio) -> npt.NDArray[np.float64]:
    import numpy_financial as npf

    return np.asarray(npf.rate(data["n"], -data["level"], data["advance"], 0),
                      dtype=np.float64)


def measure(func: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return times, result


# ------------------------------------------------------------------ 50-digit reference

_REFERENCE = Context(prec=50, rounding=ROUND_HALF_EVEN)


def _newton_reference(npv: Callable[[Decimal], tuple[Decimal, Decimal]], start: Decimal
                      ) -> Decimal:
    """The root of a loan's NPV (one sign change: one root) to 50 digits: Newton from
    ``start``, certified by a sign change of the NPV at root ± 1e-25."""
    with localcontext(_REFERENCE):
        rate = start
        for _ in range(200):
            value, slope = npv(rate)
            if value == 0:
                return rate
            step = value / slope
            rate -= step
            if abs(step) < Decimal("1e-40"):
                break
        else:
            raise RuntimeError("reference Newton did not converge")
        eps = Decimal("1e-25")
        lo, hi = npv(rate - eps)[0], npv(rate + eps)[0]
        if lo * hi > 0:
            raise RuntimeError(f"reference root {rate} not certified ({lo}, {hi})")
        return rate


def reference_dated(cents: list[int], days: list[int], start: float = -0.05) -> Decimal:
    """X with Σ a_k (1 + X)^(-days_k / 365) = 0, to 50 digits."""
    def npv(rate: Decimal) -> tuple[Decimal, Decimal]:
        log = (1 + rate).ln()
        value = slope = Decimal(0)
        for a, d in zip(cents, days, strict=True):
            t = Decimal(d) / 365
            term = Decimal(a) * (-t * log).exp()
            value += term
            slope -= t * term
        return value, slope / (1 + rate)
    return _newton_reference(npv, Decimal(repr(start)))


def reference_periodic(cents: list[int], start: float = -0.01) -> Decimal:
    """r with Σ a_k (1 + r)^(-k) = 0, to 50 digits."""
    def npv(rate: Decimal) -> tuple[Decimal, Decimal]:
        v = 1 / (1 + rate)
        value = slope = Decimal(0)
        power = Decimal(1)
        for k, a in enumerate(cents):
            value += a * power
            slope -= k * a * power
            power *= v
        return value, slope * v
    return _newton_reference(npv, Decimal(repr(start)))


def reference_level(n: int, level_cents: int, advance_cents: int) -> Decimal:
    """The rate npf.rate solves: -advance + level · Σ_{k=1..n} (1 + r)^(-k) = 0."""
    return reference_periodic([-advance_cents] + [level_cents] * n)


Job = tuple[list[int], list[int], float, float]


def _errors(job: Job) -> tuple[float, float]:
    """|ours - reference| of one plan, dated and periodic (run in worker processes)."""
    cents, days, dated, periodic = job
    return (abs(float(Decimal(dated) - reference_dated(cents, days, dated))),
            abs(float(Decimal(periodic) - reference_periodic(cents, periodic))))


def accuracy_jobs(data: Portfolio, rows: npt.NDArray[np.int64], dated: Any,
                  periodic: Any) -> list[Job]:
    jobs = []
    for row in rows.tolist():
        m = int(data["n"][row]) + 1
        days = (data["dates"][row, :m] - data["dates"][row, 0]).astype(np.int64).tolist()
        jobs.append((data["cents"][row, :m].tolist(), days, float(dated[row]),
                     float(periodic[row])))
    return jobs


def max_error(results: Any, reference: list[Decimal], rows: npt.NDArray[np.int64]
              ) -> tuple[float, int]:
    """Largest |result - reference| over the subset, and how many results are missing."""
    worst, missing = Decimal(0), 0
    for ref, row in zip(reference, rows.tolist(), strict=True):
        value = results[row]
        if value is None or not np.isfinite(value):
            missing += 1
            continue
        worst = max(worst, abs(Decimal(float(value)) - ref))
    return float(worst), missing


# ------------------------------------------------------------------------------ main


def profile(data: Portfolio, top: int = 14) -> str:
    """cProfile of xirr_many and irr_many."""
    run_xirr_many(data)  # warm up
    profiler = cProfile.Profile()
    profiler.enable()
    run_xirr_many(data)
    run_irr_many(data)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def scaling(repeat: int) -> None:
    """xirr_many and irr_many on 10k, 100k and 1M plans: cost per 10× more plans."""
    previous: dict[str, float] = {}
    print(f"{'plans':>10}{'variant':>14}{'median s':>10}{'min s':>9}{'x per 10x':>11}")
    for plans in (10_000, 100_000, 1_000_000):
        data = portfolio(plans)
        for name, func in (("xirr_many", run_xirr_many), ("irr_many", run_irr_many)):
            func(data)  # warm up
            times, _ = measure(partial(func, data), repeat)
            median = statistics.median(times)
            growth = f"{median / previous[name]:.1f}×" if name in previous else ""
            previous[name] = median
            print(f"{plans:>10,}{name:>14}{median:>10.4f}{min(times):>9.4f}{growth:>11}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--subset", default="200",
                        help="plans checked against the 50-digit reference, or 'all'")
    parser.add_argument("--workers", type=int, default=1,
                        help="processes for the 50-digit reference")
    parser.add_argument("--npf-loop", type=int, default=5_000,
                        help="plans timed in the npf.rate loop (scaled to --plans)")
    parser.add_argument("--no-general", action="store_true",
                        help="skip the general-method variants")
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print every run's time")
    args = parser.parse_args()
    if args.scaling:
        scaling(args.repeat)
        return

    t0 = time.perf_counter()
    data = portfolio(args.plans)
    flows = pyxirr_inputs(data)
    print(f"{args.plans:,} plans, {data['n'].min()}-{data['n'].max()} payments "
          f"(mean {data['n'].mean():.1f}), portfolio built in {time.perf_counter() - t0:.1f} s")
    if args.profile:
        print(profile(data))
        return

    npf_count = min(args.npf_loop, args.plans)
    xirr_name, irr_name = "ours xirr_many (dated)", "ours irr_many (periodic)"
    npf_loop_name = f"npf.rate loop ({npf_count:,}, scaled)"
    variants: dict[str, Callable[[], Any]] = {
        xirr_name: lambda: run_xirr_many(data),
        irr_name: lambda: run_irr_many(data),
    }
    if not args.no_general:
        variants["ours xirr, general method"] = lambda: run_xirr_general(data)
        variants["ours irr, general method"] = lambda: run_irr_general(data)
    variants |= {
        "pyxirr.xirr loop (dated)": lambda: run_pyxirr(flows),
        npf_loop_name: lambda: run_npf_loop(data, npf_count),
        "npf.rate array (level pmt)": lambda: run_npf_array(data),
    }
    scale = {name: (args.plans / npf_count if name == npf_loop_name else 1.0)
             for name in variants}
    results: dict[str, Any] = {name: func() for name, func in variants.items()}  # warm up
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.repeat):  # interleaved, so drift hits every variant alike
        for name, func in variants.items():
            spent, _ = measure(func, 1)
            times[name] += [t * scale[name] for t in spent]

    peer_times = times["pyxirr.xirr loop (dated)"]
    print(f"\nmedian of {args.repeat} interleaved runs (input preparation not timed); "
          "'vs pyxirr' is the median of the per-round ratios")
    print(f"{'variant':<36}{'median s':>10}{'min s':>9}{'plans/s':>12}{'vs pyxirr':>11}")
    for name, values in times.items():
        median = statistics.median(values)
        ratio = statistics.median(p / v for p, v in zip(peer_times, values, strict=True))
        print(f"{name:<36}{median:>10.4f}{min(values):>9.4f}{args.plans / median:>12,.0f}"
              f"{ratio:>10.2f}×")
    if args.verbose:
        for name, values in times.items():
            print(f"  {name}: " + ", ".join(f"{v:.4f}" for v in values))

    ours, periodic = results[xirr_name], results[irr_name]
    peer = results["pyxirr.xirr loop (dated)"]
    npf_array = results["npf.rate array (level pmt)"]
    if not args.no_general:
        for label, fast, general in (
                ("xirr_many", ours, results["ours xirr, general method"]),
                ("irr_many", periodic, results["ours irr, general method"])):
            gap = np.abs(fast - general)
            print(f"{label}: loan method vs general method on all {args.plans:,} plans: "
                  f"max |diff| {gap.max():.2e}")

    converged = np.array([v is not None and np.isfinite(v) for v in peer])
    peer_arr = np.array([v if c else np.nan for v, c in zip(peer, converged, strict=True)])
    diff = np.abs(ours[converged] - peer_arr[converged])
    print(f"\nours vs pyxirr: pyxirr converged on {converged.sum():,} of {args.plans:,}; "
          f"max |diff| {diff.max():.2e}, median {np.median(diff):.2e}, "
          f"> 1e-9 on {(diff > 1e-9).sum():,}, > 1e-6 on {(diff > 1e-6).sum():,}")
    npf_ok = np.isfinite(npf_array)
    print(f"npf.rate array: finite on {npf_ok.sum():,} of {args.plans:,}")

    if args.subset == "all":
        rows = np.arange(args.plans)
    else:
        rng = np.random.default_rng(7)
        rows = np.sort(rng.choice(args.plans, size=min(int(args.subset), args.plans),
                                  replace=False))
    t1 = time.perf_counter()
    jobs = accuracy_jobs(data, rows, ours, periodic)
    if args.workers > 1:
        with multiprocessing.Pool(args.workers) as pool:
            errors = pool.map(_errors, jobs, chunksize=256)
    else:
        errors = [_errors(job) for job in jobs]
    dated_err = np.array([e[0] for e in errors])
    periodic_err = np.array([e[1] for e in errors])
    print(f"\naccuracy on {rows.size:,} plans vs a 50-digit decimal reference "
          f"({time.perf_counter() - t1:.1f} s):")
    print(f"  {'ours xirr_many (annual)':<34} max |error| {dated_err.max():.2e}, "
          f"above 1e-12 on {(dated_err > 1e-12).sum()} plans")
    print(f"  {'ours irr_many (monthly)':<34} max |error| {periodic_err.max():.2e}, "
          f"above 1e-12 on {(periodic_err > 1e-12).sum()} plans")
    sample = rows[:200] if rows.size > 200 else rows
    ref_dated = [reference_dated(*job[:2]) for job in accuracy_jobs(data, sample, ours,
                                                                     periodic)]
    ref_level = [reference_level(int(data["n"][r]), int(data["cents"][r, 1]),
                                 -int(data["cents"][r, 0])) for r in sample.tolist()]
    npf_loop_rows = sample[sample < npf_count]
    for name, values, reference, subset in (
            ("pyxirr.xirr (annual)", peer, ref_dated, sample),
            ("npf.rate array (monthly, level)", npf_array, ref_level, sample),
            ("npf.rate loop (monthly, level)", results[npf_loop_name],
             [ref_level[i] for i in np.flatnonzero(sample < npf_count)], npf_loop_rows)):
        worst, missing = max_error(values, reference, subset)
        note = f" ({missing} not converged)" if missing else ""
        print(f"  {name:<34} max |error| {worst:.2e} on {subset.size} plans{note}")


if __name__ == "__main__":
    main()
