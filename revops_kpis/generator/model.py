"""The business model's container (`_Model`: parameters, window, stages, and every array the
build steps add) and the codes the steps share: history event kinds and change actors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from revops_kpis.generator.clock import DAY, _days
from revops_kpis.generator.stages import Stages


# History event kinds
CREATE, FWD, SKIP_M, SKIP_A, FWD_A, BACK, LOST_K, AMT, CD, STALL, REOPEN, END, AUTOCLOSE, PUSH = range(14)
_OPEN_KINDS = np.array([FWD, SKIP_M, SKIP_A, FWD_A, BACK, LOST_K, AMT, CD, STALL])
_OPEN_P = np.array([0.50, 0.035, 0.03, 0.03, 0.05, 0.14, 0.10, 0.10, 0.02])
# Actors of history rows / interactions, resolved to users after owner changes are known.
A_OWNER, A_MANAGER, A_INTEGRATION, A_AUTOPROC = range(4)
MAX_STEPS = 80


@dataclass
class _Model:
    seed: int
    n: int
    end_date: dt.date
    start_date: dt.date
    start_ts: int
    end_ts: int
    stages: Stages
    quarters: list[dt.date]  # first day of each calendar quarter in the window
    arrays: dict = field(default_factory=dict)


def _quarter_index(mdl: _Model, ts: np.ndarray) -> np.ndarray:
    q_starts = np.array([_days(q) * DAY for q in mdl.quarters], np.int64)
    return np.clip(np.searchsorted(q_starts, ts, side="right") - 1, 0, len(q_starts) - 1)
