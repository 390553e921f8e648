"""The budget report's PDF as PDF/UA asks: header cells with Scope (and an IDTree for Headers), each chart a Figure
with its caption inside, links described by their text; page 1 the summary, not a cover."""

import io
from typing import Any

import pytest
from pypdf import PdfReader

from budget.reports.documents import report_output
from tests.reports.pdf_reading import pdf_text


@pytest.fixture
def pdf(books) -> bytes:
    return report_output(kind="budget", year=books.year, fmt="pdf", notes="CELC is asked to note the position.")


def elements(reader: PdfReader) -> list:
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get") or "/S" not in node:
            return
        found.append(node)
        kids = node.get("/K")
        if kids is not None and not isinstance(kids, int):
            walk(kids)

    root: Any = reader.trailer["/Root"]  # pypdf types every level as a bare PdfObject
    walk(root["/StructTreeRoot"]["/K"])
    return found


def test_header_cells_say_their_scope_and_data_cells_find_them(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    tagged = elements(reader)
    headers = [e for e in tagged if e["/S"] == "/TH"]
    assert headers and all(e["/A"]["/Scope"] in ("/Column", "/Row") for e in headers)
    assert {e["/A"]["/Scope"] for e in headers} == {"/Column", "/Row"}
    root: Any = reader.trailer["/Root"]  # pypdf types every level as a bare PdfObject
    id_tree = root["/StructTreeRoot"]["/IDTree"]["/Names"]
    known = {str(id_tree[i]) for i in range(0, len(id_tree), 2)}
    cells = [e for e in tagged if e["/S"] == "/TD" and e["/A"].get("/Headers")]
    assert cells and all(str(header) in known for cell in cells for header in cell["/A"]["/Headers"])


def test_each_chart_is_a_figure_with_its_caption_inside(pdf):
    figures = [e for e in elements(PdfReader(io.BytesIO(pdf))) if e["/S"] == "/Figure"]
    assert len(figures) == 5
    for figure in figures:
        kids = [kid.get_object() for kid in figure["/K"] if not isinstance(kid, int)]
        assert [kid["/S"] for kid in kids][:1] == ["/Caption"], figure.get("/Alt")
        assert str(figure["/Alt"]).startswith("Bar chart")


def test_links_are_described_by_their_text(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    contents = [
        str(annotation.get_object()["/Contents"])
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object()["/Subtype"] == "/Link"
    ]
    assert "1. Plan, actual and forecast by line" in contents
    assert not any(text in ("variance", "budget", "summary", "trend") for text in contents)


def test_page_one_is_the_summary_ceLC_reads(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0].extract_text()
    for words in (
        "Annual Budget Report",
        "Purpose",
        "Income recorded",
        "Spending recorded",
        "Forecast outturn",
        "Key messages",
        "Borough Contributions are £22,500 above plan",
        "CELC is asked to note the position.",
    ):
        assert words in first, words
    assert "£167,346" in first and "£55,096" in first and "£101,346" in first  # income, balance, forecast outturn
    text = pdf_text(pdf)
    assert "No commentary yet on this variance." in text
    assert "61–90 days" in text and "Smarter London" in text and "GLA grant" in text
