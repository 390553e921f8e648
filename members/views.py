"""Accepting an invitation from LOTI staff to speak for a borough; an officer's billing details."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from loti.views import log_refused

from . import services
from .forms import BillingChangeForm
from .http import SignedInRequest
from .models import Invitation, Membership, Organisation
from .permissions import officer_organisation_id


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


class BillingView(LoginRequiredMixin, FormView):
    request: SignedInRequest
    """An officer sees what LOTI invoices their borough to, and asks staff to change it."""

    template_name = "members/billing.html"
    form_class = BillingChangeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            organisation_id = officer_organisation_id(request.user)
            if organisation_id is None:
                log_refused(request, request.path, 404)
                raise Http404("Only an approved officer of an organisation has billing details here.")
            self.organisation = Organisation.objects.get(pk=organisation_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(**kwargs) | {
            "organisation": self.organisation,
            "address": [line.strip() for line in self.organisation.billing_address.splitlines() if line.strip()],
            "membership": Membership.objects.current_on(today).filter(organisation=self.organisation).first(),
        }

    def form_valid(self, form):
        try:
            services.billing_change_request(
                organisation=self.organisation, requested_by=self.request.user, change=form.cleaned_data["change"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your request is sent to LOTI. We will email you when the billing details are changed.")
        return redirect("members:billing")
