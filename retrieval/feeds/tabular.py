"""CSV / TSV rows with their line numbers, for every tabular format (mapped CSV, Merchant Center TSV, Shopify).

The delimiter is sniffed from the header (a tab-separated header has more tabs than commas); a row with
more cells than the header has columns is reported and skipped; quoted cells may span lines, and the
line reported is the one where the row ends (as `csv.reader.line_num` counts).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from ..catalog import LoadReport, open_text

# Shopify's "Body (HTML)" holds whole product pages; the csv module's 128 KiB cell limit would stop an import.
MAX_CELL_CHARS = min(sys.maxsize, 2**31 - 1)


def sniff_delimiter(sample: str) -> str:
    first = sample.split("\n", 1)[0]
    return "\t" if first.count("\t") > first.count(",") else ","


def header_of(sample: str) -> list[str]:
    """The column names of a tabular file from its first few KiB ([] when there is no header line)."""
    rows = csv.reader(sample.splitlines()[:1], delimiter=sniff_delimiter(sample))
    return [c.strip() for c in next(rows, [])]


def iter_rows(path: str | Path, report: LoadReport) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(line number, {column: cell}) per data row; column names as in the header (stripped)."""
    if csv.field_size_limit() < MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)
    with open_text(path) as fh:
        sample = fh.read(4096)
        fh.seek(0)
        reader = csv.DictReader(fh, delimiter=sniff_delimiter(sample))
        if reader.fieldnames:
            reader.fieldnames = [str(c).strip() for c in reader.fieldnames]
        for row in reader:
            report.rows += 1
            line_no = reader.line_num
            if None in row:  # more cells than header columns
                report.error(line_no, f"{len(row[None]) + len(reader.fieldnames or [])} cells for "
                                      f"{len(reader.fieldnames or [])} columns")
                continue
            yield line_no, row
