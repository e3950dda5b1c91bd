"""Web UI pages of the registry (mounted at /van-ban/)."""

from django.urls import URLPattern

app_name = "registry"
urlpatterns: list[URLPattern] = []
