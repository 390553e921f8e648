"""Joining the portal: officers matched to their borough by email domain, approved by staff, or invited."""

import logging
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from loti.tasks import after_commit, portal_link, send_email

from .models import Invitation, Organisation, User

log = logging.getLogger("loti.security")


def organisation_for_email(*, email: str) -> Organisation | None:
    domain = email.rsplit("@", 1)[-1].strip().lower()
    if not domain:
        return None
    return Organisation.objects.filter(email_domains__contains=[domain]).first()


def officer_signup_match(*, user: User) -> Organisation | None:
    """A new account is matched to the organisation that invited it, or whose email domain it has; staff approve it."""
    if user.organisation_id:
        return user.organisation
    invitation = Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).select_related("organisation").first()
    organisation = invitation.organisation if invitation else organisation_for_email(email=user.email)
    if organisation is None:
        return None
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(organisation=organisation, organisation_approved_at=None)
        user.organisation, user.organisation_approved_at = organisation, None
    log.info("officer-matched who=%s organisation=%s", user.email, organisation.name)
    return organisation


def officer_approve(*, user: User, approved_by: User) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=user.pk)
        if user.organisation_id is None:
            raise ValidationError({"organisation": f"{user.email} has no organisation to be approved for."})
        if user.organisation_approved_at:
            return user  # approved already (perhaps a moment ago by someone else): no second email
        user.organisation_approved_at = timezone.now()
        user.save(update_fields=["organisation_approved_at"])
        after_commit(
            send_email,
            key=f"officer-approved:user={user.pk}:at={user.organisation_approved_at.isoformat()}",
            subject="You can now use the LOTI Portal",
            body=f"LOTI staff confirmed you speak for {user.organisation}. Sign in to see your borough and its projects:\n"
            f"{portal_link('/')}\n",
            recipients=[user.email],
        )
    log.info("officer-approved who=%s organisation=%s by=%s", user.email, user.organisation, approved_by.email)
    return user


def invitation_create(*, email: str, organisation: Organisation, invited_by: User | None, site_url: str) -> Invitation:
    email = email.strip()
    if not email:
        raise ValidationError({"email": "Enter the email address of the person to invite."})
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email, organisation=organisation, invited_by=invited_by, token=secrets.token_urlsafe(32)
        )
        link = site_url.rstrip("/") + f"/members/invitations/{invitation.token}/"
        after_commit(
            send_email,
            key=f"invitation:{invitation.pk}",
            subject=f"Join {organisation} on the LOTI Portal",
            body=f"LOTI invites you to speak for {organisation} on the LOTI Portal.\n\nAccept: {link}\n",
            recipients=[email],
        )
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> User:
    """The invited person (signed in with the invited, verified address) joins the organisation, approved."""
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError("This invitation has already been used.")
        if invitation.email.lower() != user.email.lower():
            raise ValidationError(f"This invitation is for {invitation.email}; sign in with that address to accept it.")
        user.organisation, user.organisation_approved_at = invitation.organisation, now
        user.save(update_fields=["organisation", "organisation_approved_at"])
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
    log.info("invitation-accepted who=%s organisation=%s", user.email, invitation.organisation)
    return user


def invitations_accept_for_verified_email(*, user: User, email: str) -> int:
    """Once the person proves they own the address, the invitations sent to it take effect."""
    accepted = 0
    for invitation in Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).order_by("created_at")[:1]:
        invitation_accept(invitation=invitation, user=user)
        accepted += 1
    return accepted


def billing_change_request(*, organisation: Organisation, requested_by: User, change: str) -> None:
    """An officer asks LOTI to change their borough's billing details: LOTI's invoice contact is emailed."""
    change = (change or "").strip()
    if not change:
        raise ValidationError({"change": "Say what should change"})
    recipient = (getattr(settings, "LOTI_INVOICE_CONTACT", "") or "").strip()
    if not recipient:
        raise ValidationError("LOTI's invoice contact is not set up yet, so the request cannot be sent. Please email LOTI instead.")
    current = "\n".join(
        [
            f"Billing address:\n{organisation.billing_address or '(none)'}",
            f"Accounts payable email: {organisation.invoice_email or '(none)'}",
        ]
    )
    body = (
        f"{requested_by.get_full_name() or requested_by.email} ({requested_by.email}) of {organisation} asks LOTI "
        f"to change {organisation}'s billing details:\n\n{change}\n\nWhat the portal holds now:\n{current}\n\n"
        "Make the change in the admin (Organisations, or the membership's purchase order number).\n"
    )
    after_commit(
        send_email,
        # Each request is its own notification: the key is made here, so a retried task still mails once.
        key=f"billing-change:organisation={organisation.pk}:{uuid.uuid4().hex}",
        subject=f"Billing details change for {organisation}",
        body=body,
        recipients=[recipient],
        reply_to=[requested_by.email],
    )
    log.info("billing-change-requested organisation=%s by=%s", organisation.name, requested_by.email)
