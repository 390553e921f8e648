from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("invitations/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path("billing/", views.BillingView.as_view(), name="billing"),
]
