from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

# Any value (even one holding a newline: [\s\S], and \Z rather than $) reaches a view, which answers a JSON 404,
# never the site's HTML one.
urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="projects"),
    re_path(r"^projects/(?P<slug>[\s\S]+)/\Z", views.ProjectDetailView.as_view(), name="project"),
    path("grants/", views.GrantsView.as_view(), name="grants"),
    path("budget/", views.BudgetYearsView.as_view(), name="budget"),
    re_path(r"^budget/(?P<year>[\s\S]+)/\Z", views.BudgetYearView.as_view(), name="budget-year"),
    path("strategy/", views.StrategyView.as_view(), name="strategy"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^[\s\S]*\Z", views.NotFoundView.as_view(), name="not-found"),
]
