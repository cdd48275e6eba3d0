from __future__ import annotations

from django.urls import path

from deliberation.voting.api import views

urlpatterns = [
    path("frameworks/<slug:slug>/rounds/", views.RoundListView.as_view(), name="api-rounds"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="api-round"),
    path("rounds/<int:pk>/open/", views.RoundOpenView.as_view(), name="api-round-open"),
    path("rounds/<int:pk>/close/", views.RoundCloseView.as_view(), name="api-round-close"),
    path("rounds/<int:pk>/cancel/", views.RoundCancelView.as_view(), name="api-round-cancel"),
    path("rounds/<int:pk>/ballot/", views.BallotView.as_view(), name="api-ballot"),
    path("rounds/<int:pk>/results/", views.ResultsView.as_view(), name="api-round-results"),
    path("rounds/<int:pk>/record/", views.RecordView.as_view(), name="api-round-record"),
    path("rounds/<int:pk>/roll/", views.RollView.as_view(), name="api-round-roll"),
]
