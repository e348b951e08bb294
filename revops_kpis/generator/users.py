"""Users: the VP, one manager per team, the reps (a few leave during the window), the
integration user and the Automated Process user; picking an active teammate."""

from __future__ import annotations

import numpy as np

from revops_kpis.generator.clock import DAY, _bday
from revops_kpis.generator.model import _Model
from revops_kpis.generator.names import FIRST_NAMES, LAST_NAMES
from revops_kpis.generator.randomness import _stream


def _build_users(mdl: _Model) -> None:
    rng = _stream(mdl.seed, "users")
    a = mdl.arrays
    n_reps = max(24, mdl.n // 500)
    n_teams = max(4, round(n_reps / 6))
    rep_team = (np.arange(n_reps) * n_teams) // n_reps
    n_users = 1 + n_teams + n_reps + 2
    kind = np.concatenate([[0], np.ones(n_teams, int), np.full(n_reps, 2), [3, 4]])  # vp mgr rep integ auto
    team = np.concatenate([[-1], np.arange(n_teams), rep_team, [-1, -1]])
    manager = np.concatenate([[-1], np.zeros(n_teams, int), 1 + rep_team, [-1, -1]])
    rep_uid = 1 + n_teams + np.arange(n_reps)
    n_inactive = max(2, n_reps // 40)
    inactive = np.sort(rng.choice(n_reps, n_inactive, replace=False))
    window = mdl.end_ts - mdl.start_ts
    departure = np.full(n_reps, np.iinfo(np.int64).max)
    dep_day = (mdl.start_ts + rng.uniform(0.35, 0.75, n_inactive) * window) // DAY
    departure[inactive] = _bday(dep_day.astype(np.int64)) * DAY + 9 * 3600
    active = np.ones(n_users, bool)
    active[rep_uid[inactive]] = False
    a.update(
        n_users=n_users,
        n_reps=n_reps,
        n_teams=n_teams,
        user_kind=kind,
        user_team=team,
        user_manager=manager,
        user_active=active,
        user_first=rng.integers(0, len(FIRST_NAMES), n_users),
        user_last=rng.integers(0, len(LAST_NAMES), n_users),
        rep_uid=rep_uid,
        rep_team=rep_team,
        rep_departure=departure,
        rep_weight=rng.lognormal(0, 0.35, n_reps),
        rep_skill=rng.lognormal(0, 0.25, n_reps),
        integration_uid=n_users - 2,
        autoproc_uid=n_users - 1,
    )
    # Active reps grouped by team, for picking a teammate
    act = np.flatnonzero(departure == np.iinfo(np.int64).max)
    order = act[np.argsort(rep_team[act], kind="stable")]
    a["team_active_reps"] = order
    counts = np.bincount(rep_team[order], minlength=n_teams)
    a["team_active_start"] = np.concatenate([[0], np.cumsum(counts)[:-1]])
    a["team_active_count"] = counts


def _teammate(mdl: _Model, rep: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An active rep of the same team, different from `rep` when the team allows."""
    a = mdl.arrays
    team = a["rep_team"][rep]
    cnt = a["team_active_count"][team]
    start = a["team_active_start"][team]
    pick = rng.integers(0, np.iinfo(np.int64).max, rep.size) % np.maximum(cnt, 1)
    cand = a["team_active_reps"][np.minimum(start + pick, a["team_active_reps"].size - 1)]
    same = cand == rep
    pick2 = (pick + 1) % np.maximum(cnt, 1)
    cand = np.where(same, a["team_active_reps"][np.minimum(start + pick2, a["team_active_reps"].size - 1)], cand)
    none = cnt == 0  # whole team inactive (cannot happen with >= 6 reps per team): any active rep
    if none.any():
        pool = a["team_active_reps"]
        cand[none] = pool[rng.integers(0, pool.size, none.sum())]
    return cand
