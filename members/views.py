"""Accepting an invitation from LOTI staff to speak for a borough."""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from loti.views import log_refused

from . import services
from .models import Invitation


class InvitationView(TemplateView):
    """The link in an invitation email. The token is the secret; it works once, for the invited address."""

    template_name = "members/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = get_object_or_404(Invitation.objects.select_related("organisation"), token=kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["invitation"] = self.invitation
        context["for_someone_else"] = user.is_authenticated and user.email.lower() != self.invitation.email.lower()
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.invitation_accept(invitation=self.invitation, user=request.user)
        except ValidationError as error:
            log_refused(request, request.path, 400)
            context = self.get_context_data(error=" ".join(error.messages))
            return self.render_to_response(context, status=400)
        messages.success(request, f"You now speak for {self.invitation.organisation} on the LOTI Portal.")
        return redirect("home")
