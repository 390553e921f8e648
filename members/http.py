"""The request of a page only signed-in people reach: type checking then knows `request.user` is a User."""

from django.http import HttpRequest

from members.models import User


class SignedInRequest(HttpRequest):
    user: User  # narrower than HttpRequest's: the view's LoginRequiredMixin (or its dispatch) has made sure
