"""HTML and CSS to an accessible PDF with WeasyPrint: tagged (PDF/UA-1), with a title and a language.

WeasyPrint tags the structure; a finisher then adds what a PDF/UA check found missing, on the objects before
they are written (no second pass over the file):
- every table header cell (TH) says its Scope (Column in a table head, Row elsewhere, as the HTML's scope says),
  and the IDs WeasyPrint gives header cells are listed in the structure tree's IDTree, so each data cell's
  Headers resolve;
- each chart is one Figure with its caption inside it: the <figcaption> is moved into the SVG's Figure;
- each link annotation is described by the link's own text (WeasyPrint writes its target, a slug).
"""

import gc
import html as html_module
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pydyf
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

PDF_VARIANT = "pdf/ua-1"
LINK = re.compile(r"<a\b[^>]*\bhref=\"([^\"]+)\"[^>]*>(.*?)</a>", re.S)
TAG = re.compile(r"<[^>]+>")


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """WeasyPrint builds hundreds of thousands of short-lived boxes; the cyclic collector walking them again and
    again costs about a sixth of a large report's time (measured with bench/reports_bench.py). The boxes are
    freed by reference counting as usual; only the cycle hunt waits until the document is written."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def link_texts(html: str) -> dict[str, str]:
    """Each link's target ("summary" for href="#summary", or the URL) and the words it shows."""
    texts: dict[str, str] = {}
    for href, inner in LINK.findall(html):
        words = " ".join(html_module.unescape(TAG.sub(" ", inner)).split())
        if words:
            texts.setdefault(href[1:] if href.startswith("#") else html_module.unescape(href), words)
    return texts


class _Tree:
    """The structure elements of a pydyf PDF, by object number, to mend the tags in place."""

    def __init__(self, pdf: pydyf.PDF):
        self.pdf = pdf

    def get(self, reference):
        if isinstance(reference, bytes):
            return self.pdf.objects[int(reference.split()[0])]
        return None

    def kids(self, element) -> list:
        return [kid for kid in (self.get(ref) for ref in element.get("K", [])) if isinstance(kid, dict)]

    def find(self, element, tag: str):
        for kid in self.kids(element):
            if kid.get("S") == tag:
                return kid
            found = self.find(kid, tag)
            if found is not None:
                return found
        return None


def _finish_tags(pdf: pydyf.PDF, texts: dict[str, str]) -> None:
    tree = _Tree(pdf)
    ids = []
    captions = []
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary):  # the dictionaries of a pydyf PDF, each with its reference
            continue
        tag = obj.get("S")
        if tag == "/TH":
            row = tree.get(obj.get("P"))
            group = tree.get(row.get("P")) if row is not None else None
            scope = "/Column" if group is not None and group.get("S") == "/THead" else "/Row"
            attributes = obj.get("A")
            if not isinstance(attributes, dict):
                attributes = pydyf.Dictionary({"O": "/Table"})
                obj["A"] = attributes
            attributes["Scope"] = scope
            if "ID" in obj:
                ids.append((obj["ID"].string, obj.reference))
        elif tag == "/Caption":
            parent = tree.get(obj.get("P"))
            if parent is not None and parent.get("S") != "/Table":
                captions.append((obj, parent))
        elif obj.get("Subtype") == "/Link" and "Contents" in obj:
            target = obj["Contents"].string
            if target in texts:
                obj["Contents"] = pydyf.String(texts[target])
    for caption, parent in captions:
        figure = tree.find(parent, "/Figure")
        if figure is None:
            continue
        parent["K"] = pydyf.Array([ref for ref in parent["K"] if ref != caption.reference])
        figure["K"] = pydyf.Array([caption.reference, *figure["K"]])
        caption["P"] = figure.reference
    if ids:
        root = pdf.objects[int(pdf.catalog["StructTreeRoot"].split()[0])]
        names = pydyf.Array()
        for key, reference in sorted(ids):
            names.extend([pydyf.String(key), reference])
        root["IDTree"] = pydyf.Dictionary({"Names": names})


def html_to_pdf(html: str) -> bytes:
    """The title comes from the document's <title>, the language from <html lang>: both required by PDF/UA."""
    texts = link_texts(html)
    with _without_cyclic_gc():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            pdf_variant=PDF_VARIANT, finisher=lambda document, pdf: _finish_tags(pdf, texts)
        )


def render_pdf(*, template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context))
