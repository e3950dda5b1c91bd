from django.urls import path

from vanthu.preservation import api

urlpatterns = [
    path("fixity/", api.FixityProblemList.as_view(), name="fixity-list"),
    path("tt02/", api.Tt02Export.as_view(), name="tt02-export"),
]
