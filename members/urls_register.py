from django.urls import path

from . import register_views as views

app_name = "register"

urlpatterns = [
    path("register/", views.RegisterIndexView.as_view(), name="index"),
    path("register/opportunities/", views.OpportunitiesView.as_view(), name="opportunities"),
    path("register/opportunities/<int:pk>/interest/", views.InterestView.as_view(), name="interest"),
    path("register/public/", views.PublicRegisterView.as_view(), name="public"),
    path("register/public.csv", views.PublicRegisterCsvView.as_view(), name="public_csv"),
    path("register/systems/<int:pk>/change/", views.SystemChangeView.as_view(), name="change"),
    path("register/<slug:slug>/", views.BoroughRegisterView.as_view(), name="borough"),
    path("register/<slug:slug>/add/", views.SystemAddView.as_view(), name="add"),
    path("maturity/", views.MaturityView.as_view(), name="maturity"),
    path("maturity/sharing/", views.MaturitySharingView.as_view(), name="maturity_sharing"),
]
