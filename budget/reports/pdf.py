"""HTML and CSS to an accessible PDF with WeasyPrint: tagged (PDF/UA-1), with a title and a language."""
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """The title comes from the document's <title>, the language from <html lang>: both required by PDF/UA."""
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(*, template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context))
