from __future__ import annotations

from django.urls import path

from deliberation.text.api import views

urlpatterns = [
    path(
        "convenings/<slug:slug>/frameworks/",
        views.FrameworkListView.as_view(),
        name="api-frameworks",
    ),
    path("frameworks/<slug:slug>/", views.FrameworkDetailView.as_view(), name="api-framework"),
    path(
        "frameworks/<slug:slug>/transition/",
        views.FrameworkTransitionView.as_view(),
        name="api-framework-transition",
    ),
    path("frameworks/<slug:slug>/clauses/", views.ClauseListView.as_view(), name="api-clauses"),
    path(
        "frameworks/<slug:slug>/clauses/reorder/",
        views.ClauseReorderView.as_view(),
        name="api-clauses-reorder",
    ),
    path("clauses/<int:pk>/", views.ClauseDetailView.as_view(), name="api-clause"),
    path("clauses/<int:pk>/versions/", views.VersionListView.as_view(), name="api-versions"),
    path(
        "clauses/<int:pk>/versions/<int:number>/",
        views.VersionDetailView.as_view(),
        name="api-version",
    ),
    path("clauses/<int:pk>/diff/", views.DiffView.as_view(), name="api-diff"),
    path("clauses/<int:pk>/amendments/", views.AmendmentListView.as_view(), name="api-amendments"),
    path(
        "clauses/<int:pk>/alternatives/",
        views.AlternativeListView.as_view(),
        name="api-alternatives",
    ),
    path("clauses/<int:pk>/resolve/", views.ResolveView.as_view(), name="api-resolve"),
    path(
        "amendments/<int:pk>/accept/",
        views.AmendmentAcceptView.as_view(),
        name="api-amendment-accept",
    ),
    path(
        "amendments/<int:pk>/reject/",
        views.AmendmentRejectView.as_view(),
        name="api-amendment-reject",
    ),
    path(
        "amendments/<int:pk>/withdraw/",
        views.AmendmentWithdrawView.as_view(),
        name="api-amendment-withdraw",
    ),
    path(
        "amendments/<int:pk>/rebase/",
        views.AmendmentRebaseView.as_view(),
        name="api-amendment-rebase",
    ),
    path(
        "alternatives/<int:pk>/withdraw/",
        views.AlternativeWithdrawView.as_view(),
        name="api-alternative-withdraw",
    ),
    path("clause-kinds/", views.ClauseKindsView.as_view(), name="api-clause-kinds"),
]
