from django.urls import URLPattern, path

from vanthu.search.api import SearchView

urlpatterns: list[URLPattern] = [path("search/", SearchView.as_view(), name="search")]
