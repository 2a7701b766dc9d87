"""Whole portfolios: a loan book from a data frame, every loan's schedule, true annual
rates, state and restructuring options, out as pandas, polars or Arrow frames.

The package, by concern: :mod:`.columns` (the book's columns, reading any frame),
:mod:`.validation` (each cell read by the single-plan parsers; the bad-row report),
:mod:`.book` (rows into loans: batch terms or a plan), :mod:`.schedules` (batch kernel
calls, laid out loan after loan), :mod:`.rates`, :mod:`.states` (payments, states and
scenarios), :mod:`.frames` (output) and :mod:`.base` (:class:`Portfolio`).

For dask data frames see :mod:`bnpl_restructure.dask`.
"""

from .base import Portfolio, Scenario
from .columns import COLUMNS
from .validation import RowError, ValidationReport

__all__ = ["COLUMNS", "Portfolio", "RowError", "Scenario", "ValidationReport"]
