from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

# <path:...>: any value reaches the view, which answers a JSON 404, never the site's HTML one.
urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="projects"),
    path("projects/<path:slug>/", views.ProjectDetailView.as_view(), name="project"),
    path("grants/", views.GrantsView.as_view(), name="grants"),
    path("budget/", views.BudgetYearsView.as_view(), name="budget"),
    path("budget/<path:year>/", views.BudgetYearView.as_view(), name="budget-year"),
    path("strategy/", views.StrategyView.as_view(), name="strategy"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]
