"""Decode a CSV or XLSX registration sheet into a header and rows of strings.

CSV as spreadsheets export it: UTF-8 with or without a BOM, else Windows-1252 (Excel on
Windows); comma, semicolon (Excel in Spanish) or tab separated. XLSX through openpyxl in
read-only mode; a workbook with formulas is refused, because an import takes values, and a
formula's cached value may be stale or absent.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from matchmaker.lotsheet.vocab import N_

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60


class TableProblem(Exception):
    """A file that cannot be imported: a stable `code`, an untranslated message, parameters."""

    def __init__(self, code: str, message: str, **params) -> None:
        super().__init__(message % params if params else message)
        self.code, self.message, self.params = code, message, params


@dataclass(frozen=True)
class Table:
    """The sheet's header and data rows (empty rows dropped), all as stripped strings."""

    headers: list[str]
    rows: list[list[str]]
    encoding: str  # "utf-8", "utf-8-sig", "cp1252" or "xlsx"

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.headers, row, strict=False)) for row in self.rows]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page; cp1252 decodes every byte
        # that matters for Spanish names (á é í ó ú ñ ü ¿ ¡).
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as error:
            raise TableProblem("bad_encoding", N_("The file's characters cannot be read. Save "
                                                  "it as CSV UTF-8 and try again.")) from error


def _read_csv(data: bytes) -> tuple[list[list[str]], str]:
    if b"\x00" in data[:4096]:
        raise TableProblem("wrong_type", N_("This is not a CSV or XLSX file."))
    text, encoding = _decode(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append([cell.strip() for cell in row])
        if len(rows) > MAX_ROWS + 1:
            break
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if cell.startswith("="):
                raise TableProblem("formulas", N_("The file contains a formula (row %(row)d, "
                                                  "column %(column)d). Export the values only "
                                                  "and try again."), row=r, column=c + 1)
    return rows, encoding


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise TableProblem("wrong_type", N_("This XLSX file cannot be opened.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for r, row in enumerate(sheet.iter_rows(), start=1):
            values = []
            for c, cell in enumerate(row):
                if cell.data_type == "f":
                    raise TableProblem("formulas", N_("The file contains a formula (row "
                                                      "%(row)d, column %(column)d). Export the "
                                                      "values only and try again."),
                                       row=r, column=c + 1)
                values.append(_text(cell.value))
            rows.append(values)
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_table(filename: str, data: bytes) -> Table:
    """The sheet in `data` (named `filename`) as a `Table`.

    Raises:
        TableProblem: ``too_large``, ``wrong_type``, ``bad_encoding``, ``formulas``,
            ``empty``, ``no_header``, ``too_many_rows``, ``too_many_columns``.
    """
    if len(data) > MAX_BYTES:
        raise TableProblem("too_large", N_("The file is larger than %(mb)d MB."),
                           mb=MAX_BYTES // (1024 * 1024))
    name = filename.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if name.endswith(".xlsx") or is_zip:
        if not (is_zip and zipfile.is_zipfile(io.BytesIO(data))):
            raise TableProblem("wrong_type", N_("This XLSX file cannot be opened."))
        rows, encoding = _read_xlsx(data), "xlsx"
    elif name.endswith((".csv", ".txt")):
        rows, encoding = _read_csv(data)
    else:
        raise TableProblem("wrong_type", N_("Upload a CSV or XLSX file."))
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise TableProblem("empty", N_("The file is empty."))
    headers = rows[0]
    if not any(headers):
        raise TableProblem("no_header", N_("The first row must name the columns."))
    if len(headers) > MAX_COLUMNS:
        raise TableProblem("too_many_columns", N_("The file has more than %(n)d columns."),
                           n=MAX_COLUMNS)
    data_rows = rows[1:]
    if not data_rows:
        raise TableProblem("empty", N_("The file has column names but no rows."))
    if len(data_rows) > MAX_ROWS:
        raise TableProblem("too_many_rows", N_("The file has more than %(n)d rows; split it "
                                               "into smaller files."), n=MAX_ROWS)
    width = len(headers)
    padded = [(row + [""] * width)[:width] for row in data_rows]
    return Table(headers=[h.strip() for h in headers], rows=padded, encoding=encoding)
