"""CSV and XLSX renderers: read back with the csv module and openpyxl."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from matchmaker.printing.tabular import UTF8_BOM, csv_stream, neutralise, xlsx_file

HEADER = ["Lote", "Productor", "Kg", "Nota"]
ROWS = [
    ["CC-001", "Asociación Ñuñu", 120, "Fermentación 6 días"],
    ["CC-002", '=HYPERLINK("http://evil.example","clic")', -3, "-1+2"],
    ["CC-003", "@SUM(A1:A9)", 2.5, "+51 999 888 777"],
    ["CC-004", "\tcmd", None, "línea 1\nlínea 2, con coma"],
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1d1+2", "'\uff1d1+2"),
    ],
)
def test_neutralise_prefixes_formula_like_strings(raw, expected):
    assert neutralise(raw) == expected


@pytest.mark.parametrize(
    "value",
    [
        "Cacao",
        "",
        "a=b",
        "correo@x.pe",
        " =1",
        -5,
        3.5,
        Decimal("-2.50"),
        0,
        None,
        date(2025, 7, 1),
    ],
)
def test_neutralise_keeps_safe_values_unchanged(value):
    result = neutralise(value)
    assert result == value
    assert type(result) is type(value)


def read_csv(chunks):
    """Join, encode as a web response would, and parse back."""
    payload = "".join(chunks).encode("utf-8")
    assert payload.startswith(b"\xef\xbb\xbf")
    return payload, list(csv.reader(io.StringIO(payload.decode("utf-8-sig"), newline="")))


def test_csv_round_trips_accents_and_neutralises_formulas():
    _, table = read_csv(csv_stream(HEADER, ROWS))
    assert table[0] == HEADER
    assert table[1] == ["CC-001", "Asociación Ñuñu", "120", "Fermentación 6 días"]
    assert table[2] == ["CC-002", '\'=HYPERLINK("http://evil.example","clic")', "-3", "'-1+2"]
    assert table[3] == ["CC-003", "'@SUM(A1:A9)", "2.5", "'+51 999 888 777"]
    assert table[4] == ["CC-004", "'\tcmd", "", "línea 1\nlínea 2, con coma"]
    assert len(table) == len(ROWS) + 1


def test_csv_neutralises_the_header_too():
    _, table = read_csv(csv_stream(["=cmd"], []))
    assert table == [["'=cmd"]]


def test_csv_uses_crlf_line_endings_for_excel():
    payload, _ = read_csv(csv_stream(["a", "b"], [[1, 2]]))
    assert payload == b"\xef\xbb\xbfa,b\r\n1,2\r\n"


def test_csv_supports_semicolon_for_spanish_locale_excel():
    payload = "".join(csv_stream(["Lote", "Precio"], [["CC-1", "3,50"]], delimiter=";"))
    table = list(csv.reader(io.StringIO(payload.removeprefix(UTF8_BOM)), delimiter=";"))
    assert payload.splitlines()[0] == UTF8_BOM + "Lote;Precio"
    assert table == [["Lote", "Precio"], ["CC-1", "3,50"]]


def test_csv_streams_one_row_per_chunk_without_reading_ahead():
    consumed = []

    def rows():
        for number in range(1000):
            consumed.append(number)
            yield [f"L-{number}", "Río"]

    stream = csv_stream(HEADER[:2], rows())
    assert next(stream) == UTF8_BOM
    assert next(stream) == "Lote,Productor\r\n"
    assert next(stream) == "L-0,Río\r\n"
    assert consumed == [0]


def load_sheet(content):
    workbook = load_workbook(io.BytesIO(content))
    return workbook, workbook.active


def test_xlsx_round_trips_values_and_neutralises_formulas():
    workbook, sheet = load_sheet(xlsx_file(HEADER, ROWS, "Lotes"))
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER
    assert values[1] == ["CC-001", "Asociación Ñuñu", 120, "Fermentación 6 días"]
    assert values[2] == ["CC-002", '\'=HYPERLINK("http://evil.example","clic")', -3, "'-1+2"]
    assert values[3] == ["CC-003", "'@SUM(A1:A9)", 2.5, "'+51 999 888 777"]
    assert values[4] == ["CC-004", "'\tcmd", None, "línea 1\nlínea 2, con coma"]
    # No cell may have become a formula, and numbers must stay numbers.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["C3"].data_type == "n"
    assert workbook.sheetnames == ["Lotes"]


def test_xlsx_header_is_bold_frozen_and_columns_are_sized():
    _, sheet = load_sheet(xlsx_file(HEADER, ROWS, "Lotes"))
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    # Column D holds "Fermentación 6 días" (19 characters), wider than its header.
    assert sheet.column_dimensions["D"].width >= 19
    assert sheet.column_dimensions["A"].width >= len("Lote")


def test_xlsx_keeps_every_row_past_the_width_sample():
    rows = ([f"L-{number}", number] for number in range(250))
    _, sheet = load_sheet(xlsx_file(["Lote", "N"], rows, "Muchos"))
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 251
    assert values[-1] == ("L-249", 249)


def test_xlsx_drops_control_characters_that_xml_forbids():
    _, sheet = load_sheet(xlsx_file(["Nota"], [["pegado\x0bdesde\x00PDF"]], "Notas"))
    assert sheet["A2"].value == "pegadodesdePDF"


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Leads: feria/2025", "Leads  feria 2025"), ("x" * 40, "x" * 31), ("[]", "Sheet")],
)
def test_xlsx_sheet_title_is_made_valid(title, expected):
    workbook, _ = load_sheet(xlsx_file(["a"], [], title))
    assert workbook.sheetnames == [expected]


def test_xlsx_writes_to_a_file_object():
    target = io.BytesIO()
    assert xlsx_file(["Productor"], [["Señora Añazco"]], "Lotes", output=target) is None
    _, sheet = load_sheet(target.getvalue())
    assert sheet["A2"].value == "Señora Añazco"


def test_xlsx_refuses_timezone_aware_datetimes_loudly():
    aware = datetime(2025, 7, 10, 9, 30, tzinfo=UTC)
    with pytest.raises(TypeError, match="timezone"):
        xlsx_file(["Hora"], [[aware]], "Agenda")


def test_xlsx_keeps_naive_datetimes_as_dates():
    _, sheet = load_sheet(xlsx_file(["Hora"], [[datetime(2025, 7, 10, 9, 30)]], "Agenda"))
    assert sheet["A2"].value == datetime(2025, 7, 10, 9, 30)
    assert sheet["A2"].is_date


def test_phone_numbers_in_e164_need_no_guard_but_anything_else_keeps_it():
    from matchmaker.printing.tabular import PhoneNumber

    assert neutralise(PhoneNumber("+51982000111")) == "+51982000111"
    assert neutralise(PhoneNumber("+1+1")) == "'+1+1"
    assert neutralise(PhoneNumber("+51 982 000 111 =cmd")) == "'+51 982 000 111 =cmd"
    _, sheet = load_sheet(xlsx_file(["Tel"], [[PhoneNumber("+4930123456")]], "T"))
    assert sheet["A2"].value == "+4930123456"
