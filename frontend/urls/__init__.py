from __future__ import annotations

from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from frontend.views.people import (
    account,
    convenings,
    invitations,
    member_page,
    members,
    notifications,
    profile,
)
from frontend.views.reference.guide import api_guide
from frontend.views.text import frameworks as drafting
from frontend.views.text import proposals as drafting_proposals
from frontend.views.text import reading

# Resolved on first request, not at import: management commands must not need the manifest.
lazy_static = lazy(static, str)

urlpatterns = [
    path("", convenings.home, name="home"),
    path("api/v1/guide/", api_guide, name="api_guide"),
    # Browsers ask for /favicon.ico on pages that name no icon (e.g. a plain error page).
    path(
        "favicon.ico", RedirectView.as_view(url=lazy_static("frontend/favicon.svg"), permanent=True)
    ),
    path("c/new/", convenings.convening_new, name="convening_new"),
    path("c/<slug:slug>/", convenings.convening_detail, name="convening_detail"),
    path("c/<slug:slug>/members/", members.members, name="members"),
    path("c/<slug:slug>/handles/", members.member_handles, name="member_handles"),
    path("c/<slug:slug>/members/@<slug:handle>/", member_page.member_page, name="member_page"),
    path(
        "c/<slug:slug>/members/<int:membership_id>/row/",
        members.member_row,
        name="member_row",
    ),
    path(
        "c/<slug:slug>/organizations/new/",
        members.organization_create,
        name="organization_create",
    ),
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
    path("account/", profile.account, name="account"),
    path("account/tokens/", account.api_tokens, name="api_tokens"),
    path(
        "account/notifications/",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path("inbox/", notifications.inbox_page, name="inbox"),
    path("inbox/badge/", notifications.inbox_badge, name="inbox_badge"),
    path("inbox/attention/", notifications.attention_page, name="attention"),
    path("inbox/mark-read/", notifications.inbox_mark_read, name="inbox_mark_read"),
    path("inbox/<int:item_id>/open/", notifications.inbox_open, name="inbox_open"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.unsubscribe,
        name="notifications_unsubscribe",
    ),
    path(
        "account/tokens/<int:token_id>/revoke/", account.api_token_revoke, name="api_token_revoke"
    ),
    # Drafting: frameworks, clauses, versions, amendments and alternatives.
    path("c/<slug:slug>/frameworks/new/", drafting.framework_new, name="framework_new"),
    path("f/<slug:slug>/", drafting.framework_detail, name="framework_detail"),
    path("f/<slug:slug>/edit/", drafting.framework_edit, name="framework_edit"),
    path("f/<slug:slug>/read/", reading.framework_reading, name="framework_reading"),
    path("f/<slug:slug>/transition/", drafting.framework_transition, name="framework_transition"),
    path("f/<slug:slug>/clauses/new/", drafting.clause_new, name="clause_new"),
    path("f/<slug:slug>/reorder/", drafting.clause_reorder, name="clause_reorder"),
    path("clauses/<int:clause_id>/", drafting.clause_detail, name="clause_detail"),
    path("clauses/<int:clause_id>/edit/", drafting.clause_edit, name="clause_edit"),
    path("clauses/<int:clause_id>/history/", drafting.clause_history, name="clause_history"),
    path(
        "clauses/<int:clause_id>/amendments/new/",
        drafting_proposals.amendment_new,
        name="amendment_new",
    ),
    path(
        "clauses/<int:clause_id>/alternatives/new/",
        drafting_proposals.alternative_new,
        name="alternative_new",
    ),
    path(
        "clauses/<int:clause_id>/resolve/",
        drafting_proposals.alternatives_resolve,
        name="alternatives_resolve",
    ),
    path(
        "alternatives/<int:alternative_id>/withdraw/",
        drafting_proposals.alternative_withdraw,
        name="alternative_withdraw",
    ),
    path(
        "amendments/<int:amendment_id>/accept/",
        drafting_proposals.amendment_accept,
        name="amendment_accept",
    ),
    path(
        "amendments/<int:amendment_id>/reject/",
        drafting_proposals.amendment_reject,
        name="amendment_reject",
    ),
    path(
        "amendments/<int:amendment_id>/withdraw/",
        drafting_proposals.amendment_withdraw,
        name="amendment_withdraw",
    ),
    path(
        "amendments/<int:amendment_id>/rebase/",
        drafting_proposals.amendment_rebase,
        name="amendment_rebase",
    ),
    # Comment threads, moderation and dispositions (frontend/urls/discussion.py).
    path("", include("frontend.urls.discussion")),
    path("", include("frontend.urls.voting")),
    path("", include("frontend.urls.publishing")),
]
