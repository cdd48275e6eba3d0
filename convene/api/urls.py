from __future__ import annotations

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from convene.api import views

REFERENCE_CSP = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("auth/tokens/", views.ApiTokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", views.ApiTokenDetailView.as_view(), name="api-token-detail"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("organizations/", views.OrganizationListView.as_view(), name="api-organizations"),
    path(
        "organizations/<int:pk>/",
        views.OrganizationDetailView.as_view(),
        name="api-organization",
    ),
    path("convenings/", views.ConveningListView.as_view(), name="api-convenings"),
    path("convenings/<slug:slug>/", views.ConveningDetailView.as_view(), name="api-convening"),
    path("convenings/<slug:slug>/members/", views.MemberListView.as_view(), name="api-members"),
    path(
        "convenings/<slug:slug>/members/<int:pk>/",
        views.MemberDetailView.as_view(),
        name="api-member",
    ),
    path(
        "convenings/<slug:slug>/invitations/",
        views.InvitationListView.as_view(),
        name="api-invitations",
    ),
    path(
        "convenings/<slug:slug>/invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="api-invitation-revoke",
    ),
    path(
        "invitations/<str:token>/accept/",
        views.InvitationAcceptView.as_view(),
        name="api-invitation-accept",
    ),
    path("convenings/<slug:slug>/audit/", views.AuditListView.as_view(), name="api-audit"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI and ReDoc set inline styles, and ReDoc renders in a blob: worker: allowed on
    # these two pages only, which show the schema and no user content. No inline script: the
    # split view serves Swagger UI's start-up script from a URL of its own.
    path(
        "docs/",
        REFERENCE_CSP(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
    path(
        "redoc/",
        REFERENCE_CSP(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
        ),
        name="api-redoc",
    ),
]
