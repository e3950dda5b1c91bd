from django.urls import path

from vanthu.notify import api

urlpatterns = [
    path("notifications/", api.NotificationList.as_view(), name="api-notifications"),
    path(
        "notifications/preferences/",
        api.NotificationPreferences.as_view(),
        name="api-notification-preferences",
    ),
    path(
        "notifications/read-all/",
        api.NotificationReadAll.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/<int:pk>/read/",
        api.NotificationRead.as_view(),
        name="api-notification-read",
    ),
]
