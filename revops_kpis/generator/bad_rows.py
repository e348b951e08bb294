"""Bad rows: one defect each, appended after the clean rows of their file and counted in the
manifest (`bad_rows`), plus copies moved to `CUSTOM_STAGE` (kept by a correct cleaner); and
the deal that gets a conflicting duplicate, detached from its history and activities."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revops_kpis.generator.ids import KEY_PREFIX, _id_array
from revops_kpis.generator.model import CREATE, FWD, LOST_K, PUSH, _Model
from revops_kpis.generator.randomness import _stream
from revops_kpis.generator.salesforce import OBJECTS, _Renderer


# Injected bad-row kinds per object (manifest reason codes: what a correct cleaner
# quarantines or drops).
BAD_KINDS = {
    "Opportunity": (
        "missing_id",
        "invalid_id",
        "conflicting_duplicate_id",
        "invalid_date",
        "invalid_amount",
        "invalid_timestamp",
        "invalid_boolean",
        "missing_required_value",
        "duplicate",
        "deleted",
    ),
    "OpportunityHistory": ("unknown_opportunity", "invalid_timestamp", "duplicate", "deleted"),
    "Task": ("invalid_timestamp", "duplicate", "deleted"),
    "Event": ("invalid_timestamp",),
    "Account": ("duplicate",),
    "User": ("duplicate",),
}
# A stage in neither the demo org's definitions nor the seed, on a few copied rows of each
# of these objects (manifest custom_stage_rows): rows a correct cleaner keeps.
CUSTOM_STAGE = "Stage X"
CUSTOM_STAGE_OBJECTS = ("Opportunity", "OpportunityHistory")


def _boring_deals(mdl: _Model) -> np.ndarray:
    """Deals whose loss costs no story: closed lost by plain forward moves, one owner,
    not reopened, no lead points at them."""
    a, h = mdl.arrays, mdl.arrays["hist"]
    K = mdl.stages.k
    special = np.zeros(mdl.n, bool)
    np.logical_or.at(special, h["deal"], ~np.isin(h["kind"], [CREATE, FWD, LOST_K, PUSH]) | (h["variant"] > 0))
    ok = (a["deal_stage"] == K + 1) & ~special & (a["deal_chg_t"] == np.iinfo(np.int64).max)
    ok &= a["deal_stage0"] == 0
    ok[a["lead_deal"][a["lead_deal"] >= 0]] = False
    return np.flatnonzero(ok)


def _detach_deal(mdl: _Model, deals: np.ndarray) -> None:
    """Drop the history, field history and activities of `deals` (the opportunity that gets
    a conflicting duplicate row), so quarantining it cascades to nothing: a correct cleaner
    quarantines exactly the rows the manifest lists."""
    a = mdl.arrays
    for key in ("hist", "fh"):
        keep = ~np.isin(a[key]["deal"], deals)
        a[key] = {k: v[keep] for k, v in a[key].items() if k != "prev"}
    for key in ("task", "event"):
        keep = ~((a[key]["pkind"] == 0) & np.isin(a[key]["parent"], deals))
        a[key] = {k: v[keep] for k, v in a[key].items()}


def _bad_rows(mdl: _Model, r: _Renderer, enabled: bool, conflict: np.ndarray) -> tuple[dict, dict, dict]:
    """Extra rows per object (lists of {column: str | None}), their counts per bad kind, and
    the counts of the rows moved to CUSTOM_STAGE (drawn in the same stream, between the bad
    kinds, so the files do not depend on how they are counted)."""
    counts = {obj: {k: 0 for k in kinds} for obj, kinds in BAD_KINDS.items()}
    custom = {obj: 0 for obj in CUSTOM_STAGE_OBJECTS}
    rows: dict[str, list[dict]] = {obj: [] for obj in OBJECTS}
    if not enabled:
        return rows, counts, custom
    rng = _stream(mdl.seed, "bad-rows")
    a = mdl.arrays
    n = mdl.n

    def how_many():
        return int(rng.integers(1, 4))

    def donors(obj, k, pool=None):
        pool = np.arange(r.rows(obj)) if pool is None else pool
        idx = np.sort(rng.choice(pool, k, replace=pool.size < k))
        table = pa.table(r.render(obj, idx))
        return table.to_pylist()

    def add(obj, kind, new_rows, weight=1):
        rows[obj].extend(new_rows)
        if kind == "custom_stage":
            custom[obj] += len(new_rows)
        else:
            counts[obj][kind] += len(new_rows) * weight

    fresh = {"Opportunity": n, "OpportunityHistory": r.rows("OpportunityHistory"), "Task": r.rows("Task"), "Event": r.rows("Event")}

    def fresh_id(obj):
        seq = fresh[obj]
        fresh[obj] += 1
        return _id_array(KEY_PREFIX[obj], np.array([seq]))[0].as_py()

    clean_deals = np.setdiff1d(np.arange(n), conflict)
    # Opportunity
    obj = "Opportunity"
    add(obj, "missing_id", [dict(d, Id=None) for d in donors(obj, how_many())])
    bad_ids = ["006BAD", "006-NOT-AN-ID!!", "006BAD0000000000000000"]
    add(obj, "invalid_id", [dict(d, Id=bad_ids[k]) for k, d in enumerate(donors(obj, how_many()))])
    if conflict.size:
        twin = donors(obj, 1, conflict)[0]
        amount = float(twin["Amount"]) + 1000
        add(obj, "conflicting_duplicate_id", [dict(twin, Amount=f"{amount:.2f}")], weight=2)
    for kind, col, value in [
        ("invalid_date", "CloseDate", "2025-13-45"),
        ("invalid_amount", "Amount", "12k"),
        ("invalid_timestamp", "CreatedDate", "yesterday"),
        ("invalid_boolean", "IsWon", "maybe"),
        ("missing_required_value", "StageName", None),
        ("custom_stage", "StageName", CUSTOM_STAGE),
        ("deleted", "IsDeleted", "true"),
    ]:
        add(obj, kind, [dict(d, Id=fresh_id(obj), **{col: value}) for d in donors(obj, how_many(), clean_deals)])
    add(obj, "duplicate", donors(obj, how_many(), clean_deals))
    # OpportunityHistory (the conflicting deal has no history rows left to copy)
    obj = "OpportunityHistory"
    h_pool = np.arange(a["hist"]["t"].size)
    lost = mdl.stages.names[-1]
    unknown_opp = _id_array(KEY_PREFIX["Opportunity"], np.array([n + 10_000 + k for k in range(3)]))
    add(obj, "unknown_opportunity", [dict(d, Id=fresh_id(obj), OpportunityId=unknown_opp[k].as_py()) for k, d in enumerate(donors(obj, how_many(), h_pool))])
    bad_ts = ["2025-02-30T25:61:00.000Z", "not a timestamp", "2025-06-31T10:00:00.000Z"]
    add(obj, "invalid_timestamp", [dict(d, Id=fresh_id(obj), CreatedDate=bad_ts[k]) for k, d in enumerate(donors(obj, how_many(), h_pool))])
    add(obj, "custom_stage", [dict(d, Id=fresh_id(obj), StageName=CUSTOM_STAGE) for d in donors(obj, how_many(), h_pool)])
    add(obj, "duplicate", donors(obj, how_many(), h_pool))
    add(obj, "deleted", [dict(d, Id=fresh_id(obj), StageName=lost, Probability="0", ForecastCategory=mdl.stages.forecast[-1], IsDeleted="true") for d in donors(obj, how_many(), h_pool)])
    # Task / Event
    obj = "Task"
    add(obj, "invalid_timestamp", [dict(d, Id=fresh_id(obj), CreatedDate=bad_ts[k], CompletedDateTime=bad_ts[k]) for k, d in enumerate(donors(obj, how_many()))])
    add(obj, "duplicate", donors(obj, how_many()))
    add(obj, "deleted", [dict(d, Id=fresh_id(obj), IsDeleted="true") for d in donors(obj, how_many())])
    obj = "Event"
    bad_ev = ["2025-13-01T10:00:00.000Z", "31/12/2025 10:00", "soon"]
    add(obj, "invalid_timestamp", [dict(d, Id=fresh_id(obj), StartDateTime=bad_ev[k]) for k, d in enumerate(donors(obj, how_many()))])
    # Account / User: one exact duplicate each
    add("Account", "duplicate", donors("Account", 1))
    add("User", "duplicate", donors("User", 1, a["rep_uid"]))
    return rows, counts, custom
