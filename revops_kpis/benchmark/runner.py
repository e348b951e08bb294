"""The scale benchmark: `revops-kpis benchmark` (or scripts/benchmark.sh).

For each size (S 10k, M 100k, L 1M opportunities) it generates an export with the project's
generator (Parquet; CSV too for S and M), then measures, each as a whole process, over
`--runs` runs with the median reported:

- floor: DuckDB reading every input file once into a table (`create table as select *`);
- full build: `dbt build --full-refresh` without unit tests, on a new warehouse file;
- export checks: `revops-kpis check-export` (preflight + Great Expectations);
- incremental (Parquet): the export rewound by about 1% (revops_kpis.benchmark.rewind) is
  built in full once, then each run copies that warehouse and runs `dbt build` (no
  --full-refresh) on the complete export; the public tables it leaves are compared with the
  full build's, row for row.

Peak memory is the peak resident set size of each process (and its children), read from the
kernel's accounting when it ends. Per-model times come from dbt's run_results.json. The
figures go to <out>/results.json and <out>/results.md and are printed as a table. It prints
figures; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from revops_kpis.export_spec import PROJECT_ROOT

SIZES = {"S": 10_000, "M": 100_000, "L": 1_000_000}
CSV_SIZES = ("S", "M")
DEFAULT_OUT = PROJECT_ROOT / "target" / "benchmark"
PYTHON_MODEL = "int_win_probability_model"
# The win-probability model and its scoring: the models of its folder (moments, intervals,
# owners' trailing win rates, the fit, stage win rates, scores, interaction values,
# calibration) and the mart that scores open deals where it reads the scores' view.
# fct_interactions publishes the interactions with their values, which it reads from
# int_interactions_scored (a table of the folder): it is not counted.
WIN_PROBABILITY_FOLDER = "models/intermediate/sales/win_probability/"
WIN_PROBABILITY_MARTS = ("fct_opportunity_probabilities",)
BIN = Path(sys.executable).parent


@dataclass
class Measured:
    seconds: float
    peak_rss_bytes: int
    exit_code: int
    log: str
    # a dbt build that ran every model but had failing data tests (the data-quality error
    # tests fail on exports whose reps skip stages too often) still measures the build
    failed_tests: list[str] = field(default_factory=list)
    failed_models: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.exit_code == 0 or (self.exit_code == 1 and not self.failed_models and bool(self.failed_tests))


@dataclass
class Case:
    size: str
    fmt: str
    opportunities: int
    input_rows: int = 0
    input_bytes: int = 0
    floor: list[Measured] = field(default_factory=list)
    full_build: list[Measured] = field(default_factory=list)
    export_checks: list[Measured] = field(default_factory=list)
    incremental: list[Measured] = field(default_factory=list)
    delta_rows: int = 0
    incremental_identical: bool | None = None
    incremental_differences: dict = field(default_factory=dict)
    slowest_models: list[tuple[str, float]] = field(default_factory=list)
    python_model_seconds: float | None = None
    win_probability_seconds: float | None = None
    slowest_models_incremental: list[tuple[str, float]] = field(default_factory=list)


def _say(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {text}", flush=True)


def measure(command: list[str], log: Path, env: dict[str, str] | None = None) -> Measured:
    """Run a command to its end; wall time and the peak RSS of it and its children."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
                                   env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(round(seconds, 2), usage.ru_maxrss * 1024, process.returncode, str(log))


def _median(runs: list[Measured], attribute: str = "seconds") -> float | None:
    values = [getattr(run, attribute) for run in runs if run.usable]
    return statistics.median(values) if values else None


def _dbt_env(duckdb_path: Path) -> dict[str, str]:
    return {"DBT_PROFILES_DIR": str(PROJECT_ROOT), "REVOPS_DUCKDB_PATH": str(duckdb_path),
            "REVOPS_TARGET": "duckdb", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def _dbt_build(export: Path, target_path: Path, full_refresh: bool) -> list[str]:
    command = [str(BIN / "dbt"), "build", "--exclude-resource-type", "unit_test",
               "--target-path", str(target_path), "--vars", json.dumps({"crm_export_path": str(export)})]
    return command + (["--full-refresh"] if full_refresh else [])


def _timed_build(root: Path, name: str, export: Path, warehouse: Path, full_refresh: bool) -> Measured:
    """One measured `dbt build` of `export` into `warehouse`: its target folder is
    root/target/<name>, its log root/logs/<name>.log."""
    target = root / "target" / name
    measured = measure(_dbt_build(export, target, full_refresh), root / "logs" / f"{name}.log", _dbt_env(warehouse))
    return _dbt_outcome(measured, target)


def _dbt_outcome(measured: Measured, target_path: Path) -> Measured:
    """Note which models failed and which tests failed, from dbt's run results."""
    path = target_path / "run_results.json"
    if path.exists():
        for result in json.loads(path.read_text())["results"]:
            name = result["unique_id"].split(".", 2)[-1]
            if result["status"] == "error":
                measured.failed_models.append(name)
            elif result["status"] == "fail":
                measured.failed_tests.append(name)
    return measured


def _model_times(target_path: Path) -> list[tuple[str, float]]:
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    times = [(r["unique_id"].split(".", 2)[-1], round(r["execution_time"], 2)) for r in results
             if r["unique_id"].startswith(("model.", "seed."))]
    return sorted(times, key=lambda item: -item[1])


def _win_probability_seconds(target_path: Path) -> float | None:
    """Seconds the build spent in the win-probability model and its scoring (see
    WIN_PROBABILITY_FOLDER and WIN_PROBABILITY_MARTS)."""
    nodes = json.loads((target_path / "manifest.json").read_text())["nodes"]
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    seconds = [
        result["execution_time"] for result in results
        if result["unique_id"] in nodes and nodes[result["unique_id"]]["resource_type"] == "model"
        and (nodes[result["unique_id"]]["original_file_path"].startswith(WIN_PROBABILITY_FOLDER)
             or nodes[result["unique_id"]]["name"] in WIN_PROBABILITY_MARTS)
    ]
    return round(sum(seconds), 2) if seconds else None


def _export_size(folder: Path) -> tuple[int, int]:
    manifest = json.loads((folder / "_manifest.json").read_text())
    size = sum(path.stat().st_size for path in folder.iterdir() if not path.name.startswith("_"))
    return sum(manifest["rows"].values()), size


def _generate(folder: Path, opportunities: int, fmt: str) -> None:
    manifest = folder / "_manifest.json"
    if manifest.exists():
        params = json.loads(manifest.read_text()).get("params", {})
        if params.get("opportunities") == opportunities and params.get("format") == fmt:
            _say(f"  export {folder} exists, reused")
            return
    shutil.rmtree(folder, ignore_errors=True)
    _say(f"  generating {opportunities:,} opportunities as {fmt} into {folder}")
    from revops_kpis.generator import generate_export

    generate_export(folder, opportunities=opportunities, fmt=fmt)


def run_case(size: str, fmt: str, work: Path, runs: int, incremental: bool, export_checks: bool) -> Case:
    opportunities = SIZES[size]
    case = Case(size, fmt, opportunities)
    root = work / size
    export = root / fmt
    _generate(export, opportunities, fmt)
    case.input_rows, case.input_bytes = _export_size(export)

    for run in range(runs):
        _say(f"  {size}/{fmt} floor, run {run + 1}/{runs}")
        floor_db = root / "floor.duckdb"
        floor_db.unlink(missing_ok=True)
        case.floor.append(measure([sys.executable, "-m", "revops_kpis.benchmark.floor", str(export), str(floor_db)],
                                  root / "logs" / f"{fmt}-floor-{run}.log"))
        floor_db.unlink(missing_ok=True)

    full_db = root / f"full-{fmt}.duckdb"
    for run in range(runs):
        _say(f"  {size}/{fmt} full build, run {run + 1}/{runs}")
        full_db.unlink(missing_ok=True)
        measured = _timed_build(root, f"{fmt}-full-{run}", export, full_db, full_refresh=True)
        case.full_build.append(measured)
        _report(measured)
    median_run = _median_run(case.full_build)
    if median_run is not None:
        times = _model_times(root / "target" / f"{fmt}-full-{median_run}")
        case.slowest_models = times[:12]
        case.python_model_seconds = next((t for name, t in times if name.endswith(PYTHON_MODEL)), None)
        case.win_probability_seconds = _win_probability_seconds(root / "target" / f"{fmt}-full-{median_run}")

    if export_checks:
        for run in range(runs):
            _say(f"  {size}/{fmt} export checks, run {run + 1}/{runs}")
            checked = measure(
                [str(BIN / "revops-kpis"), "check-export", "--export", str(export), "--report-dir", str(root / "export_checks")],
                root / "logs" / f"{fmt}-checks-{run}.log")
            if checked.exit_code == 1:  # the checks ran and found problems: still a timing
                checked.failed_tests.append("export checks")
            case.export_checks.append(checked)

    if incremental:
        _incremental(case, root, export, full_db, runs)
    return case


def _report(measured: Measured) -> None:
    _say(f"    {measured.seconds:.1f} s, peak RSS {measured.peak_rss_bytes / 2**30:.2f} GiB, exit {measured.exit_code}")
    if measured.failed_models:
        _say(f"    models that failed: {', '.join(measured.failed_models)}; see {measured.log}")
    elif measured.failed_tests:
        _say(f"    every model built; data tests that failed (the timing counts): {', '.join(measured.failed_tests)}")


def _median_run(runs: list[Measured]) -> int | None:
    ok = [(run.seconds, index) for index, run in enumerate(runs) if run.usable]
    if not ok:
        return None
    ok.sort()
    return ok[(len(ok) - 1) // 2][1]


def _incremental(case: Case, root: Path, export: Path, full_db: Path, runs: int) -> None:
    from revops_kpis.benchmark.compare import compare_warehouses, differences
    from revops_kpis.benchmark.rewind import cut_for_fraction, rewind_export

    before = root / f"{case.fmt}-before"
    if not (before / "_manifest.json").exists():
        cut = cut_for_fraction(export, 0.01)
        _say(f"  rewinding the export to {cut} (about 1% of activity rows after it)")
        rewind_export(export, before, cut)
    before_rows, _ = _export_size(before)
    case.delta_rows = case.input_rows - before_rows
    base_db = root / f"before-{case.fmt}.duckdb"
    base_db.unlink(missing_ok=True)
    _say(f"  {case.size}/{case.fmt} building the earlier export (the incremental run's starting point)")
    base = _timed_build(root, "before", before, base_db, full_refresh=True)
    if not base.usable:
        _say(f"    the build of the earlier export failed (exit {base.exit_code}); see {base.log}")
        return
    incremental_db = root / f"incremental-{case.fmt}.duckdb"
    for run in range(runs):
        _say(f"  {case.size}/{case.fmt} incremental run {run + 1}/{runs}")
        shutil.copyfile(base_db, incremental_db)
        measured = _timed_build(root, f"{case.fmt}-incremental-{run}", export, incremental_db, full_refresh=False)
        case.incremental.append(measured)
        _report(measured)
    median_run = _median_run(case.incremental)
    if median_run is not None:
        case.slowest_models_incremental = _model_times(root / "target" / f"{case.fmt}-incremental-{median_run}")[:8]
    if case.incremental and case.incremental[-1].usable and full_db.exists():
        _say("  comparing the incremental warehouse with the full build's, table by table")
        found = differences(compare_warehouses(incremental_db, full_db))
        case.incremental_identical = not found
        case.incremental_differences = found


def _gib(value: float | None) -> str:
    return "" if value is None else f"{value / 2**30:.2f}"


def _secs(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def summary_table(cases: list[Case]) -> str:
    header = ("| size | format | input rows | floor s | full build s | x floor | build peak RSS GiB | Python model % "
              "| win probability % | export checks s | checks RSS GiB | incremental s | % of full | incremental identical |")
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for case in cases:
        floor = _median(case.floor)
        full = _median(case.full_build)
        incremental = _median(case.incremental)
        checks = _median(case.export_checks)
        lines.append("| " + " | ".join([
            case.size, case.fmt, f"{case.input_rows:,}", _secs(floor), _secs(full),
            f"{full / floor:.1f}" if full and floor else "",
            _gib(_median(case.full_build, "peak_rss_bytes")),
            f"{100 * case.python_model_seconds / full:.1f}" if full and case.python_model_seconds is not None else "",
            f"{100 * case.win_probability_seconds / full:.1f}" if full and case.win_probability_seconds is not None else "",
            _secs(checks), _gib(_median(case.export_checks, "peak_rss_bytes")),
            _secs(incremental), f"{100 * incremental / full:.0f}" if incremental and full else "",
            {True: "yes", False: "NO", None: ""}[case.incremental_identical],
        ]) + " |")
    growth = _growth(cases)
    if growth:
        lines.append("")
        lines.append(f"Growth, full build from Parquet: time(L) / time(M) = {growth:.1f} for 10x the input.")
    for case in cases:
        if case.slowest_models:
            lines.append("")
            lines.append(f"Slowest models, {case.size}/{case.fmt} full build (s): "
                         + ", ".join(f"{name} {seconds}" for name, seconds in case.slowest_models[:8]))
        if case.slowest_models_incremental:
            lines.append(f"Slowest models, {case.size}/{case.fmt} incremental (s): "
                         + ", ".join(f"{name} {seconds}" for name, seconds in case.slowest_models_incremental))
        failed = sorted({name for run in case.full_build for name in run.failed_tests})
        if failed:
            lines.append(f"Data tests that failed on {case.size}/{case.fmt} (the build ran every model): " + ", ".join(failed))
        broken = sorted({name for run in case.full_build + case.incremental for name in run.failed_models})
        if broken:
            lines.append(f"Models that failed on {case.size}/{case.fmt}: " + ", ".join(broken))
        if case.incremental_differences:
            lines.append(f"Incremental differs from the full build in: {json.dumps(case.incremental_differences)}")
    return "\n".join(lines)


def _growth(cases: list[Case]) -> float | None:
    by_size = {case.size: _median(case.full_build) for case in cases if case.fmt == "parquet"}
    if by_size.get("L") and by_size.get("M"):
        return by_size["L"] / by_size["M"]
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="revops-kpis benchmark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated: S (10k), M (100k), L (1M opportunities)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement; the median is reported (default 3)")
    parser.add_argument("--work", type=Path, default=DEFAULT_OUT / "work",
                        help="where exports and warehouses go (exports are reused when present)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results.json and results.md go here")
    parser.add_argument("--no-csv", action="store_true", help="Parquet only")
    parser.add_argument("--no-incremental", action="store_true", help="skip the incremental runs")
    parser.add_argument("--no-export-checks", action="store_true", help="skip the export checks")
    args = parser.parse_args(argv)
    sizes = [size.strip().upper() for size in args.sizes.split(",") if size.strip()]
    unknown = [size for size in sizes if size not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    work, out = args.work.resolve(), args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    started = time.perf_counter()
    for size in sizes:
        formats = ["parquet"] + (["csv"] if size in CSV_SIZES and not args.no_csv else [])
        for fmt in formats:
            _say(f"{size} ({SIZES[size]:,} opportunities), {fmt}")
            cases.append(run_case(size, fmt, work, args.runs, incremental=fmt == "parquet" and not args.no_incremental,
                                  export_checks=not args.no_export_checks))
            _write(cases, out, args.runs, time.perf_counter() - started)
    table = summary_table(cases)
    print("\n" + table)
    print(f"\nFigures in {out / 'results.json'} and {out / 'results.md'}")
    return 0


def _write(cases: list[Case], out: Path, runs: int, elapsed: float) -> None:
    meta = {"measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "runs": runs,
            "cpu_count": os.cpu_count(), "elapsed_seconds": round(elapsed, 1),
            "memory_bytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")}
    (out / "results.json").write_text(json.dumps({"machine": meta, "cases": [asdict(case) for case in cases]}, indent=2) + "\n")
    (out / "results.md").write_text(
        f"# Benchmark results\n\nMeasured {meta['measured_at']} on {meta['cpu_count']} cores, "
        f"{meta['memory_bytes'] / 2**30:.0f} GiB; median of {runs} run(s).\n\n{summary_table(cases)}\n")


if __name__ == "__main__":
    sys.exit(main())
