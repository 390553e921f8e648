"""Forms for people joining the portal."""

from django import forms

from .models import Invitation


class InvitationForm(forms.ModelForm):
    """Staff invite one person to one organisation; the token is made by the service, never typed."""

    class Meta:
        model = Invitation
        fields = ["email", "organisation"]


class BillingChangeForm(forms.Form):
    """An officer asks LOTI staff to change their borough's billing details; staff make the change in the admin."""

    change = forms.CharField(
        label="What should change?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example the new address, the accounts payable email address, or the purchase order number "
        "for next year's fee and the year it is for.",
        error_messages={"required": "Say what should change"},
    )
