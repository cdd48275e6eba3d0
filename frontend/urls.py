from __future__ import annotations

from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from frontend.views import convenings, invitations, members

urlpatterns = [
    path("", convenings.home, name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (e.g. a plain error page).
    path("favicon.ico", RedirectView.as_view(url=static("frontend/favicon.svg"), permanent=True)),
    path("c/new/", convenings.convening_new, name="convening_new"),
    path("c/<slug:slug>/", convenings.convening_detail, name="convening_detail"),
    path("c/<slug:slug>/members/", members.members, name="members"),
    path("c/<slug:slug>/members/invite/", members.invitation_create, name="invitation_create"),
    path(
        "c/<slug:slug>/members/<int:membership_id>/",
        members.member_update,
        name="member_update",
    ),
    path(
        "c/<slug:slug>/members/<int:membership_id>/remove/",
        members.member_remove,
        name="member_remove",
    ),
    path(
        "c/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    # Comment threads, moderation and dispositions (frontend/urls_comments.py).
    path("", include("frontend.urls_comments")),
]
