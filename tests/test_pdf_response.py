"""One helper serves every PDF (loti.responses.pdf_response): its type and file name are said the same way everywhere."""

import ast
import io
from pathlib import Path

from loti.responses import pdf_response

ROOT = Path(__file__).resolve().parent.parent


def test_a_pdf_made_now_is_saved_or_shown_with_its_name():
    saved = pdf_response(b"%PDF-1.7 test", filename="INV-2020-21-0001.pdf")
    shown = pdf_response(b"%PDF-1.7 test", filename="INV-2020-21-0001.pdf", inline=True)
    assert saved["Content-Type"] == shown["Content-Type"] == "application/pdf"
    assert saved["Content-Disposition"] == 'attachment; filename="INV-2020-21-0001.pdf"'
    assert shown["Content-Disposition"] == 'inline; filename="INV-2020-21-0001.pdf"'
    assert saved.content == b"%PDF-1.7 test"


def test_a_kept_pdf_streams_with_its_name():
    response = pdf_response(io.BytesIO(b"%PDF-1.7 kept"), filename="LOTI Budget report 2020-21.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="LOTI Budget report 2020-21.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.7 kept"  # type: ignore[arg-type]


def test_no_view_builds_a_pdf_response_itself():
    builders = []
    for app in ["loti", "members", "projects", "budget", "opendata"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "loti/responses.py" or "/migrations/" in relative:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                if getattr(node.func, "id", getattr(node.func, "attr", "")) in ("HttpResponse", "FileResponse") and any(
                    isinstance(k.value, ast.Constant) and k.value.value == "application/pdf" for k in node.keywords
                ):
                    builders.append(f"{relative}:{node.lineno}")
    assert builders == [], "Serve a PDF with loti.responses.pdf_response"
