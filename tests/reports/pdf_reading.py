"""Reading a produced PDF back: its text, and its tags (the structure tree PDF/UA asks for)."""

import io
import re
from typing import Any

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def plain_amounts(text: str) -> str:
    """£1,000,000.00 -> 1000000.00, so the PDF can be compared with the JSON."""
    return re.sub(r"£([\d,]+\.\d\d)", lambda m: m.group(1).replace(",", ""), text)


def structure(content: bytes) -> tuple[PdfReader, list[dict]]:
    """Every structure element in reading order: its tag (S) and, for figures, its Alt."""
    reader = PdfReader(io.BytesIO(content))
    root: Any = reader.trailer["/Root"]  # pypdf types every level as a bare PdfObject
    elements: list[dict] = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get") or node.get("/Type") == "/MCR" or "/S" not in node:
            return
        elements.append({"tag": node["/S"], "alt": node.get("/Alt")})
        kids = node.get("/K")
        if kids is not None and not isinstance(kids, int):
            walk(kids)

    walk(root["/StructTreeRoot"]["/K"])
    return reader, elements
