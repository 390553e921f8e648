from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("360giving.json", views.open_file_view, {"name": "360giving.json"}, name="grants-json"),
    path("<str:name>", views.open_file_view, name="file"),
]
