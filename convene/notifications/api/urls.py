from __future__ import annotations

from django.urls import path

from convene.notifications.api import views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/mark-read/",
        views.MarkReadView.as_view(),
        name="api-notifications-mark-read",
    ),
    path(
        "me/notification-preferences/",
        views.PreferencesView.as_view(),
        name="api-notification-preferences",
    ),
]
