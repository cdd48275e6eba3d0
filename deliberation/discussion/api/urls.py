from __future__ import annotations

from django.urls import path

from deliberation.discussion.api import follows, summaries, views

urlpatterns = [
    path("clauses/<int:pk>/comments/", views.CommentListView.as_view(), name="api-comments"),
    path("comments/<int:pk>/", views.CommentDetailView.as_view(), name="api-comment"),
    path("comments/<int:pk>/reaction/", views.ReactionView.as_view(), name="api-comment-reaction"),
    path("comments/<int:pk>/flag/", views.FlagView.as_view(), name="api-comment-flag"),
    path("comments/<int:pk>/moderate/", views.ModerateView.as_view(), name="api-comment-moderate"),
    path(
        "comments/<int:pk>/flags/dismiss/",
        views.DismissFlagsView.as_view(),
        name="api-comment-flags-dismiss",
    ),
    path(
        "comments/<int:pk>/disposition/",
        views.DispositionView.as_view(),
        name="api-comment-disposition",
    ),
    path(
        "frameworks/<slug:slug>/dispositions/",
        views.DispositionTableView.as_view(),
        name="api-dispositions",
    ),
    path("clauses/<int:pk>/follow/", follows.ClauseFollowView.as_view(), name="api-clause-follow"),
    path(
        "frameworks/<slug:slug>/follow/",
        follows.FrameworkFollowView.as_view(),
        name="api-framework-follow",
    ),
    path(
        "clauses/<int:pk>/summary/",
        summaries.ClauseSummaryView.as_view(),
        name="api-clause-summary",
    ),
]
