from django.urls import path

from vanthu.archive import api, api_disposal, api_holdings, api_use

urlpatterns = [
    path("transfers/", api.TransferList.as_view(), name="api-transfers"),
    path("transfers/due/", api.TransferDue.as_view(), name="api-transfers-due"),
    path("transfers/<int:pk>/", api.TransferDetail.as_view(), name="api-transfer"),
    path("transfers/<int:pk>/accept/", api.TransferAccept.as_view(), name="api-transfer-accept"),
    path("transfers/<int:pk>/return/", api.TransferReturn.as_view(), name="api-transfer-return"),
    path("transfers/<int:pk>/list.pdf", api.TransferListPdf.as_view(), name="api-transfer-pdf"),
    path("transfers/<int:pk>/handover.pdf", api.HandoverPdf.as_view(), name="api-handover-pdf"),
    # Holdings (docs/archive.md "Holdings").
    path("fonds/", api_holdings.FondsList.as_view(), name="api-fonds"),
    path("storage-locations/", api_holdings.LocationList.as_view(), name="api-locations"),
    path("archival-units/", api_holdings.UnitList.as_view(), name="api-archival-units"),
    path("held-back/", api_holdings.HeldBackList.as_view(), name="api-held-back"),
    path(
        "held-back/<int:pk>/decide/",
        api_holdings.HeldBackDecide.as_view(),
        name="api-held-back-decide",
    ),
    # Appraisal and disposal.
    path("disposals/", api_disposal.DisposalList.as_view(), name="api-disposals"),
    path("disposals/review/", api_disposal.ReviewList.as_view(), name="api-disposal-review"),
    path("disposals/<int:pk>/", api_disposal.DisposalDetail.as_view(), name="api-disposal"),
    path("disposals/<int:pk>/vote/", api_disposal.DisposalVote.as_view(), name="api-disposal-vote"),
    path(
        "disposals/<int:pk>/approve/",
        api_disposal.DisposalApprove.as_view(),
        name="api-disposal-approve",
    ),
    path(
        "disposals/<int:pk>/execute/",
        api_disposal.DisposalExecute.as_view(),
        name="api-disposal-execute",
    ),
    path("legal-holds/", api_disposal.HoldList.as_view(), name="api-legal-holds"),
    path(
        "legal-holds/<int:pk>/release/",
        api_disposal.HoldRelease.as_view(),
        name="api-legal-hold-release",
    ),
    # Khai thác: requests, the reading viewer, copies, the register of use.
    path("access-requests/", api_use.AccessRequestList.as_view(), name="api-access-requests"),
    path(
        "access-requests/<int:pk>/",
        api_use.AccessRequestDetail.as_view(),
        name="api-access-request",
    ),
    path(
        "access-requests/<int:pk>/decide/",
        api_use.AccessRequestDecide.as_view(),
        name="api-access-request-decide",
    ),
    path(
        "access-requests/<int:pk>/return/",
        api_use.AccessRequestReturn.as_view(),
        name="api-access-request-return",
    ),
    path(
        "access-requests/<int:pk>/documents/",
        api_use.ReadingDocuments.as_view(),
        name="api-reading-documents",
    ),
    path(
        "access-requests/<int:pk>/documents/<int:document_pk>/page.png",
        api_use.ReadingPage.as_view(),
        name="api-reading-page",
    ),
    path("access-requests/<int:pk>/copies/", api_use.CopyIssue.as_view(), name="api-copies"),
    path("use-register/", api_use.UseRegister.as_view(), name="api-use-register"),
]
