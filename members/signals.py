"""Sign-in, sign-out and failed sign-ins are logged with who and when; new accounts are matched to their borough."""

import logging

from allauth.account.signals import email_confirmed, user_signed_up
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from loti.client import client_ip

from . import services

log = logging.getLogger("loti.security")


def _ip(request) -> str:
    return client_ip(request)


@receiver(user_logged_in)
def log_sign_in(sender, request, user, **kwargs):
    log.info("sign-in who=%s ip=%s", user.email, _ip(request))


@receiver(user_logged_out)
def log_sign_out(sender, request, user, **kwargs):
    log.info("sign-out who=%s ip=%s", getattr(user, "email", "anonymous"), _ip(request))


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    who = credentials.get("email") or credentials.get("username") or "-"
    log.warning("sign-in-failed who=%s ip=%s", who, _ip(request))


@receiver(user_signed_up)
def match_new_officer(sender, request, user, **kwargs):
    services.officer_signup_match(user=user)


@receiver(email_confirmed)
def accept_invitations(sender, request, email_address, **kwargs):
    services.invitations_accept_for_verified_email(user=email_address.user, email=email_address.email)
