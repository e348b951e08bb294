"""`revops-kpis`: the project's command line.

    revops-kpis run       check the export, build everything on DuckDB, print a summary
                          (--fail-on-data-quality: exit 3 when data-quality thresholds are exceeded;
                          --crm hubspot: the export is Fivetran HubSpot tables, default salesforce)
    revops-kpis summary   print the summary of the last build again
    revops-kpis check-export   only the export checks (preflight + Great Expectations)
    revops-kpis generate  write a synthetic export: Salesforce, or --crm hubspot the same business as
                          Fivetran HubSpot tables (see revops_kpis.generator, generator_hubspot)
    revops-kpis benchmark time builds from 10k to 1M opportunities (see revops_kpis.benchmark)
    revops-kpis dashboard  start the Streamlit dashboard over the marts of a build
    revops-kpis export-parquet --out DIR   every public table of a build as DIR/<table>.parquet

Every command builds or reads the project it is run from: --project-dir, else the current
directory when it holds this dbt project, else the project installed with the package.
A foreseeable problem (a missing folder, an export that cannot be read, a DuckDB file another
process holds, bad --vars, a project dbt cannot parse) is one line and exit code 2; --debug
shows the traceback instead.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from pathlib import Path

import yaml

from revops_kpis import __version__
from revops_kpis.dbt_project import (
    DbtRunError,
    LayerProgress,
    data_quality_breaches,
    dbt_log_file,
    default_duckdb_path,
    failed_only_on_data_quality,
    run_dbt,
    target_dir,
)
from revops_kpis.export_spec import (
    CRM_CONTRACTS,
    DEFAULT_CRM,
    ProjectNotFound,
    crm_contract,
    forget_project_dir,
    project_dir,
    use_project_dir,
)
from revops_kpis.warehouse_publish import keep_failed, publish, stage

# `revops-kpis run` exits 0 when everything built and passed (data-quality findings are
# printed, not failed on), 1 when the export checks, the build or the mart checks failed, 2
# when the export cannot be read, 3 when only the data-quality thresholds were exceeded and
# --fail-on-data-quality (or var data_quality_test_severity: error) asked to fail on them
EXIT_DATA_QUALITY = 3
# a foreseeable problem the user can fix (one line, see UsageError)
EXIT_USAGE = 2


class UsageError(Exception):
    """A foreseeable problem: printed as one line saying what and what to do, exit code 2."""


def _export_path(value: Path | None, crm: str | None = None) -> Path:
    """--export, else env CRM_EXPORT_PATH, else the CRM's demo export in the project."""
    demo = project_dir() / "data" / crm_contract(crm).demo_folder
    return (value or Path(os.environ.get("CRM_EXPORT_PATH") or demo)).resolve()


def _crm(flag: str | None, extra_vars: dict) -> str:
    """The CRM of a run: --crm, else the var crm_source of --vars, else Salesforce. The two
    naming different CRMs is a usage error (the checks would read one, dbt the other)."""
    in_vars = extra_vars.get("crm_source")
    if in_vars is not None and str(in_vars).strip().lower() not in CRM_CONTRACTS:
        raise UsageError(f"--vars crm_source is {in_vars!r}: use one of {', '.join(CRM_CONTRACTS)} (or --crm)")
    if flag and in_vars is not None and str(in_vars).strip().lower() != flag:
        raise UsageError(f"--crm {flag} and --vars crm_source: {in_vars} name different CRMs: give one of them")
    return flag or (str(in_vars).strip().lower() if in_vars is not None else DEFAULT_CRM)


def _duckdb_path(value: str | Path | None) -> Path:
    return Path(value).expanduser().resolve() if value else default_duckdb_path()


def _parse_vars(text: str | None) -> dict:
    if not text:
        return {}
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at column {where.column + 1}" if where is not None else ""
        raise UsageError(
            f"--vars is not YAML/JSON ({getattr(exc, 'problem', None) or 'unreadable'}{at}): "
            "write a mapping, e.g. '{as_of: \"2026-06-30\"}'"
        ) from exc
    if not isinstance(parsed, dict):
        raise UsageError("--vars must be a mapping, e.g. '{as_of: \"2026-06-30\"}'")
    return parsed


def _step(number: int, total: int, text: str) -> None:
    print(f"\n[{number}/{total}] {text}", flush=True)


def command_run(args: argparse.Namespace) -> int:
    from revops_kpis.export_checks import ExportError, WrongCrmError, format_summary, preflight, validate_export
    from revops_kpis.mart_checks import validate_marts
    from revops_kpis.run_summary import format_run_summary

    from revops_kpis.export_prepare import prepare_export

    extra_vars = _parse_vars(args.vars)
    crm = _crm(args.crm, extra_vars)
    export_path = _export_path(args.export, crm)
    duckdb_path = _duckdb_path(args.duckdb)
    if duckdb_path.is_dir():
        raise UsageError(f"--duckdb {duckdb_path} is a folder: give the DuckDB file to build, e.g. "
                         f"{duckdb_path / 'revops_kpis.duckdb'}")
    if not export_path.is_dir():
        raise UsageError(f"no export folder at {export_path}: give --export the folder of the CSV files")
    # the warehouse's folder is created when it does not exist yet
    duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    encoding = args.encoding or extra_vars.get("crm_export_encoding", "auto")
    date_order = args.date_order or extra_vars.get("crm_date_order", "auto")
    number_format = args.number_format or extra_vars.get("crm_number_format", "auto")
    loss_reason_field = extra_vars.get("loss_reason_field", "Loss_Reason__c")
    # copies of the files dbt cannot read as they are, beside the warehouse they build
    prepared_dir = duckdb_path.with_name(duckdb_path.stem + ".prepared_export")
    # the reports go into dbt's target folder (target/, or DBT_TARGET_PATH)
    export_report_dir = target_dir() / "export_checks"
    mart_report_dir = target_dir() / "mart_checks"
    started = time.perf_counter()
    total_steps = 3
    if not args.verbose:
        # Great Expectations logs its temporary folders at INFO: not news for a user
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
    print(f"Project: {project_dir()}", flush=True)

    _step(1, total_steps, f"Checking the export {export_path} ({crm_contract(crm).label})")
    try:
        if args.skip_export_checks:
            checked = preflight(
                export_path,
                encoding=encoding,
                loss_reason_field=loss_reason_field,
                date_order=date_order,
                number_format=number_format,
                crm=crm,
            )
            for warning in checked.warnings:
                print(f"  warning: {warning}")
            for note in checked.notes:
                print(f"  {note}")
            export_files = prepare_export(
                checked, prepared_dir, lambda message: print(f"  {message}", flush=True)
            )
            print("  Great Expectations checks skipped (--skip-export-checks); preflight passed.")
        else:
            validation = validate_export(
                export_path,
                export_report_dir,
                encoding=encoding,
                loss_reason_field=loss_reason_field,
                progress=lambda message: print(f"  {message}", flush=True),
                date_order=date_order,
                number_format=number_format,
                prepared_dir=prepared_dir,
                corporate_currency=str(extra_vars.get("corporate_currency", "USD")),
                crm=crm,
            )
            checked = validation.preflight
            export_files = validation.export_files
            print(format_summary(validation))
            if not validation.success:
                print(
                    "\nThe export failed its checks (see the report above); nothing was built. "
                    "Fix the export, or rerun with --skip-export-checks to build anyway.",
                    file=sys.stderr,
                )
                return 1
    except WrongCrmError as exc:
        # another CRM's folder: one line, the --crm to use
        raise UsageError(str(exc)) from exc
    except ExportError as exc:
        print(f"\nThe export cannot be used:\n\n{exc}", file=sys.stderr)
        return 2

    # dbt reads the files the checks accepted: prepared copies are UTF-8 with ISO dates and
    # plain numbers
    extra_vars["crm_export_files"] = export_files
    if crm != DEFAULT_CRM:
        extra_vars["crm_source"] = crm
    if not encoding.startswith(("utf-16", "utf-32")):
        extra_vars["crm_export_encoding"] = "utf-8"

    _step(2, total_steps, f"Building the project {project_dir()} on DuckDB ({duckdb_path})")
    # dbt's unit tests check the project's own logic on hand-written rows, not the export: the
    # test suite runs them (scripts/test.sh); a user's run builds the models and the data tests
    build_args = ["build", "--exclude", "resource_type:unit_test"] + (["--full-refresh"] if args.full_refresh else [])
    if args.fail_on_data_quality:
        extra_vars["data_quality_test_severity"] = "error"
    # the build goes into a staging copy; the warehouse BI tools read is replaced only when the
    # build and the mart checks succeed (revops_kpis.warehouse_publish)
    staged_path = stage(duckdb_path, start_from_published=not args.full_refresh)
    # the data-quality thresholds are findings: at severity error (the flag) their failure
    # still leaves every model built and tested, so the run goes on to the summary
    failed_on_data_quality = False
    try:
        result = _build(build_args, export_path, staged_path, extra_vars, verbose=args.verbose)
    except DbtRunError as exc:
        if not failed_only_on_data_quality(exc.result):
            print(f"\n{exc}", file=sys.stderr)
            _say_not_published(duckdb_path, keep_failed(staged_path, duckdb_path))
            return 1
        result, failed_on_data_quality = exc.result, True
    breaches = data_quality_breaches(result)
    mart_checks = validate_marts(staged_path, mart_report_dir)
    print(mart_checks.summary())
    if mart_checks.success:
        publish(staged_path, duckdb_path)
        summary_path = duckdb_path
    else:
        summary_path = keep_failed(staged_path, duckdb_path)

    _step(3, total_steps, "Summary")
    print(format_run_summary(summary_path, export_path, checked.missing_optional_objects,
                             currency=extra_vars.get("corporate_currency")))
    if not args.skip_export_checks:
        print(f"Export check report: {export_report_dir / 'export_checks.md'}")
    if breaches and not failed_on_data_quality:
        print("\nData-quality thresholds exceeded (findings above): published as findings, the run does not "
              "fail on them (--fail-on-data-quality makes it).")
    print(f"\nDone in {time.perf_counter() - started:.1f} s.")
    if not mart_checks.success:
        print("\nThe marts failed their checks (report above).", file=sys.stderr)
        _say_not_published(duckdb_path, summary_path)
        return 1
    if failed_on_data_quality:
        print(
            "\nData-quality thresholds exceeded (findings above) and the run was asked to fail on them "
            "(--fail-on-data-quality, or var data_quality_test_severity: error). Everything was built.",
            file=sys.stderr,
        )
        return EXIT_DATA_QUALITY
    return 0


def _build(build_args: list[str], export_path: Path, duckdb_path: Path, extra_vars: dict, *, verbose: bool):
    """The dbt build of a run. --verbose: dbt's own output, as dbt prints it. Quiet (the
    default): dbt parses the project first (to know how many nodes each layer has), then the
    build prints one line per layer as the layer finishes, and every warning in full; dbt's
    whole log goes to its file (dbt_log_file())."""
    if verbose:
        return run_dbt(build_args, export_path=export_path, duckdb_path=duckdb_path, extra_vars=extra_vars)
    print(f"  dbt's log: {dbt_log_file()} (--verbose shows it here)", flush=True)
    progress = LayerProgress(lambda line: print(line, flush=True))
    try:
        parsed = run_dbt(["parse"], export_path=export_path, duckdb_path=duckdb_path, extra_vars=extra_vars,
                         silent=True, callbacks=[progress])
    except DbtRunError as exc:
        # one line (dbt's message, which names the file); the run then says nothing was published
        raise DbtRunError(
            f"error: dbt cannot parse the project {project_dir()}: {_one_line(exc.result.exception or exc)} "
            f"(fix the file it names; dbt's log: {dbt_log_file()})",
            exc.result,
        ) from exc
    progress.plan(parsed.result, unit_tests="resource_type:unit_test" not in build_args)
    try:
        return run_dbt(build_args, export_path=export_path, duckdb_path=duckdb_path, extra_vars=extra_vars,
                       silent=True, callbacks=[progress], manifest=parsed.result)
    finally:
        progress.finish()


def _one_line(error) -> str:
    return " ".join(str(error).split())


def _say_not_published(published: Path, failed: Path | None) -> None:
    kept = f" The failed build is kept for inspection at {failed}." if failed else ""
    if published.exists():
        print(f"The warehouse BI tools read was left as it was: {published}.{kept}", file=sys.stderr)
    else:
        print(f"Nothing was published at {published}.{kept}", file=sys.stderr)


def command_summary(args: argparse.Namespace) -> int:
    from revops_kpis.run_summary import format_run_summary

    duckdb_path = _duckdb_path(args.duckdb)
    if not duckdb_path.exists():
        print(f"error: no build at {duckdb_path}; run `revops-kpis run` first", file=sys.stderr)
        return 2
    print(format_run_summary(duckdb_path, _export_path(args.export, args.crm)))
    return 0


def command_check_export(argv: list[str]) -> int:
    from revops_kpis.export_checks import main

    return main(argv)


def command_generate(argv: list[str]) -> int:
    from revops_kpis.generator import main

    return main(argv)


def command_dashboard(args: argparse.Namespace, streamlit_args: list[str]) -> int:
    duckdb_path = _duckdb_path(args.duckdb)
    if not duckdb_path.exists():
        print(f"error: no build at {duckdb_path}; run `revops-kpis run` first "
              "(or `scripts/dashboard.sh`, which builds the demo when the file is missing)", file=sys.stderr)
        return 2
    command = [
        sys.executable, "-m", "streamlit", "run", str(project_dir() / "dashboard" / "app.py"),
        "--server.headless", "true", "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
        "--server.address", args.address, "--server.port", str(args.port), *streamlit_args,
    ]
    print(f"Dashboard over {duckdb_path}: http://{args.address}:{args.port}", flush=True)
    # Streamlit replaces this process, so stopping it (Ctrl-C, a signal to this pid) stops the server
    os.execve(sys.executable, command, {**os.environ, "REVOPS_DUCKDB_PATH": str(duckdb_path)})


def command_export_parquet(args: argparse.Namespace) -> int:
    from revops_kpis.semantic_layer import PUBLIC_SCHEMA, export_parquet

    duckdb_path = _duckdb_path(args.duckdb)
    if not duckdb_path.exists():
        print(f"error: no build at {duckdb_path}; run `revops-kpis run` first", file=sys.stderr)
        return 2
    written = export_parquet(duckdb_path, args.out)
    for table, rows in written.items():
        print(f"{PUBLIC_SCHEMA}.{table}: {rows} rows -> {Path(args.out) / (table + '.parquet')}")
    return 0


def command_benchmark(argv: list[str]) -> int:
    from revops_kpis.benchmark.runner import main

    return main(argv)


_DUCKDB_HELP = "(default: env REVOPS_DUCKDB_PATH, else target/revops_kpis.duckdb in the project)"
# options every command takes, before or after its name (main() reads them first)
_COMMON_OPTIONS = {"--project-dir": True, "--debug": False}


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project-dir", type=Path, metavar="DIR",
                        help="the dbt project to build (default: the current directory when it holds this "
                             "project, else the project installed with the package)")
    common.add_argument("--debug", action="store_true",
                        help="show the Python traceback of an error instead of the one-line message")
    return common


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The command line's parser and its subcommands' parsers, by name."""
    common = _common()
    parser = argparse.ArgumentParser(prog="revops-kpis", description=__doc__.split("\n\n")[0], parents=[common])
    parser.add_argument("--version", action="version", version=f"revops-kpis {__version__}",
                        help="print the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", parents=[common],
                              help="check the export, build everything on DuckDB, print a summary")
    run.add_argument("--crm", choices=list(CRM_CONTRACTS),
                     help="whose export it is: salesforce (default; Salesforce objects, Opportunity.csv ...) or "
                          "hubspot (Fivetran HubSpot tables, deal.csv ...); sets the dbt var crm_source")
    run.add_argument("--export", type=Path,
                     help="export folder (default: env CRM_EXPORT_PATH, else the CRM's demo export in the project, "
                          "data/demo_export or data/demo_export_hubspot)")
    run.add_argument("--duckdb", metavar="FILE", help=f"DuckDB file to build; its folder is created {_DUCKDB_HELP}")
    run.add_argument("--encoding",
                     help="CSV encoding of lines that are not UTF-8: auto (default: Windows-1252/Latin-1), "
                          "latin-1, cp1252, ... or utf-8 to refuse them (var crm_export_encoding)")
    run.add_argument("--date-order", choices=["auto", "iso", "us", "eu"],
                     help="how locale dates (03/04/2025) are read: auto (default: from the values, per file), "
                          "us (month/day/year), eu (day/month/year), iso (var crm_date_order)")
    run.add_argument("--number-format", choices=["auto", "us", "eu"],
                     help="how amounts and numbers are read: auto (default: from the values, per file), "
                          "us (1,200.50), eu (1.200,50 or 1 200,50) (var crm_number_format)")
    run.add_argument("--vars", help="dbt vars as YAML, e.g. '{as_of: \"2026-06-30\", fiscal_year_start_month: 2}'")
    run.add_argument("--skip-export-checks", action="store_true",
                     help="run only the preflight, not the Great Expectations suite")
    run.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    run.add_argument("--fail-on-data-quality", action="store_true",
                     help="exit 3 (after the summary) when a rep, team or the company is above a data-quality "
                          "threshold; sets var data_quality_test_severity: error")
    run.add_argument("--verbose", action="store_true",
                     help="show dbt's own output (default: one line per layer, warnings and failures in full, "
                          "dbt's log in its file)")
    run.set_defaults(handler=command_run)

    summary = commands.add_parser("summary", parents=[common], help="print the summary of the last build")
    summary.add_argument("--duckdb", metavar="FILE", help=f"the build's DuckDB file {_DUCKDB_HELP}")
    summary.add_argument("--export", type=Path,
                         help="the export folder the build read, named in the summary (default: env "
                              "CRM_EXPORT_PATH, else the CRM's demo export in the project)")
    summary.add_argument("--crm", choices=list(CRM_CONTRACTS),
                         help="the CRM whose demo export is the default --export (the summary reads which CRM the "
                              "build read from the build itself)")
    summary.set_defaults(handler=command_summary)

    parquet = commands.add_parser("export-parquet", parents=[common],
                                  help="write every public table of a build as a Parquet file")
    parquet.add_argument("--out", type=Path, required=True, help="folder for the files (<table>.parquet)")
    parquet.add_argument("--duckdb", metavar="FILE", help=f"the build's DuckDB file {_DUCKDB_HELP}")
    parquet.set_defaults(handler=command_export_parquet)

    dashboard = commands.add_parser(
        "dashboard", parents=[common], help="start the Streamlit dashboard (other options go to `streamlit run`)")
    dashboard.add_argument("--duckdb", metavar="FILE", help=f"DuckDB file to read {_DUCKDB_HELP}")
    dashboard.add_argument("--address", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    dashboard.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    dashboard.set_defaults(handler=command_dashboard)

    commands.add_parser("check-export", help="only the export checks, --crm salesforce or hubspot "
                        "(options: check-export --help)", add_help=False)
    commands.add_parser("generate", help="write a synthetic export, Salesforce or (--crm hubspot) HubSpot "
                        "(options: generate --help)", add_help=False)
    commands.add_parser("benchmark", help="time builds at 10k, 100k and 1M opportunities (options: benchmark --help)",
                        add_help=False)
    return parser, {"run": run, "summary": summary, "export-parquet": parquet, "dashboard": dashboard}


_DELEGATED = {"check-export": command_check_export, "generate": command_generate, "benchmark": command_benchmark}


def _take_common_options(argv: list[str]) -> tuple[list[str], Path | None, bool]:
    """--project-dir DIR and --debug wherever they are (before or after the command's name),
    and the rest of the arguments: the delegated commands' own parsers do not know them."""
    rest: list[str] = []
    project: Path | None = None
    debug = False
    items = iter(argv)
    for item in items:
        if item == "--debug":
            debug = True
        elif item == "--project-dir":
            value = next(items, None)
            if value is None:
                raise UsageError("--project-dir needs a folder: --project-dir DIR")
            project = Path(value)
        elif item.startswith("--project-dir="):
            project = Path(item.split("=", 1)[1])
        else:
            rest.append(item)
    return rest, project, debug


def _dispatch(argv: list[str]) -> int:
    rest, project, _ = _take_common_options(argv)
    command = next((item for item in rest if not item.startswith("-")), None)
    if command in _DELEGATED and rest and rest[0] == command:
        use_project_dir(project)
        return _DELEGATED[command](rest[1:])
    parser, subcommands = _parser()
    args, unknown = parser.parse_known_args(argv)
    use_project_dir(project)
    if args.command == "dashboard":
        return command_dashboard(args, unknown)
    if unknown:
        # the subcommand's own usage, not the top-level one
        subcommands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args.handler(args)


def _explain(error: BaseException) -> str | None:
    """One line saying what went wrong and what to do, for the foreseeable problems; None for
    anything else (a bug: its traceback is shown)."""
    import duckdb

    if isinstance(error, (UsageError, ProjectNotFound)):
        return str(error)
    if isinstance(error, duckdb.IOException) and "lock" in str(error).lower():
        holder = re.search(r"\(PID (\d+)\)", str(error))
        by = f" (PID {holder.group(1)})" if holder else ""
        return (f"the DuckDB file is in use by another process{by}: close it (the dashboard, a BI tool, "
                "another run) and run again")
    if isinstance(error, PermissionError):
        return f"no permission to write or read {error.filename}: choose a folder you can write to"
    if isinstance(error, IsADirectoryError):
        return f"{error.filename} is a folder, not a file: give the file's path"
    if isinstance(error, (FileNotFoundError, NotADirectoryError)):
        return f"{error.filename or error}: no such file or folder; check the path"
    if isinstance(error, OSError) and error.errno is not None:
        return f"{error.strerror}: {error.filename}"
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        return _dispatch(argv)
    except KeyboardInterrupt:
        if debug:
            raise
        print("\ninterrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - mapped to one line when foreseeable
        message = _explain(error)
        if debug or message is None:
            raise
        print(f"error: {message} (--debug shows the traceback)", file=sys.stderr)
        return EXIT_USAGE
    finally:
        forget_project_dir()


if __name__ == "__main__":
    sys.exit(main())
