"""URL map: pages per app, the partner API under /api/v1/, health, language switch, admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from kuzet.api import api
from kuzet.core import views as core_views

urlpatterns = [
    path("", include("kuzet.core.urls")),
    path("accounts/", include("kuzet.accounts.urls")),
    path("audit/", include("kuzet.audit.urls")),
    path("", include("kuzet.reports.urls")),
    path("inbox/", include("kuzet.blocking.urls")),
    path("api/v1/", api.urls),
    # The public form's picture challenge, drawn by kuzet itself (no outside service).
    path("captcha/", include("captcha.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "kuzet.core.views.error_400"
handler403 = "kuzet.core.views.error_403"
handler404 = "kuzet.core.views.error_404"
handler500 = "kuzet.core.views.error_500"
