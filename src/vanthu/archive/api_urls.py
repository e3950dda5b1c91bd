from django.urls import path

from vanthu.archive import api

urlpatterns = [
    path("transfers/", api.TransferList.as_view(), name="api-transfers"),
    path("transfers/due/", api.TransferDue.as_view(), name="api-transfers-due"),
    path("transfers/<int:pk>/", api.TransferDetail.as_view(), name="api-transfer"),
    path("transfers/<int:pk>/accept/", api.TransferAccept.as_view(), name="api-transfer-accept"),
    path("transfers/<int:pk>/return/", api.TransferReturn.as_view(), name="api-transfer-return"),
    path("transfers/<int:pk>/list.pdf", api.TransferListPdf.as_view(), name="api-transfer-pdf"),
    path("transfers/<int:pk>/handover.pdf", api.HandoverPdf.as_view(), name="api-handover-pdf"),
]
