"""The read floor: DuckDB reading every file of an export once into a table.

    python -m revops_kpis.benchmark.floor EXPORT_DIR DUCKDB_FILE

Every column is read as text, as the project's landing reads it; the time this takes is
the least any build of the export can cost."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb


def read_floor(export: Path, database: Path) -> dict[str, float]:
    con = duckdb.connect(str(database))
    seconds = {}
    for path in sorted(export.iterdir()):
        if path.name.startswith("_"):
            continue
        if path.name.endswith(".parquet"):
            reader = f"read_parquet('{path}')"
        elif path.name.endswith((".csv", ".csv.gz")):
            reader = f"read_csv('{path}', all_varchar = true, header = true)"
        else:
            continue
        started = time.perf_counter()
        con.execute(f'create table "{path.name.split(".")[0]}" as select * from {reader}')
        seconds[path.name] = round(time.perf_counter() - started, 2)
    con.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    for name, seconds in read_floor(Path(args[0]), Path(args[1])).items():
        print(f"{name:40} {seconds:8.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
