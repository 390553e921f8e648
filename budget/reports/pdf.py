"""HTML and CSS to an accessible PDF with WeasyPrint: tagged (PDF/UA-1), with a title and a language."""
import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

PDF_VARIANT = "pdf/ua-1"


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


def html_to_pdf(html: str) -> bytes:
    """The title comes from the document's <title>, the language from <html lang>: both required by PDF/UA."""
    with _without_cyclic_gc():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(*, template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context))
