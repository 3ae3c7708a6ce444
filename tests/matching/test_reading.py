"""Reading registration sheets on plain bytes: encodings, separators, and bad files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from matchmaker.importing.fields import guess_mapping, normalise_header
from matchmaker.importing.reading import MAX_ROWS, TableProblem, read_table

FILES = Path(__file__).parent / "files"


def test_a_csv_with_a_bom_keeps_its_accents():
    table = read_table("buyers_bom.csv", (FILES / "buyers_bom.csv").read_bytes())
    assert table.encoding == "utf-8-sig"
    assert table.headers[0] == "Nombres y apellidos"  # no stray BOM in the first header
    assert table.rows[0][0] == "Íñigo Peña" and table.rows[1][2] == "Müller Kakao GmbH"


def test_a_windows_1252_csv_reads_the_same():
    bom = read_table("a.csv", (FILES / "buyers_bom.csv").read_bytes())
    ansi = read_table("b.csv", (FILES / "buyers_cp1252.csv").read_bytes())
    assert ansi.encoding == "cp1252"
    assert ansi.rows == bom.rows and ansi.headers == bom.headers


def test_semicolon_and_comma_separated_files():
    table = read_table("x.csv", b"name,email\nAna,ana@x.example\n")
    assert table.rows == [["Ana", "ana@x.example"]]


def test_an_xlsx_file():
    table = read_table("exhibitors.xlsx", (FILES / "exhibitors.xlsx").read_bytes())
    assert table.encoding == "xlsx"
    assert table.rows[0][:2] == ["Asociación Cacao Ñuñoa", "20601234561"]


@pytest.mark.parametrize(("name", "data", "code"), [
    ("formula.xlsx", (FILES / "formula.xlsx").read_bytes(), "formulas"),
    ("x.csv", b"name,email\n=HYPERLINK(\"http://x\"),a@b.example\n", "formulas"),
    ("x.csv", b"", "empty"),
    ("x.csv", b"name,email\n", "empty"),
    ("x.pdf", b"%PDF-1.4 whatever", "wrong_type"),
    ("x.xlsx", b"not a zip at all", "wrong_type"),
    ("x.csv", b"\x00\x01\x02binary", "wrong_type"),
    ("x.csv", b"a" * (5 * 1024 * 1024 + 1), "too_large"),
])
def test_bad_files_get_a_coded_answer(name, data, code):
    with pytest.raises(TableProblem) as caught:
        read_table(name, data)
    assert caught.value.code == code


def test_ten_thousand_rows_are_refused():
    body = "name,email\n" + "".join(f"P{n},p{n}@x.example\n" for n in range(10_000))
    with pytest.raises(TableProblem) as caught:
        read_table("big.csv", body.encode())
    assert caught.value.code == "too_many_rows" and caught.value.params["n"] == MAX_ROWS


def test_a_workbook_of_ten_thousand_rows_is_refused_too():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "email"])
    for n in range(10_000):
        sheet.append([f"P{n}", f"p{n}@x.example"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(TableProblem) as caught:
        read_table("big.xlsx", buffer.getvalue())
    assert caught.value.code == "too_many_rows"


def test_headers_are_guessed_in_spanish_and_english():
    headers = ["Nombres y apellidos", "Correo electrónico:", "Empresa", "País"]
    assert guess_mapping("buyers", headers) == {
        "name": "Nombres y apellidos", "email": "Correo electrónico:", "company": "Empresa",
        "country": "País"}
    assert normalise_header("  Correo ELECTRÓNICO: ") == "correo electronico"


def test_a_remembered_mapping_wins_while_its_columns_exist():
    headers = ["Contact", "Mail address", "Firm", "Land"]
    remembered = {"name": "Contact", "email": "Mail address", "company": "Firm",
                  "country": "Land", "phone": "Gone"}
    assert guess_mapping("buyers", headers, remembered) == {
        "name": "Contact", "email": "Mail address", "company": "Firm", "country": "Land"}
