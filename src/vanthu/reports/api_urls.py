from django.urls import path

from vanthu.reports import api

urlpatterns = [
    path("registers/", api.RegisterList.as_view(), name="api-registers"),
    path("registers/<int:pk>/print/", api.RegisterPrint.as_view(), name="api-register-print"),
    path(
        "reports/incoming/<int:pk>/slip.pdf",
        api.IncomingSlip.as_view(),
        name="api-incoming-slip",
    ),
    path("reports/statistics/", api.Statistics.as_view(), name="api-statistics"),
    path("reports/periodic/", api.PeriodicReportFile.as_view(), name="api-periodic-report"),
    path(
        "reports/archive-statistics/",
        api.ArchiveStatistics.as_view(),
        name="api-archive-statistics",
    ),
    path(
        "reports/archive-statistics/print/",
        api.ArchiveStatisticsFile.as_view(),
        name="api-archive-statistics-print",
    ),
]
