"""The portal's URLs plus the two bench-only views: a bare view (the baseline) and a write endpoint (fault runs)."""

import uuid

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from loti.models import ImportRecord
from loti.urls import urlpatterns as portal_urlpatterns

BARE_PATH = "/bench/bare/"
WRITE_PATH = "/bench/write/"


def bare(request):
    """The least a Django view can do, through the same middleware: the ceiling for every page."""
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def write(request):
    """One acknowledged write: answers 200 only after the row is committed."""
    token = request.POST.get("token") or uuid.uuid4().hex
    with transaction.atomic():
        record = ImportRecord.objects.create(kind="bench-write", filename=token, sha256=token[:64], via="command")
    return JsonResponse({"id": record.pk, "token": token})


urlpatterns = [
    path(BARE_PATH.lstrip("/"), bare, name="bench-bare"),
    path(WRITE_PATH.lstrip("/"), write, name="bench-write"),
    *portal_urlpatterns,
]
