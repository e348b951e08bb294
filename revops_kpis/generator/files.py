"""Writing rendered columns: the output folder, CSV with minimal quoting, Parquet with
string columns, in chunks of `CHUNK_ROWS` rows."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from revops_kpis.generator.values import _join


CHUNK_ROWS = 250_000


_QUOTE_RE = r'[,"\r\n]|^\s|\s$'


def _csv_field(col: pa.Array) -> pa.Array:
    """Minimal quoting: quote values containing a comma, quote, line break or leading /
    trailing blank, and the explicit empty string; nulls become empty fields."""
    needs = pc.fill_null(pc.or_kleene(pc.match_substring_regex(col, _QUOTE_RE), pc.equal(col, "")), False)
    if not pc.any(needs).as_py():
        return pc.fill_null(col, "")
    quoted = _join(pa.scalar('"'), pc.replace_substring(col, '"', '""'), pa.scalar('"'))
    return pc.fill_null(pc.if_else(needs, quoted, col), "")


def _csv_bytes(table: pa.Table) -> bytes:
    cols = [_csv_field(c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c) for c in table.columns]
    lines = pc.binary_join_element_wise(*cols, ",")
    lines = pc.binary_join_element_wise(lines, pa.scalar(""), "\n")
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    offsets = np.frombuffer(lines.buffers()[1], np.int32)[lines.offset : lines.offset + len(lines) + 1]
    data = lines.buffers()[2]
    return memoryview(data)[offsets[0] : offsets[-1]].tobytes()


def _to_table(columns: list[str], data: dict[str, pa.Array], n_rows: int, warn: Callable[[str], None]) -> pa.Table:
    arrays = []
    for col in columns:
        if col in data:
            arr = data[col]
        else:
            warn(f"generator has no values for column {col!r}; written blank")
            arr = pa.nulls(n_rows, pa.string())
        arrays.append(arr.cast(pa.string()))
    return pa.Table.from_arrays(arrays, names=columns)


class _Writer:
    def __init__(self, path: Path, columns: list[str], fmt: str):
        self.path, self.columns, self.fmt = path, columns, fmt
        if fmt == "csv":
            self.fh = open(path, "wb")
            self.fh.write((",".join(columns) + "\n").encode("utf-8"))
        else:
            schema = pa.schema([(c, pa.string()) for c in columns])
            self.pq = pq.ParquetWriter(path, schema, compression="snappy")

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        if self.fmt == "csv":
            self.fh.write(_csv_bytes(table))
        else:
            self.pq.write_table(table)

    def close(self) -> None:
        if self.fmt == "csv":
            self.fh.close()
        else:
            self.pq.close()


def output_folder(out_dir) -> Path:
    """The output folder, created when missing (ValueError when the path is a file)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"output path {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    return out
