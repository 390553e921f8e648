from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "LOTI Portal administration"
admin.site.site_title = "LOTI Portal"
admin.site.index_title = "Membership, money and projects"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("budget.urls_reports")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
