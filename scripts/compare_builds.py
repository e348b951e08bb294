"""Two DuckDB builds of the project compared table by table: the proof a refactor owes.

    .venv/bin/python scripts/compare_builds.py BEFORE.duckdb AFTER.duckdb [schemas]

schemas: comma-separated, default marts,semantic,intermediate. Every table and view of those
schemas in either build is listed when it exists in one only; for those in both, the columns
(names, types, order) must be equal and the rows equal as multisets (`except all` both ways).
Prints one line per difference and a count; exits 1 when anything differs. The comparison is
revops_kpis.build_compare.
"""

from __future__ import annotations

import sys

from revops_kpis.build_compare import compare_builds


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    before, after = argv[0], argv[1]
    schemas = argv[2].split(",") if len(argv) == 3 else ["marts", "semantic", "intermediate"]
    compared, differences = compare_builds(before, after, [(schema, schema) for schema in schemas])
    for difference in differences:
        print(difference)
    print(f"{compared} relations compared, {len(differences)} differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
