from django.urls import path

from loti.public_cache import public_cached

from . import views

app_name = "projects"

urlpatterns = [
    path("", public_cached(views.DirectoryView.as_view()), name="directory"),
    path("propose/", views.ProposeView.as_view(), name="propose"),
    path("survey/", views.SurveyView.as_view(), name="survey"),
    path("survey/answers/", views.SurveyAnswersView.as_view(), name="survey_answers"),
    path("<slug:slug>/", public_cached(views.ProjectView.as_view()), name="project"),
    path("<slug:slug>/support/", views.SupportView.as_view(), name="support"),
    path("<slug:slug>/decline/", views.DeclineView.as_view(), name="decline"),
    path("<slug:slug>/edit/", views.EditView.as_view(), name="edit"),
    path("<slug:slug>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<slug:slug>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("<slug:slug>/updates/new/", views.ProgressUpdateView.as_view(), name="update"),
    path("<slug:slug>/outputs/new/", views.OutputView.as_view(), name="output"),
    path("<slug:slug>/benefits/new/", views.BenefitView.as_view(), name="benefit"),
]
