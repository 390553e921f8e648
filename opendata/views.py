"""/open-data/: every open dataset with its licence, format, size and last change; the files themselves."""

from collections.abc import Iterator
from typing import cast

from django.core.cache import cache
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from loti.data_versions import data_changed_at, data_version_token
from loti.public_cache import TIMEOUT, public_cached
from members.register_views import PublicRegisterCsvView

from .grants import LICENCE_NAME, LICENCE_URL, grants_package
from .selectors import OPEN_FILES, open_file


def _built_once(name: str, build):
    """What `build` gives, made once per data version and kept: the list of files and the files themselves (for
    everyone, signed in or not) share one build, which at ten times London's scale takes seconds."""
    key = f"loti:open-data:{data_version_token()}:{name}"
    kept = cache.get(key)
    if kept is None:
        kept = {"value": build()}
        cache.set(key, kept, TIMEOUT)
    return kept["value"]


def _file_text(item) -> str | None:
    return _built_once(f"file:{item.name}", item.build)


def _register_csv_size(request) -> int:
    response = PublicRegisterCsvView.as_view()(request)
    assert isinstance(response, StreamingHttpResponse)  # the register's CSV is streamed, by a sync iterator
    return sum(len(chunk) for chunk in cast(Iterator[bytes], response.streaming_content))


def _grants_summary() -> tuple[list[tuple[str, str]], int]:
    grants = grants_package()
    return grants.left_out, len(grants.grants)


@require_safe
@public_cached
def index(request):
    changed = data_changed_at()
    datasets = []
    for item in OPEN_FILES:
        text = _file_text(item)
        if text is None:
            continue
        datasets.append(
            {
                "title": item.title,
                "url": reverse("opendata:file", args=[item.name]),
                "format": item.format,
                "size": len(text.encode()),
                "modified": changed,
                "about": item.about,
            }
        )
    datasets.append(
        {
            "title": "The technology and contracts register",
            "url": reverse("register:public_csv"),
            "format": "CSV",
            "size": _built_once("register-size", lambda: _register_csv_size(request)),
            "modified": changed,
            "about": "The systems London's boroughs run: service area, product, supplier and when the contract ends, so suppliers can see what is coming up.",
        }
    )
    left_out, grant_count = _built_once("grants-summary", _grants_summary)
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": datasets,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "left_out": left_out,
            "grant_count": grant_count,
            "changed": changed,
        },
    )


@require_safe
@public_cached
def open_file_view(request, name: str):
    item = open_file(name)
    text = _file_text(item) if item else None
    if item is None or text is None:
        raise Http404("No such open dataset, or nothing to publish in it yet")
    response = HttpResponse(text.encode(), content_type=item.media_type)
    response["Content-Disposition"] = f'inline; filename="loti-{name}"'  # inline: an attachment is marked private
    return response
