"""Dated conversion rates: EUR per USD, one rate per quarter of the window."""

from __future__ import annotations

import numpy as np

from revops_kpis.generator.model import _Model
from revops_kpis.generator.randomness import _stream


def _build_rates(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "rates")
    walk = np.cumsum(rng.normal(0, 0.006, len(mdl.quarters)))
    walk -= walk.mean()
    walk *= min(1.0, 0.02 / max(np.abs(walk).max(), 1e-9))
    rates = (0.925 + walk).round(6)  # within 0.905-0.945
    mdl.arrays["eur_rate"] = rates  # EUR per 1 USD, per quarter of the window
