from __future__ import annotations

from django.urls import path

from deliberation.publishing.api import search, views

urlpatterns = [
    path(
        "frameworks/<slug:slug>/publish/",
        views.PublishView.as_view(),
        name="api-framework-publish",
    ),
    path("published/", views.PublishedListView.as_view(), name="api-published"),
    path("search/", search.SearchView.as_view(), name="api-search"),
    path("published/<slug:slug>/", views.PublishedDetailView.as_view(), name="api-published-one"),
    path(
        "published/<slug:slug>/editions/<int:number>/",
        views.EditionView.as_view(),
        name="api-edition",
    ),
]
