"""Pages for comment threads, moderation and dispositions."""

from __future__ import annotations

from django.urls import URLPattern, path

from frontend.views.discussion import actions, following, forms, threads
from frontend.views.discussion import tables as comment_tables

urlpatterns: list[URLPattern] = [
    path("clauses/<int:clause_id>/comments/", threads.clause_comments, name="clause_comments"),
    path("clauses/<int:clause_id>/follow/", following.clause_follow, name="clause_follow"),
    path("f/<slug:slug>/follow/", following.framework_follow, name="framework_follow"),
    path("comments/<int:comment_id>/", threads.comment_link, name="comment_link"),
    path("comments/<int:comment_id>/thread/", threads.comment_thread, name="comment_thread"),
    path("comments/<int:comment_id>/reply/", actions.comment_reply, name="comment_reply"),
    path("comments/<int:comment_id>/edit/", actions.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", actions.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/react/", actions.comment_react, name="comment_react"),
    path("comments/<int:comment_id>/flag/", actions.comment_flag, name="comment_flag"),
    path("comments/<int:comment_id>/moderate/", actions.comment_moderate, name="comment_moderate"),
    path(
        "comments/<int:comment_id>/disposition/",
        actions.comment_disposition,
        name="comment_disposition",
    ),
    path(
        "comments/<int:comment_id>/forms/<slug:action>/",
        forms.comment_action_form,
        name="comment_action_form",
    ),
    path(
        "comments/<int:comment_id>/flags/dismiss/",
        comment_tables.comment_flags_dismiss,
        name="comment_flags_dismiss",
    ),
    path("f/<slug:slug>/moderation/", comment_tables.moderation, name="comment_moderation"),
    path("f/<slug:slug>/dispositions/", comment_tables.dispositions, name="comment_dispositions"),
]
