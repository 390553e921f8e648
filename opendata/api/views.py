"""The public read API: anonymous, read-only, limited per client; the same selectors as the public pages.

Each answer is kept in the cache under the data version (loti/data_versions.py) and carries an ETag and
Last-Modified, so a client asking "changed since?" gets 304 until the data under it changes.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.selectors.plan import budget_plan, budget_years_with_lines
from loti.data_versions import data_version
from members.models import Organisation
from projects.models import Pillar, Workstream
from projects.selectors import project_detail_queryset, project_directory

from ..grants import LICENCE_URL, grants_package
from ..selectors import published_budgets
from . import serializers as s

NOT_FOUND = OpenApiResponse(s.ErrorSerializer, description="No such thing public")
TOO_MANY = OpenApiResponse(s.ErrorSerializer, description="Too many requests from this client: wait and ask again")
BAD_FILTER = OpenApiResponse(OpenApiTypes.OBJECT, description="A filter is not valid: each field names its problem")


class Pages(PageNumberPagination):
    page_size = 20
    max_page_size = 20


class PublicApiView(APIView):
    # GET only; the answer's data cached under the data version, with an ETag. (No docstring: the schema would show it.)
    http_method_names = ["get", "head", "options"]

    def cached(self, request, build):
        version = data_version()
        key = f"loti:api:{version['token']}:{hashlib.sha256(request.get_full_path().encode()).hexdigest()}"
        entry = cache.get(key)
        if entry is None:
            data = build()
            body = json.dumps(data, sort_keys=True, default=str).encode()
            entry = {"data": data, "etag": f'"{hashlib.sha256(body).hexdigest()[:32]}"'}
            cache.set(key, entry, 24 * 60 * 60)
        self.etag, self.changed_at = entry["etag"], version["at"]
        return Response(entry["data"])

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "etag", None) and response.status_code == 200:
            response["ETag"] = self.etag
            response["Last-Modified"] = http_date(self.changed_at.timestamp())
            patch_cache_control(response, public=True, no_cache=True)
            conditional = get_conditional_response(
                request, etag=self.etag, last_modified=int(self.changed_at.timestamp()), response=response
            )
            if conditional is not response:
                return conditional
        return response


class ProjectListView(PublicApiView):
    @extend_schema(
        operation_id="projects_list",
        summary="Every public project, with the directory's filters, search and pages (20 a page)",
        parameters=[s.ProjectFilters],
        description="The projects the public directory lists (never a draft), in title order. A pillar, workstream or "
        "borough that does not exist, or a page past the last, answers 404.",
        responses={200: s.ProjectPage, 400: BAD_FILTER, 404: NOT_FOUND, 429: TOO_MANY},
    )
    def get(self, request):
        # A plain dict: from a QueryDict, DRF would take an empty filter (?pillar=) as no filter rather than refuse it.
        filters = s.ProjectFilters(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        chosen = dict(filters.validated_data)
        chosen.pop("page", None)
        lookups = {"pillar": (Pillar, "slug"), "workstream": (Workstream, "slug"), "borough": (Organisation, "gss_code")}
        for name, (model, field) in lookups.items():
            if name in chosen:
                found = model._default_manager.filter(**{field: chosen[name]}).first()
                if found is None:  # well formed, but nothing by that name: not found, as for one project
                    raise NotFound(f"No {name} is {chosen[name]!r}.")
                chosen[name] = found

        def build():
            pages = Pages()
            projects = pages.paginate_queryset(project_directory(user=AnonymousUser(), **chosen), request, view=self)
            return pages.get_paginated_response(s.ProjectSummarySerializer(projects, many=True).data).data

        return self.cached(request, build)


class ProjectDetailView(PublicApiView):
    @extend_schema(
        operation_id="project_retrieve", summary="One public project", responses={200: s.ProjectSerializer, 404: NOT_FOUND, 429: TOO_MANY}
    )
    def get(self, request, slug: str):
        def build():
            project = project_detail_queryset(user=AnonymousUser()).filter(slug=slug).first()
            if project is None:
                raise NotFound("No public project has that slug.")
            return s.ProjectSerializer(project).data

        return self.cached(request, build)


class GrantsView(PublicApiView):
    @extend_schema(
        operation_id="grants_list",
        summary="The grants LOTI makes, as 360Giving grants (the same as /open-data/360giving.json)",
        responses={200: s.GrantsSerializer, 429: TOO_MANY},
    )
    def get(self, request):
        def build():
            result = grants_package()
            return {
                "grants": result.grants,
                "license": LICENCE_URL,
                "left_out": [{"title": title, "reason": why} for title, why in result.left_out],
            }

        return self.cached(request, build)


class BudgetYearsView(PublicApiView):
    @extend_schema(
        operation_id="budget_years",
        summary="The years with a published budget",
        responses={200: s.BudgetYearLink(many=True), 429: TOO_MANY},
    )
    def get(self, request):
        def build():
            return [
                {"year": plan["year"], "api_url": s.absolute(f"/api/budget/{plan['year'].replace('/', '-')}/")}
                for plan in published_budgets()
            ]

        return self.cached(request, build)


class BudgetYearView(PublicApiView):
    @extend_schema(
        operation_id="budget_year",
        summary="One year's published budget (the plan): year written 2020-21",
        responses={200: s.BudgetYearSerializer, 404: NOT_FOUND, 429: TOO_MANY},
    )
    def get(self, request, year: str):
        def build():
            if settings.PUBLISH_BUDGET_SUMMARY:
                for held in budget_years_with_lines():
                    if held.label == year.replace("-", "/"):
                        return budget_plan(year=held).as_json()
            raise NotFound("No budget is published for that year.")

        return self.cached(request, build)


class StrategyView(PublicApiView):
    @extend_schema(
        operation_id="strategy",
        summary="LOTI's strategy: pillars with their objectives and workstreams",
        responses={200: s.StrategySerializer, 429: TOO_MANY},
    )
    def get(self, request):
        def build():
            pillars = Pillar.objects.prefetch_related("workstreams").order_by("position", "name")
            others = Workstream.objects.filter(pillar__isnull=True).order_by("position", "name")
            return s.StrategySerializer({"pillars": pillars, "other_workstreams": others}).data

        return self.cached(request, build)


class NotFoundView(PublicApiView):
    """Any other address under /api/: a JSON 404, like every other answer of the API."""

    schema = None  # not an operation of the API

    def get(self, request, *args, **kwargs):
        raise NotFound("No such address in the API: see /api/docs/.")
