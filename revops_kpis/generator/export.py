"""The Salesforce export folder: one file per object (clean rows, then the bad rows) and
`_manifest.json` with the row and bad-row counts."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Callable

import numpy as np
import pyarrow as pa

from revops_kpis.generator.bad_rows import BAD_KINDS, _bad_rows
from revops_kpis.generator.build import build_model, check_params
from revops_kpis.generator.files import CHUNK_ROWS, _to_table, _Writer, output_folder
from revops_kpis.generator.salesforce import OBJECTS, _Renderer, header


def generate_export(
    out_dir,
    opportunities: int = 600,
    seed: int = 42,
    fmt: str = "csv",
    inject_bad_rows: bool = True,
    end_date: str | dt.date = "2026-09-30",
    *,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write a Salesforce export folder and return its manifest (also written to
    `<out_dir>/_manifest.json`). See the module docstring for the rules."""
    end_date = check_params(opportunities, seed, fmt, end_date)
    out = output_folder(out_dir)
    say = progress or (lambda msg: None)
    t_start = time.perf_counter()
    t0 = time.perf_counter()
    mdl, conflict = build_model(opportunities, seed, end_date, inject_bad_rows)
    say(f"{'(model)':<24} {'':>12} {time.perf_counter() - t0:8.2f} s")
    r = _Renderer(mdl)
    bad, bad_counts, custom_counts = _bad_rows(mdl, r, inject_bad_rows, conflict)
    ext = "csv" if fmt == "csv" else "parquet"
    other = "parquet" if fmt == "csv" else "csv"
    manifest = {
        "generator": "revops_kpis.generator",
        "params": {"opportunities": int(opportunities), "seed": int(seed), "format": fmt, "inject_bad_rows": bool(inject_bad_rows), "end_date": end_date.isoformat()},
        "window": {"start_date": mdl.start_date.isoformat(), "end_date": end_date.isoformat()},
        "files": {},
        "rows": {},
        "bad_rows": {},
        "custom_stage_rows": dict(custom_counts),
    }
    warned: set[str] = set()

    def warn(msg):
        if msg not in warned:
            warned.add(msg)
            print(f"warning: {msg}", file=sys.stderr)

    for obj in OBJECTS:
        t0 = time.perf_counter()
        stale = out / f"{obj}.{other}"
        if stale.exists():
            stale.unlink()
            say(f"removed {stale} (other format)")
        cols = header(obj)
        path = out / f"{obj}.{ext}"
        w = _Writer(path, cols, fmt)
        n_rows = r.rows(obj)
        for s in range(0, n_rows, CHUNK_ROWS):
            idx = np.arange(s, min(n_rows, s + CHUNK_ROWS))
            w.write(_to_table(cols, r.render(obj, idx), idx.size, warn))
        extra = bad.get(obj, [])
        if extra:
            w.write(pa.Table.from_pylist([{c: row.get(c) for c in cols} for row in extra], schema=pa.schema([(c, pa.string()) for c in cols])))
        w.close()
        total = n_rows + len(extra)
        manifest["files"][obj] = path.name
        manifest["rows"][obj] = total
        if obj in BAD_KINDS:
            manifest["bad_rows"][obj] = bad_counts[obj]
        say(f"{obj:<24} {total:>12,} {time.perf_counter() - t0:8.2f} s")
    (out / "_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    n_bad = sum(sum(v.values()) for v in manifest["bad_rows"].values())
    say(
        f"wrote {len(OBJECTS)} {fmt} files, {sum(manifest['rows'].values()):,} rows "
        f"({n_bad} bad rows injected) to {out} in {time.perf_counter() - t_start:.1f} s"
    )
    return manifest
