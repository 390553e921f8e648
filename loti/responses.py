"""Every PDF the portal serves (invoices, credit notes, the CELC reports) goes out through pdf_response."""

from typing import IO

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def pdf_response(content: bytes | IO[bytes], *, filename: str, inline: bool = False) -> HttpResponse | FileResponse:
    """A PDF made now (bytes) or kept in storage (an open file), with its file name; saved by the browser unless
    `inline` (shown in the tab, as the admin's invoice preview is)."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
        return response
    return FileResponse(content, content_type="application/pdf", as_attachment=not inline, filename=filename)
