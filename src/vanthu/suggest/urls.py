"""Web UI of the suggestions (mounted at /van-ban/goi-y/)."""

from django.urls import path

from vanthu.suggest import views

app_name = "suggest"
urlpatterns = [
    path("den/<int:pk>/", views.incoming_panel, name="incoming"),
    path("den/<int:pk>/ap-dung/", views.incoming_accept, name="incoming-accept"),
]
