from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from convene.health import healthz
from deliberation.publishing.api import views as publishing_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("convene.api.urls")),
    path("api/v1/", include("convene.notifications.api.urls")),
    path("api/v1/", include("deliberation.text.api.urls")),
    path("api/v1/", include("deliberation.discussion.api.urls")),
    path("api/v1/", include("deliberation.voting.api.urls")),
    path("api/v1/", include("deliberation.publishing.api.urls")),
    path("schemas/framework-v1.json", publishing_views.schema_view, name="framework-schema"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("frontend.urls")),
]

# Under /api/ these answer JSON in the API's error shape; elsewhere the usual pages.
handler400 = "convene.api.handlers.bad_request"
handler403 = "convene.api.handlers.permission_denied"
handler404 = "convene.api.handlers.page_not_found"
handler500 = "convene.api.handlers.server_error"
