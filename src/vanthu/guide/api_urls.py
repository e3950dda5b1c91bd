from django.urls import path

from vanthu.guide import api

urlpatterns = [
    path("saved-filters/", api.SavedFilterList.as_view(), name="api-saved-filters"),
    path("saved-filters/<int:pk>/", api.SavedFilterDetail.as_view(), name="api-saved-filter"),
]
