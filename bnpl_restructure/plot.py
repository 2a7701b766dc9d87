"""Charts of schedules, restructuring options and the true cost of a flat fee (matplotlib).

Needs the ``plot`` extra (``pip install 'bnpl_restructure[plot]'``); matplotlib is imported
when a chart is drawn, not when this module is. Each function draws on the ``ax`` it is
given (a :class:`matplotlib.axes.Axes`) or on a new figure, and returns the Axes (or, for
the three-panel :func:`options_chart`, the Figure). Amounts are plotted as floats in major
units: each is the double nearest the exact figure (``float(Decimal)``), so the chart shows
what the schedule says; the figures themselves stay exact in the objects charted.

- :func:`schedule_chart`: a schedule's composition, principal / interest / fee stacked per
  installment, with the principal balance as a line (``Schedule.plot()``).
- :func:`balance_chart`, :func:`payments_chart`, :func:`cost_relief_chart`: restructuring
  options compared (a :class:`~bnpl_restructure.restructure.Comparison`): balance paths,
  payments over time, and extra cost against payment relief; :func:`options_chart` draws the
  three side by side (``Comparison.plot()``).
- :func:`fee_rate_chart`: what a per-month flat fee ("0.6% a month") really costs a year,
  by the number of installments (the IRR method of PBOC Announcement [2021] No. 3).

Examples
--------
>>> from matplotlib.figure import Figure
>>> from bnpl_restructure import Plan
>>> s = Plan.flat_fee("6000", fee_rate="0.6%", installments=12, start="2026-01-15").schedule()
>>> ax = schedule_chart(s, ax=Figure().add_subplot())
>>> [container.get_label() for container in ax.containers]
['principal', 'interest', 'fee']
>>> [round(float(bar.get_height()), 2) for bar in ax.containers[2]][:3]  # 36.00 a month
[36.0, 36.0, 36.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .apr import fee_rate_table, format_rate
from .errors import InvalidArgumentError
from .money import Currency, format_money
from .restructure.comparison import Comparison
from .schedule import Schedule

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["balance_chart", "cost_relief_chart", "fee_rate_chart", "options_chart",
           "payments_chart", "schedule_chart"]

#: The colours of a schedule's parts (the same in every chart).
COLORS = {"principal": "#4C72B0", "interest": "#DD8452", "fee": "#C44E52",
          "balance": "#333333"}

_DEFAULT_INSTALLMENTS = (1, 2, 3, 6, 9, 12, 18, 24, 36)


def _pyplot() -> Any:
    """matplotlib.pyplot, or an ImportError saying which extra to install."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError("charts need matplotlib: pip install "
                          "'bnpl_restructure[plot]'") from exc
    return plt


def _axes(ax: Any, size: tuple[float, float]) -> Axes:
    """The Axes to draw on: ``ax`` itself, or one on a new pyplot figure (so that a
    notebook shows it)."""
    if ax is None:
        _, ax = _pyplot().subplots(figsize=size, layout="constrained")
        return ax  # type: ignore[no-any-return]
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise InvalidArgumentError("ax", "must be a matplotlib Axes or None (a new figure)",
                                   received=ax)
    return ax


def _floats(minors: Sequence[int], currency: Currency) -> list[float]:
    """Minor units as floats of the exact major-unit amounts."""
    return [float(v) for v in currency._majors(minors)]


def _money_axis(ax: Any, axis: str, currency: Currency) -> None:
    """Thousands separators on a money axis (``1,200``)."""
    from matplotlib.ticker import StrMethodFormatter

    places = min(max(currency.exponent, 0), 2)
    fmt = StrMethodFormatter("{x:,.%sf}" % places)  # noqa: UP031 - a template for str.format
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _date_axis(ax: Any) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(maxticks=7)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def schedule_chart(schedule: Schedule, *, ax: Axes | None = None,
                   title: str | None = None) -> Axes:
    """A schedule's composition: principal, interest and fee stacked per installment,
    and the principal balance after each installment as a line on a right-hand axis.

    Parameters
    ----------
    schedule
        The schedule (``plan.schedule()``, a restructured schedule, a view).
    ax
        The Axes to draw the bars on; a new figure's by default. The balance goes on a
        twin Axes sharing its x axis (``ax.figure.axes``).
    title
        The chart's title; a summary of the schedule by default, ``""`` for none.

    Returns
    -------
    matplotlib.axes.Axes
        The bars' Axes: ``ax.containers`` holds the three bar containers (labels
        ``principal``, ``interest``, ``fee``; one bar per installment, x the installment
        number). The balance line and the legend (of the four) are on the twin Axes,
        ``ax.figure.axes[-1]`` on a new figure.

    Raises
    ------
    InvalidArgumentError
        ``schedule`` is not a Schedule, or has no installments; ``ax`` is not an Axes.
    ImportError
        matplotlib is not installed (``pip install 'bnpl_restructure[plot]'``).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("1200", annual_rate="12%", installments=6,
    ...                  start="2026-01-15").schedule()
    >>> ax = schedule_chart(s, ax=Figure().add_subplot())
    >>> [round(float(bar.get_height()), 2) for bar in ax.containers[1]]  # 1% a month
    [12.0, 10.05, 8.08, 6.09, 4.08, 2.05]
    >>> ax.get_ylabel()
    'CNY per installment'
    """
    if not isinstance(schedule, Schedule):
        raise InvalidArgumentError("schedule", "must be a Schedule (plan.schedule())",
                                   received=schedule)
    if not len(schedule):
        raise InvalidArgumentError("schedule", "has no installments to plot",
                                   received=repr(schedule))
    ax = _axes(ax, (9, 4.5))
    cur = schedule.currency
    numbers = list(range(schedule.first_number, schedule.first_number + len(schedule)))
    bottom = [0.0] * len(numbers)
    for name, column in (("principal", schedule.principal_paid),
                         ("interest", schedule.interest), ("fee", schedule.fee)):
        heights = _floats(column, cur)
        ax.bar(numbers, heights, bottom=bottom, label=name, color=COLORS[name], width=0.7)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    twin = ax.twinx()
    twin.plot(numbers, _floats(schedule.balance, cur), color=COLORS["balance"], marker="o",
              markersize=3, label="balance after payment (right axis)")
    twin.set_ylabel(f"principal balance, {cur.code}")
    # headroom above the bars and the line for the legend, which goes on the twin Axes
    # so that it is drawn over the line
    top = max(max(bottom), 0.0) * 1.3 or 1.0
    ax.set_ylim(min(0.0, *bottom), top)
    twin.set_ylim(0, max(max(_floats((schedule.principal, *schedule.balance), cur)),
                         0.0) * 1.3 or 1.0)
    _money_axis(twin, "y", cur)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("installment number")
    ax.set_ylabel(f"{cur.code} per installment")
    _money_axis(ax, "y", cur)
    handles, labels = ax.get_legend_handles_labels()
    more, more_labels = twin.get_legend_handles_labels()
    twin.legend(handles + more, labels + more_labels, loc="upper center", ncol=4,
                fontsize="small")
    if title is None:
        title = (f"{format_money(schedule.principal, cur)} {cur.code} in {len(schedule)} "
                 f"installments: {format_money(sum(schedule.payment), cur)} to pay")
    if title:
        ax.set_title(title)
    return ax


def _options(comparison: Comparison) -> list[tuple[str, Schedule]]:
    """Each row's name and its option's schedule (a comparison restored from a document
    written without them cannot be charted)."""
    if not isinstance(comparison, Comparison):
        raise InvalidArgumentError("comparison", "must be a Comparison (restructure.compare)",
                                   received=comparison)
    out = []
    for k, row in enumerate(comparison.rows):
        if row.option is None:
            raise InvalidArgumentError(f"comparison.rows[{k}]", "has no option (its "
                                       "schedule) to chart", received=row.name)
        out.append((row.name + (" *" if k == comparison.best else ""), row.option.schedule))
    return out


def _line_styles(count: int) -> list[dict[str, Any]]:
    """No change in black and dashed, the options in the default colour cycle."""
    return [{"color": "black", "linestyle": "--"} if k == 0 else {"color": f"C{k - 1}"}
            for k in range(count)]


def _over_time(comparison: Comparison, ax: Axes | None,
               draw: Callable[[Axes, Schedule, dict[str, Any]], None], quantity: str,
               title: str) -> Axes:
    """One line per option (``draw`` draws it with the row's label and style) against
    dates, a money y axis from 0, a title and a legend."""
    options = _options(comparison)
    ax = _axes(ax, (8, 4.5))
    for (name, s), style in zip(options, _line_styles(len(options)), strict=True):
        draw(ax, s, {"label": name, **style})
    _date_axis(ax)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"{quantity}, {comparison.currency.code}")
    _money_axis(ax, "y", comparison.currency)
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def balance_chart(comparison: Comparison, *, ax: Axes | None = None) -> Axes:
    """Options compared: the principal balance of each over time, a step line from the
    restructuring date (the balance after each due date) to its last installment.

    Returns the Axes: one line per row of the comparison (no change first, dashed), each
    with ``len(schedule) + 1`` points (the opening balance, then each balance). ``*``
    marks the best option in the legend.

    Raises
    ------
    InvalidArgumentError
        ``comparison`` is not a Comparison, or a row has no option; ``ax`` is not
        an Axes.
    ImportError
        matplotlib is not installed (``pip install 'bnpl_restructure[plot]'``).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from bnpl_restructure import Plan
    >>> from bnpl_restructure.restructure import ExtendTerm, compare
    >>> s = Plan.annuity("1200", annual_rate="12%", installments=12,
    ...                  start="2026-01-15").schedule()
    >>> table = compare(s, [[ExtendTerm(periods=6)]], discount_rate="5%", as_of="2026-01-20")
    >>> ax = balance_chart(table, ax=Figure().add_subplot())
    >>> [(line.get_label(), len(line.get_xdata())) for line in ax.get_lines()]
    [('no change *', 13), ('extend +6', 19)]
    """
    def draw(ax: Axes, s: Schedule, style: dict[str, Any]) -> None:
        days: Any = [s.start, *s.due_dates]  # matplotlib plots dates as they are
        ax.step(days, _floats((s.principal, *s.balance), comparison.currency), where="post",
                **style)

    return _over_time(comparison, ax, draw, "principal balance", "Balance over time")


def payments_chart(comparison: Comparison, *, ax: Axes | None = None) -> Axes:
    """Options compared: each option's payments on their due dates (an amount due on the
    restructuring date itself included), one line with markers per row.

    Raises
    ------
    InvalidArgumentError
        ``comparison`` is not a Comparison, or a row has no option; ``ax`` is not
        an Axes.
    ImportError
        matplotlib is not installed (``pip install 'bnpl_restructure[plot]'``).

    Examples
    --------
    The seed's plan with nothing paid on 2026-03-01 (the February installment due now),
    and a two-month payment holiday:

    >>> from matplotlib.figure import Figure
    >>> from bnpl_restructure.examples import seed_plan
    >>> from bnpl_restructure.restructure import PaymentHoliday, compare
    >>> ax = payments_chart(compare(seed_plan().schedule(), [[PaymentHoliday(periods=2)]],
    ...                             discount_rate="5%", as_of="2026-03-01"),
    ...                     ax=Figure().add_subplot())
    >>> for line in ax.get_lines():
    ...     print(f"{line.get_label():30}", [float(y) for y in line.get_ydata()][:4])
    no change *                    [536.0, 536.0, 536.0, 536.0]
    holiday 2 (capitalize, shift)  [536.0, 0.0, 0.0, 536.0]
    """
    def draw(ax: Axes, s: Schedule, style: dict[str, Any]) -> None:
        days: Any = list(s.due_dates)
        ax.plot(days, _floats(s.payment, comparison.currency), marker="o", markersize=3,
                **style)

    return _over_time(comparison, ax, draw, "payment", "Payments over time")


def cost_relief_chart(comparison: Comparison, *, ax: Axes | None = None) -> Axes:
    """Options compared: what each costs the borrower over no change (total to pay,
    extra) against the relief it gives now (the first regular payment, lower), one
    labelled point per row; the best option is drawn as a star.

    Returns the Axes; its collections are the points, one per row in the rows' order
    (labelled with the options' names, ``*`` the best), then the best one's star.

    Raises
    ------
    InvalidArgumentError
        ``comparison`` is not a Comparison, or a row has no option; ``ax`` is not
        an Axes.
    ImportError
        matplotlib is not installed (``pip install 'bnpl_restructure[plot]'``).

    Examples
    --------
    1,200.00 at 12% over 12 months, extended by 6 months: 106.62 - 73.18 = 33.44 less
    a month, 18 × 73.18 - 12 × 106.62 = 37.80 more in all:

    >>> from matplotlib.figure import Figure
    >>> from bnpl_restructure import Plan
    >>> from bnpl_restructure.restructure import ExtendTerm, compare
    >>> loan = Plan.annuity("1200", annual_rate="12%", installments=12, start="2026-01-15")
    >>> ax = cost_relief_chart(compare(loan.schedule(), [[ExtendTerm(periods=6)]],
    ...                                discount_rate="5%", as_of="2026-01-20"),
    ...                        ax=Figure().add_subplot())
    >>> [(c.get_label(), c.get_offsets().tolist()) for c in ax.collections]
    [('no change *', [[0.0, 0.0]]), ('extend +6', [[33.44, 37.8]]), \
('best (cheapest eligible)', [[0.0, 0.0]])]
    """
    options = _options(comparison)
    ax = _axes(ax, (6, 4.5))
    cur = comparison.currency
    relief = [float(r.payment_relief) for r in comparison.rows]
    cost = [float(r.extra_cost) for r in comparison.rows]
    styles = _line_styles(len(options))
    for (name, _), x, y, style in zip(options, relief, cost, styles, strict=True):
        ax.scatter([x], [y], color=style["color"], s=40, zorder=3, label=name)
    if comparison.best is not None:
        k = comparison.best
        ax.scatter([relief[k]], [cost[k]], marker="*", s=300, facecolors="none",
                   edgecolors="black", zorder=4, label="best (cheapest eligible)")
    ax.legend(fontsize="small")
    ax.axhline(0, color="grey", linewidth=0.6)
    ax.axvline(0, color="grey", linewidth=0.6)
    ax.set_xlabel(f"payment relief (first installment lower by), {cur.code}")
    ax.set_ylabel(f"extra cost over no change, {cur.code}")
    _money_axis(ax, "x", cur)
    _money_axis(ax, "y", cur)
    ax.set_title("Cost against relief")
    return ax


def options_chart(comparison: Comparison, *, figure: Any = None) -> Figure:
    """Options compared, three panels side by side: :func:`balance_chart`,
    :func:`payments_chart` and :func:`cost_relief_chart` (``Comparison.plot()``).

    Parameters
    ----------
    comparison
        A :class:`~bnpl_restructure.restructure.Comparison` (``restructure.compare``).
    figure
        A :class:`matplotlib.figure.Figure` to draw on (its three new Axes are added);
        a new pyplot figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        With three Axes (``figure.axes``): balances, payments, cost against relief,
        and one legend below them (``figure.legends[0]``) naming the options (``*``
        the best, which the star marks).

    Raises
    ------
    InvalidArgumentError
        ``comparison`` is not a Comparison, or a row has no option; ``figure`` is
        not a Figure.
    ImportError
        matplotlib is not installed (``pip install 'bnpl_restructure[plot]'``).
    """
    _options(comparison)
    if figure is None:
        figure = _pyplot().figure(figsize=(16, 4.8), layout="constrained")
    else:
        from matplotlib.figure import Figure

        if not isinstance(figure, Figure):
            raise InvalidArgumentError("figure", "must be a matplotlib Figure or None",
                                       received=figure)
    panels = figure.subplots(1, 3)
    balance_chart(comparison, ax=panels[0])
    payments_chart(comparison, ax=panels[1])
    cost_relief_chart(comparison, ax=panels[2])
    handles, labels = panels[2].get_legend_handles_labels()
    for ax in panels:
        ax.get_legend().remove()
    figure.legend(handles, labels, loc="outside lower center", fontsize="small",
                  ncol=min(len(labels), 3))
    return figure  # type: ignore[no-any-return]


def fee_rate_chart(fee_rate: Any = "0.6%", *, installments: Sequence[int] =
                   _DEFAULT_INSTALLMENTS, ax: Axes | None = None) -> Axes:
    """What a flat fee per month really costs a year, by the number of installments.

    A "0.6% a month" fee is charged on the original principal every month while the
    borrower repays principal every month, so it looks like 0.6% × 12 = 7.2% a year but
    costs about twice that. Three lines, in percent a year against the number of monthly
    installments, from :func:`~bnpl_restructure.apr.fee_rate_table`: the headline
    (fee × 12), the true annual rate by the IRR method (nominal: periodic IRR × 12, PBOC
    Announcement [2021] No. 3) and the effective annual rate (compounded); the point at
    12 installments is labelled.

    Parameters
    ----------
    fee_rate
        The fee per month as a fraction or a percentage (``"0.006"``, ``"0.6%"``).
    installments
        The numbers of monthly installments on the x axis.
    ax
        The Axes to draw on; a new figure's by default.

    Returns
    -------
    matplotlib.axes.Axes
        Its lines, in order: headline, true annual rate (IRR), effective annual; y
        values in percent (13.03 for 13.03%).

    Raises
    ------
    InvalidArgumentError
        ``installments`` is not a non-empty sequence of whole numbers; ``fee_rate``
        is not a rate (as :meth:`Plan.flat_fee <bnpl_restructure.plans.Plan.flat_fee>`
        reads it); ``ax`` is not an Axes.
    ImportError
        matplotlib is not installed (``pip install 'bnpl_restructure[plot]'``).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = fee_rate_chart("0.6%", installments=(3, 12), ax=Figure().add_subplot())
    >>> for line in ax.get_lines():
    ...     print(f"{line.get_label():28}", [f"{y:.2f}" for y in line.get_ydata()])
    headline: fee × 12           ['7.20', '7.20']
    true annual rate (IRR)       ['10.77', '13.03']
    effective annual (compound)  ['11.32', '13.84']
    """
    if isinstance(installments, (str, bytes)) or not isinstance(installments, Sequence) \
            or not installments:
        raise InvalidArgumentError("installments", "must be a non-empty sequence of "
                                   "numbers of installments, e.g. (3, 6, 12)",
                                   received=installments)
    rows = fee_rate_table(fee_rate, installments=installments)
    ax = _axes(ax, (8, 4.5))
    counts = [r.installments for r in rows]
    lines: tuple[tuple[str, list[Decimal], dict[str, Any]], ...] = (
            ("headline: fee × 12", [r.headline_annual for r in rows],
             {"color": "grey", "linestyle": "--"}),
            ("true annual rate (IRR)", [r.true_annual for r in rows],
             {"color": COLORS["fee"], "marker": "o"}),
            ("effective annual (compound)", [r.effective_annual for r in rows],
             {"color": COLORS["interest"], "marker": ".", "linestyle": ":"}))
    for label, values, style in lines:
        ax.plot(counts, [float(v * 100) for v in values], label=label, **style)
    per_month = f"{(rows[0].fee_rate * 100).normalize():f}%"
    at = next((r for r in rows if r.installments == 12), rows[-1])
    ax.annotate(f"{at.installments} months: looks like {format_rate(at.headline_annual)}, "
                f"costs {format_rate(at.true_annual)}",
                (at.installments, float(at.true_annual * 100)), xytext=(10, -28),
                textcoords="offset points", fontsize="small",
                arrowprops={"arrowstyle": "->", "color": "grey"})
    ax.set_xlabel("number of monthly installments")
    ax.set_ylabel("annual rate, % a year")
    ax.set_ylim(bottom=0)
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_title(f'What a "{per_month} a month" flat fee really costs')
    ax.legend(fontsize="small", loc="lower right")
    return ax

