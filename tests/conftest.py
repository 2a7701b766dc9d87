"""Hypothesis profiles: ``default`` for the README test run, ``soak`` for long runs,
``mutation`` for mutation testing (the default's examples, the same ones every run, so a
mutant's verdict does not depend on the seed: docs/explanation/mutation-testing.md).

Select with ``HYPOTHESIS_PROFILE=soak python -m pytest`` (see README).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("mutation", max_examples=100, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("soak", max_examples=5_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
