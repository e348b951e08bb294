"""Reading an object file into an all-string pandas frame for the suite: the contract's columns
(API names), values trimmed, blanks and the literal 'null' read as null (as the staging macros
do), rows numbered from 1, the first `sample_rows` rows only; malformed CSV lines counted."""

from __future__ import annotations

import csv
import warnings
from typing import TYPE_CHECKING

from revops_kpis.export_checks._preflight import ExportError, ExportFile, first_positions

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

NULL_TOKENS = frozenset({"", "null"})  # compared after strip().lower()


def _normalise_nulls(frame: pd.DataFrame) -> pd.DataFrame:
    """Trim values; blanks and the literal 'null' (any case) become null (as clean_string)."""
    for col in frame.columns:
        s = frame[col].str.strip()
        frame[col] = s.mask(s.isna() | s.str.lower().isin(NULL_TOKENS))
    return frame


def _read_csv_frame(
    ef: ExportFile, encoding: str, nrows: int
) -> tuple[pd.DataFrame, list[int]]:
    """All-string frame of the contract columns (API names); file lines of malformed rows.

    All columns are parsed (pandas only detects rows with too many fields when it parses every
    column), then the columns outside the contract are dropped at once.
    """
    import pandas as pd

    path = ef.read_path or ef.path
    header = ef.header
    if path != ef.path:  # a prepared copy (UTF-8, the contract's columns only)
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        encoding = "utf-8"
    elif not encoding.startswith(("utf-16", "utf-32")):
        encoding = "utf-8-sig"  # a file read where it is is UTF-8 (else it gets a copy)
    names = [f"c{i}" for i in range(len(header))]
    first = first_positions(header)  # a repeated header: the first one is read
    keep = {f"c{first[h]}": api for api, h in ef.columns.items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = pd.read_csv(
            path,
            sep=",",
            quotechar='"',
            doublequote=True,
            header=0,
            names=names,
            index_col=False,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding=encoding,
            compression=ef.compression if path == ef.path else None,
            on_bad_lines="warn",
            nrows=nrows,
            engine="c",
        )
    bad_lines: list[int] = []
    for w in caught:
        if issubclass(w.category, pd.errors.ParserWarning):
            for part in str(w.message).splitlines():
                if part.startswith("Skipping line "):
                    try:
                        bad_lines.append(int(part.split()[2].rstrip(":")))
                    except ValueError:
                        pass
    frame = frame[list(keep)].rename(columns=keep)
    return frame, bad_lines


def _read_parquet_frame(ef: ExportFile, nrows: int) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    wanted = list(ef.columns.values())
    pf = pq.ParquetFile(ef.path)
    batches, got = [], 0
    for batch in pf.iter_batches(batch_size=65_536, columns=wanted):
        batches.append(batch)
        got += batch.num_rows
        if got >= nrows:
            break
    schema = pf.schema_arrow
    table = (
        pa.Table.from_batches(batches)
        if batches
        else pa.table({n: pa.array([], schema.field(n).type) for n in wanted})
    ).slice(0, nrows)
    cols = {}
    for api, header in ef.columns.items():
        arr = table.column(header)
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            try:
                arr = pc.cast(arr, pa.string())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                arr = pa.chunked_array(
                    [pa.array([None if v is None else str(v) for v in arr.to_pylist()], pa.string())]
                )
        cols[api] = arr
    import pandas as pd

    frame = pa.table(cols).to_pandas() if cols else pd.DataFrame(index=range(table.num_rows))
    return frame.astype({c: str for c in frame.columns}) if len(frame.columns) else frame


def _read_frame(
    ef: ExportFile, encoding: str, sample_rows: int
) -> tuple[pd.DataFrame, list[int], bool]:
    """(frame, malformed CSV lines, sampled) for the first sample_rows rows."""
    import pandas as pd

    if ef.empty:
        return pd.DataFrame(), [], False
    try:
        if ef.format == "parquet":
            frame, bad = _read_parquet_frame(ef, sample_rows + 1), []
        else:
            frame, bad = _read_csv_frame(ef, encoding, sample_rows + 1)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
        detail = str(exc).strip().replace("\n", " ")[:300]
        raise ExportError(
            f"{ef.name}: the {ef.object_name} file cannot be parsed past its header "
            f"({type(exc).__name__}: {detail}). This usually means an unclosed double quote "
            f"or a damaged file; fix or re-export the file (comma-separated, fields with commas, "
            f"quotes or line breaks enclosed in double quotes, quotes doubled inside them).",
            [ef.path],
        ) from None
    sampled = len(frame) > sample_rows
    frame = frame.iloc[:sample_rows].copy()
    frame = _normalise_nulls(frame)
    frame.index = pd.RangeIndex(1, len(frame) + 1)  # row numbers: 1 = first data row
    return frame, bad, sampled
