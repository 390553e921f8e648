from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from budget.views.home import home
from loti.public_cache import public_cached

admin.site.site_header = "LOTI Portal administration"
admin.site.site_title = "LOTI Portal"
admin.site.index_title = "Membership, money and projects"
# The admin signs in through allauth: the same rate limits and two-factor as the portal.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # wrapped on this one site

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", public_cached(home), name="home"),  # the landing page, for visitors who are not signed in
    path("", include("loti.urls_pages")),
    path("projects/", include("projects.urls")),
    path("members/", include("members.urls")),
    path("", include("members.urls_register")),  # the technology register, opportunities, maturity (issue 15)
    path("", include("projects.urls_strategy")),  # the engagement map (issue 15)
    path("", include("budget.urls")),
    path("", include("budget.urls_reports")),
    path("open-data/", include("opendata.urls")),  # issue 12: open data and the public API
    path("api/", include("opendata.api.urls")),
]

# No /media/ route in any mode: report PDFs are served only by the views that check who asks.
# A database that is away answers 503 (loti/unavailable.py); every other error the portal's 500 page.
handler500 = "loti.unavailable.server_error"
