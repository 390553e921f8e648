"""Responses that carry one person's data must never be kept by a shared cache or the browser's disk cache."""

from django.utils.cache import patch_cache_control, patch_vary_headers


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every page and file served to someone signed in, and on every
    download (an invoice PDF, a report reached by its emailed link), whoever asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        attachment = response.get("Content-Disposition", "").startswith("attachment")
        if signed_in or attachment:
            # patch_cache_control drops a `public` a view may have set once `private` is given.
            patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ("Cookie",))
        return response
