from django.urls import path

from . import strategy_views

app_name = "strategy"

urlpatterns = [
    path("engagement-map/", strategy_views.EngagementMapView.as_view(), name="engagement_map"),
]
