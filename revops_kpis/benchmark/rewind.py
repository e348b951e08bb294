"""The same export as it would have looked a little earlier: the "before" of an incremental run.

`rewind_export(src, dst, cut)` writes the export `src` as of the moment `cut`: rows created
after it are left out (history, field history, tasks, events, leads, accounts,
opportunities), and what changed after it is undone: an opportunity's stage, amount, close
date, probability, forecast category, closed/won flags and loss reason come from its last
stage-history row at or before the cut and its owner from the owner changes after it; a task
completed after the cut is still open; a lead converted after the cut is still unconverted.
Rows whose timestamp cannot be read are kept (they are quarantined either way), and row
order is preserved, so `src` is exactly `dst` plus the new and changed records of the last
stretch of time. Users, quotas, conversion rates and stages are copied as they are.

It works on exports written by revops_kpis.generator (the objects and header spellings of
the export contract, values as text) and is what the benchmark uses to measure incremental
runs; `cut_for_fraction` picks the cut that leaves a given share of the activity rows new.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from pathlib import Path

import duckdb

from revops_kpis.export_spec import PROJECT_ROOT, load_spec, match_key

STAGE_SEED = PROJECT_ROOT / "seeds" / "stage_order.csv"
# objects filtered by their creation time (the others are copied as they are)
CREATED_OBJECTS = ("Opportunity", "OpportunityHistory", "OpportunityFieldHistory", "Task", "Event", "Lead", "Account")


def _ts(expression: str) -> str:
    """A raw timestamp text as a UTC timestamp, null when unreadable."""
    return f"timezone('UTC', try_cast({expression} as timestamptz))"


class _Export:
    """The files of one export folder, with their header spelling per contract column."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.spec = load_spec()
        self.files: dict[str, Path] = {}
        self._headers: dict[str, list[str]] = {}
        for path in sorted(folder.iterdir()):
            stem, _, suffix = path.name.partition(".")
            if suffix in ("csv", "csv.gz", "parquet"):
                self.files[match_key(stem)] = path

    def file(self, object_name: str) -> Path | None:
        return self.files.get(match_key(object_name))

    def reader(self, object_name: str) -> str:
        path = self.file(object_name)
        if path is None:
            raise FileNotFoundError(f"{self.folder} has no {object_name} file")
        if path.name.endswith(".parquet"):
            return f"read_parquet('{path}')"
        return f"read_csv('{path}', all_varchar = true, header = true, quote = '\"', escape = '\"')"

    def headers(self, con: duckdb.DuckDBPyConnection, object_name: str) -> list[str]:
        """The object's file header, read once."""
        if object_name not in self._headers:
            described = con.execute(f"describe select * from {self.reader(object_name)}").fetchall()
            self._headers[object_name] = [row[0] for row in described]
        return self._headers[object_name]

    def column(self, con: duckdb.DuckDBPyConnection, object_name: str, name: str) -> str:
        """The quoted header of contract column `name` (house name) of an object."""
        headers = self.headers(con, object_name)
        spec = self.spec[object_name]
        wanted = next(c for c in spec.columns if c.name == name)
        for header in headers:
            if match_key(header) in (match_key(wanted.api_name), match_key(wanted.name)):
                return '"' + header.replace('"', '""') + '"'
        raise KeyError(f"{object_name} has no column {wanted.api_name}")


def cut_for_fraction(src: Path, fraction: float = 0.01) -> dt.datetime:
    """The moment after which (at least) `fraction` of the tasks, events and history rows were
    created: the rewind to it leaves out that share of the activity."""
    export = _Export(src)
    con = duckdb.connect()
    parts = []
    for object_name in ("OpportunityHistory", "Task", "Event"):
        if export.file(object_name) is not None:
            created = export.column(con, object_name, "created_date")
            parts.append(f"select {_ts(created)} as created_at from {export.reader(object_name)}")
    rows = f"({' union all '.join(parts)})"
    (count,) = con.execute(f"select count(created_at) from {rows}").fetchone()
    after = math.ceil(fraction * count)
    if not 0 < after < count:
        raise ValueError(f"a fraction of {fraction} of {count} activity rows leaves no earlier export")
    # the latest moment with at least `after` rows strictly later than it
    (cut,) = con.execute(
        f"select created_at from {rows} where created_at is not null order by created_at desc limit 1 offset {after}"
    ).fetchone()
    return cut


def _write(con: duckdb.DuckDBPyConnection, query: str, source: Path, dst: Path) -> int:
    target = dst / source.name
    if source.name.endswith(".parquet"):
        con.execute(f"copy ({query}) to '{target}' (format parquet)")
    else:
        compression = ", compression gzip" if source.name.endswith(".gz") else ""
        con.execute(f"copy ({query}) to '{target}' (format csv, header true, quote '\"', force_quote *{compression})")
    (count,) = con.execute(f"select count(*) from ({query})").fetchone()
    return count


def rewind_export(src: Path | str, dst: Path | str, cut: dt.datetime) -> dict:
    """Write the export `src` as of `cut` into `dst`; return the row counts written."""
    src, dst = Path(src), Path(dst)
    if dst.resolve() == src.resolve():
        raise ValueError("rewind_export: the destination must differ from the source")
    dst.mkdir(parents=True, exist_ok=True)
    export = _Export(src)
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = true")
    cut_literal = f"timestamp '{cut.isoformat(sep=' ')}'"
    col = lambda object_name, name: export.column(con, object_name, name)  # noqa: E731
    counts: dict[str, int] = {}

    def kept(object_name: str, alias: str = "") -> str:
        created = alias + col(object_name, "created_date")
        return f"(({_ts(created)}) is null or ({_ts(created)}) <= {cut_literal})"

    # opportunity state at the cut, from its last stage-history row at or before it
    con.execute(
        f"create temp table stages as select lower(stage_name) as stage_key, is_closed, is_won "
        f"from read_csv('{STAGE_SEED}', header = true)"
    )
    history = export.reader("OpportunityHistory")
    # deals are matched on the first 15 characters of their ids: an export may spell an id in
    # its 15-character form on some rows and its 18-character form on others (staging reads
    # both as the same deal)
    h = {name: col("OpportunityHistory", name) for name in ("opportunity_id", "created_date", "stage_name", "amount", "close_date", "probability", "forecast_category", "id")}
    con.execute(f"""
        create temp table state_at_cut as
        select
            left({h['opportunity_id']}, 15) as opportunity_id,
            arg_max({h['stage_name']}, ({_ts(h['created_date'])}, {h['id']})) as stage_name,
            arg_max({h['amount']}, ({_ts(h['created_date'])}, {h['id']})) as amount,
            arg_max({h['close_date']}, ({_ts(h['created_date'])}, {h['id']})) as close_date,
            arg_max({h['probability']}, ({_ts(h['created_date'])}, {h['id']})) as probability,
            arg_max({h['forecast_category']}, ({_ts(h['created_date'])}, {h['id']})) as forecast_category
        from {history}
        where {_ts(h['created_date'])} <= {cut_literal}
        group by all
    """)
    con.execute(f"""
        create temp table changed_after_cut as
        select distinct left({h['opportunity_id']}, 15) as opportunity_id
        from {history}
        where {_ts(h['created_date'])} > {cut_literal}
    """)
    f = {name: col("OpportunityFieldHistory", name) for name in ("opportunity_id", "created_date", "field", "old_value", "new_value", "id")}
    # the owner at the cut: the "from" user of the first owner change after it (Salesforce writes
    # each change twice, with user ids and with names: the name rows are skipped)
    con.execute(f"""
        create temp table owner_at_cut as
        select left({f['opportunity_id']}, 15) as opportunity_id,
            arg_min({f['old_value']}, ({_ts(f['created_date'])}, {f['id']})) as owner_id
        from {export.reader('OpportunityFieldHistory')}
        where lower({f['field']}) in ('owner', 'ownerid') and {_ts(f['created_date'])} > {cut_literal}
            and {f['old_value']} like '005%' and {f['new_value']} like '005%'
        group by all
    """)

    for object_name, path in _objects(export):
        spec = export.spec[object_name]
        reader = export.reader(object_name)
        if object_name == "Opportunity":
            o = {c.name: col(object_name, c.name) for c in spec.columns if _has(export, con, object_name, c.name)}
            replaced = {
                "stage_name": "s.stage_name",
                "amount": "s.amount",
                "close_date": "s.close_date",
                "probability": "s.probability",
                "forecast_category_name": "s.forecast_category",
                "is_closed": "cast(coalesce(st.is_closed, false) as varchar)",
                "is_won": "cast(coalesce(st.is_won, false) as varchar)",
                "loss_reason": "case when coalesce(st.is_closed, false) and not coalesce(st.is_won, false) then o.{loss} end",
            }
            items = []
            for header in export.headers(con, object_name):
                name = next((n for n, quoted in o.items() if quoted == _quote(header)), None)
                expression = f"o.{_quote(header)}"
                if name in replaced:
                    rewound = replaced[name].format(loss=_quote(header))
                    expression = f"case when c.opportunity_id is not null and s.opportunity_id is not null then {rewound} else {expression} end"
                elif name == "owner_id":
                    expression = f"coalesce(w.owner_id, {expression})"
                items.append(f"{expression} as {_quote(header)}")
            query = f"""
                select {', '.join(items)}
                from {reader} as o
                left join changed_after_cut as c on left(o.{o['id']}, 15) = c.opportunity_id
                left join state_at_cut as s on left(o.{o['id']}, 15) = s.opportunity_id
                left join stages as st on lower(trim(regexp_replace(s.stage_name, '\\s+', ' ', 'g'))) = st.stage_key
                left join owner_at_cut as w on left(o.{o['id']}, 15) = w.opportunity_id
                where {kept(object_name, 'o.')}
            """
        elif object_name == "Task":
            completed = col(object_name, "completed_date_time")
            status = col(object_name, "status")
            items = []
            for header in export.headers(con, object_name):
                quoted = _quote(header)
                if quoted == completed:
                    items.append(f"case when {_ts(quoted)} > {cut_literal} then null else {quoted} end as {quoted}")
                elif quoted == status:
                    items.append(f"case when {_ts(completed)} > {cut_literal} then 'Not Started' else {quoted} end as {quoted}")
                else:
                    items.append(quoted)
            query = f"select {', '.join(items)} from {reader} where {kept(object_name)}"
        elif object_name == "Lead":
            converted = col(object_name, "converted_date")
            undone = {
                col(object_name, "is_converted"): "'false'",
                col(object_name, "status"): "'Working - Contacted'",
                converted: "null",
                col(object_name, "converted_opportunity_id"): "null",
                col(object_name, "converted_account_id"): "null",
            }
            items = []
            for header in export.headers(con, object_name):
                quoted = _quote(header)
                if quoted in undone:
                    items.append(f"case when try_cast({converted} as date) > cast({cut_literal} as date) then {undone[quoted]} else {quoted} end as {quoted}")
                else:
                    items.append(quoted)
            query = f"select {', '.join(items)} from {reader} where {kept(object_name)}"
        elif object_name in CREATED_OBJECTS:
            query = f"select * from {reader} where {kept(object_name)}"
        else:
            query = f"select * from {reader}"
        counts[object_name] = _write(con, query, path, dst)

    manifest_path = src / "_manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest["rewound_to"] = cut.isoformat()
    manifest["rows"] = counts
    manifest.pop("bad_rows", None)  # counted for the source; the rewind may drop some
    (dst / "_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for extra in src.iterdir():  # anything else in the folder travels along
        if extra.is_file() and extra.name != "_manifest.json" and not (dst / extra.name).exists():
            shutil.copy2(extra, dst / extra.name)
    return counts


def _objects(export: _Export):
    for object_name in export.spec:
        path = export.file(object_name)
        if path is not None:
            yield object_name, path


def _has(export: _Export, con, object_name: str, name: str) -> bool:
    try:
        export.column(con, object_name, name)
    except KeyError:
        return False
    return True


def _quote(header: str) -> str:
    return '"' + header.replace('"', '""') + '"'
