from django.conf import settings
from django.contrib import admin
from allauth.account.decorators import secure_admin_login
from django.urls import include, path

from budget.views.home import home

admin.site.site_header = "LOTI Portal administration"
admin.site.site_title = "LOTI Portal"
admin.site.index_title = "Membership, money and projects"
# The admin signs in through allauth: the same rate limits and two-factor as the portal.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", home, name="home"),
    path("", include("loti.urls_pages")),
    path("projects/", include("projects.urls")),
    path("members/", include("members.urls")),
    path("", include("budget.urls")),
    path("", include("budget.urls_reports")),
]

# The portal's own 500 page, with the contact address but nothing from the failed request.
handler500 = "loti.pages.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
