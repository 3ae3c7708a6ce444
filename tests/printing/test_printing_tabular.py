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


# The workbook is written by printing/xlsx.py, a small streaming writer: everything it can
# get wrong (types, positions, escaping, limits) is read back here with openpyxl.

def test_xlsx_cells_keep_their_types_and_their_columns():
    row = [date(2026, 5, 14), datetime(1999, 12, 31, 23, 59, 30), Decimal("9500.25"), True,
           False, 12345678901234, None, "00123", "", 0, -0.5]
    _, sheet = load_sheet(xlsx_file([f"c{n}" for n in range(len(row))], [row], "Tipos"))
    cells = sheet[2]
    assert cells[0].value == datetime(2026, 5, 14) and cells[0].is_date
    assert cells[0].number_format == "yyyy\\-mm\\-dd"
    assert cells[1].value == datetime(1999, 12, 31, 23, 59, 30) and cells[1].is_date
    assert cells[2].value == 9500.25 and cells[2].data_type == "n"
    assert cells[3].value is True and cells[4].value is False
    assert cells[5].value == 12345678901234
    assert cells[6].value is None and cells[8].value is None
    assert cells[7].value == "00123" and cells[7].data_type == "s"  # text stays text
    assert cells[9].value == 0 and cells[10].value == -0.5
    # After empty cells the next ones are still in their own columns.
    _, sparse = load_sheet(xlsx_file(["a", "b", "c"], [[None, None, "c only"]], "S"))
    assert [c.value for c in sparse[2]] == [None, None, "c only"]


def test_xlsx_text_is_escaped_kept_verbatim_and_cut_at_excels_limit():
    texts = ["<b>Fino & Aroma</b> \"1\" 'x'", "  spaces kept  ", "_x0041_ stays literal",
             "línea 1\nlínea 2", "x" * 40_000, "]]>", "emoji 🍫"]
    workbook, sheet = load_sheet(xlsx_file(["T"], [[text] for text in texts], 'A&B "<1>"'))
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[:2] == texts[:2] and values[3] == texts[3]
    # Excel reads "_x0041_" as an escaped "A": the literal is stored escaped itself
    # ("_x005F_" is "_"), which openpyxl leaves as stored and Excel shows as typed.
    assert values[2] == "_x005F_x0041_ stays literal"
    assert values[4] == "x" * 32_767
    assert values[5:] == texts[5:]
    assert workbook.sheetnames == ['A&B "<1>"']


def test_xlsx_header_is_neutralised_and_rows_may_be_longer_than_it():
    _, sheet = load_sheet(xlsx_file(["=cmd", "ok"], [["a", "b", "extra"]], "H"))
    assert sheet["A1"].value == "'=cmd" and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == ["a", "b", "extra"]


def test_xlsx_refuses_what_a_cell_cannot_hold():
    with pytest.raises(TypeError, match="NaN"):
        xlsx_file(["n"], [[float("nan")]], "N")
    with pytest.raises(TypeError, match="object"):
        xlsx_file(["o"], [[object()]], "O")


def test_xlsx_is_a_complete_package_every_reader_finds():
    import zipfile

    content = xlsx_file(HEADER, ROWS, "Lotes")
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert package.testzip() is None
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                "xl/worksheets/sheet1.xml"} <= set(package.namelist())
        import xml.dom.minidom

        for name in package.namelist():  # every part is well-formed XML
            xml.dom.minidom.parseString(package.read(name))  # noqa: S318 - our own output
    # Streamed, the sheet has no <dimension> (optional): readers count the rows.
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert len(list(workbook.active.iter_rows(values_only=True))) == len(ROWS) + 1
    workbook.close()
