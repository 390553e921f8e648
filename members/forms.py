"""Forms for people joining the portal."""
from django import forms

from .models import Invitation


class InvitationForm(forms.ModelForm):
    """Staff invite one person to one organisation; the token is made by the service, never typed."""

    class Meta:
        model = Invitation
        fields = ["email", "organisation"]
