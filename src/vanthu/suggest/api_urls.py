from django.urls import path

from vanthu.suggest import api

urlpatterns = [
    path(
        "incoming/<int:pk>/suggestions/",
        api.IncomingSuggestions.as_view(),
        name="api-incoming-suggestions",
    ),
    path(
        "incoming/<int:pk>/suggestions/accept/",
        api.IncomingSuggestionsAccept.as_view(),
        name="api-incoming-suggestions-accept",
    ),
    path(
        "dossiers/<int:pk>/suggestions/",
        api.DossierSuggestions.as_view(),
        name="api-dossier-suggestions",
    ),
]
