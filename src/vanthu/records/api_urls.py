from django.urls import path

from vanthu.records import api, bulk_api, plan_api

urlpatterns = [
    path("dossiers/", api.DossierList.as_view(), name="api-dossiers"),
    path("dossiers/<int:pk>/", api.DossierDetail.as_view(), name="api-dossier"),
    path(
        "dossiers/<int:pk>/documents/",
        api.DossierDocuments.as_view(),
        name="api-dossier-documents",
    ),
    path(
        "dossiers/<int:pk>/documents/bulk/",
        bulk_api.DossierDocumentsBulk.as_view(),
        name="api-dossier-documents-bulk",
    ),
    path(
        "dossiers/<int:pk>/documents/<int:document_pk>/",
        api.DossierDocumentDetail.as_view(),
        name="api-dossier-document",
    ),
    path("dossiers/<int:pk>/close/", api.DossierClose.as_view(), name="api-dossier-close"),
    path("dossiers/<int:pk>/reopen/", api.DossierReopen.as_view(), name="api-dossier-reopen"),
    path(
        "dossiers/<int:pk>/access-regime/",
        api.DossierAccessRegime.as_view(),
        name="api-dossier-access-regime",
    ),
    path("file-plans/", plan_api.FilePlanList.as_view(), name="api-file-plans"),
    path("file-plans/copy/", plan_api.FilePlanCopy.as_view(), name="api-file-plan-copy"),
    path("file-plans/<int:pk>/", plan_api.FilePlanDetail.as_view(), name="api-file-plan"),
    path(
        "file-plans/<int:pk>/headings/",
        plan_api.FilePlanHeadings.as_view(),
        name="api-file-plan-headings",
    ),
    path(
        "file-plans/<int:pk>/items/",
        plan_api.FilePlanItems.as_view(),
        name="api-file-plan-items",
    ),
    path(
        "file-plans/<int:pk>/approve/",
        plan_api.FilePlanApprove.as_view(),
        name="api-file-plan-approve",
    ),
    path(
        "retention-schedules/",
        api.RetentionScheduleList.as_view(),
        name="api-retention-schedules",
    ),
    path("retention-rules/", api.RetentionRuleList.as_view(), name="api-retention-rules"),
]
