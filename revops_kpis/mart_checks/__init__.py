"""Great Expectations checks on the published marts, after dbt has built them.

`validate_marts(duckdb_path, report_dir)` discovers every table of the `marts` schema in the
DuckDB file, reads it (read-only connection, only the columns a check needs) into pandas and
runs one GX suite per table (GX 1.x, ephemeral context, pandas datasource). What is expected
follows from the column names (STYLE.md "Names"), with documented exceptions, in `_rules`:

- every `*_rate` in 0..1 (except rates whose definition allows more: forecast accuracy can be
  negative, quota attainment and net revenue retention can exceed 1, ...);
- every `*_amount` non-negative (except deltas such as `interaction_value_amount`);
- every `days_*`, `*_days` and `*_minutes` non-negative;
- keys not null and unique: `(grain, grain_id, period_grain, period_start)` plus `stage_name` or
  `loss_reason` where present for KPI tables, the entity key for `dim_`, `fct_` and `dq_` tables;
- row counts consistent with the models the marts are built from (dim_opportunities = the
  staged opportunities created by the as-of time, KPI tables = (reps + teams + company) x
  fiscal periods, every KPI row a rep, team or company period of the spine, ...).

It writes `mart_checks.md` and `mart_checks.json` to `report_dir` and returns a
`MartValidation` (`.success`, `.failed`, `.summary()`).

Modules, each importing only those before it: `_rules` (the naming conventions, keys and
row-count rules), `_results` (outcomes per table, the marts' validation and its terminal
summary), `_report` (Markdown / JSON), `_suite` (reading the marts, the GX suite per table,
`validate_marts`), `_cli` (command line). The result classes, report writing, GX plumbing
and command-line frame they build on are the shared checks core, `revops_kpis.checks`.

Command line: `python -m revops_kpis.mart_checks [--duckdb PATH] [--report-dir DIR]`; exit code
0 when all expectations pass, 1 when some fail, 2 when the file or the schema cannot be read.
`revops-kpis run` runs it after the build and prints the summary.
"""

from revops_kpis.mart_checks._cli import DEFAULT_REPORT_DIR, main
from revops_kpis.mart_checks._report import format_summary
from revops_kpis.mart_checks._results import MartCheckOutcome, MartValidation, TableValidation
from revops_kpis.mart_checks._suite import MartCheckError, validate_marts

__all__ = [
    "DEFAULT_REPORT_DIR",
    "MartCheckError",
    "MartCheckOutcome",
    "MartValidation",
    "TableValidation",
    "format_summary",
    "main",
    "validate_marts",
]
