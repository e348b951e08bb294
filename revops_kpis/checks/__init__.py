"""The core the export checks and the mart checks share.

Both run Great Expectations suites on pandas frames (one suite per object or table), collect
one outcome per expectation, write a Markdown and a JSON report and print a terminal summary,
and have a command line that exits 0 (every expectation passed), 1 (some failed) or 2
(nothing could be checked). What differs lives in the two packages: the export's preflight,
frames and suite in `revops_kpis.export_checks`, the marts' rules and suite in
`revops_kpis.mart_checks`.

Modules (none imports the two packages; they import from here):

- `results`: `Outcome` (one expectation's result), `OutcomeGroup` (the outcomes of one object
  or table), `CheckedRun` (a whole run: success, the report paths, the terminal summary);
- `gx`: an ephemeral GX context, one suite run on a frame, reading an expectation's result;
- `reports`: Markdown escaping, clipping values, writing the Markdown + JSON pair;
- `cli`: the `--report-dir` option, progress lines, and the run / print / exit-code frame.
"""
