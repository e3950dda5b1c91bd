from django.urls import path

from vanthu.access import api
from vanthu.access.classified import api as classified

urlpatterns = [
    path(
        "documents/<int:pk>/access-log/",
        api.DocumentAccessLog.as_view(),
        name="api-document-access-log",
    ),
    path("documents/<int:pk>/grants/", api.DocumentGrants.as_view(), name="api-document-grants"),
    path(
        "documents/<int:pk>/grants/<int:grant_id>/",
        api.DocumentGrantDetail.as_view(),
        name="api-document-grant",
    ),
    # Classified documents (docs/security.md §8–10).
    path(
        "documents/<int:pk>/protection/",
        classified.DocumentProtection.as_view(),
        name="api-document-protection",
    ),
    path(
        "documents/<int:pk>/declassify/",
        classified.DocumentDeclassify.as_view(),
        name="api-document-declassify",
    ),
    path(
        "documents/<int:pk>/downgrade/",
        classified.DocumentDowngrade.as_view(),
        name="api-document-downgrade",
    ),
    path(
        "documents/<int:pk>/extend-protection/",
        classified.DocumentExtendProtection.as_view(),
        name="api-document-extend-protection",
    ),
    path(
        "documents/<int:pk>/copies/",
        classified.DocumentCopies.as_view(),
        name="api-document-copies",
    ),
    path(
        "documents/<int:pk>/copy-orders/",
        classified.DocumentCopyOrders.as_view(),
        name="api-document-copy-orders",
    ),
    path(
        "documents/<int:pk>/handovers/",
        classified.DocumentHandovers.as_view(),
        name="api-document-handovers",
    ),
    path(
        "documents/<int:pk>/handovers/confirm/",
        classified.DocumentHandoverConfirm.as_view(),
        name="api-document-handover-confirm",
    ),
    path(
        "classified/expiring/",
        classified.ExpiringProtection.as_view(),
        name="api-classified-expiring",
    ),
    path(
        "classified/registers/handover.pdf",
        classified.HandoverRegisterPdf.as_view(),
        name="api-classified-handover-register",
    ),
    path(
        "classified/registers/copies.pdf",
        classified.CopyRegisterPdf.as_view(),
        name="api-classified-copy-register",
    ),
]
