"""allauth's emails (address confirmation, password reset, security notices) go the way every portal email goes."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from loti.tasks import after_commit, send_email


class PortalAccountAdapter(DefaultAccountAdapter):
    """Renders allauth's message as allauth does, then hands it to the send_email task after commit: a mail server
    that is down delays the message (the task retries) instead of failing the sign-up page, and a retried task sends
    it once (the key is made here, once per message)."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        message = self.render_mail(
            template_prefix, email, {"request": request, "email": email, "current_site": get_current_site(request), **context}
        )
        after_commit(
            send_email,
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            subject=message.subject,
            body=message.body,
            recipients=list(message.to),
        )
