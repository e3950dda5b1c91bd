from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_v1 = [
    path("", include("vanthu.orgs.api_urls")),
    path("", include("vanthu.registry.api_urls")),
    path("", include("vanthu.drafting.api_urls")),
    path("", include("vanthu.access.api_urls")),
    path("", include("vanthu.search.api_urls")),
    path("", include("vanthu.records.api_urls")),
    path("", include("vanthu.archive.api_urls")),
    path("", include("vanthu.reports.api_urls")),
    path("", include("vanthu.exchange.api_urls")),
    path("", include("vanthu.preservation.api_urls")),
    path("", include("vanthu.capture.api_urls")),
    path("", include("vanthu.notify.api_urls")),
    path("", include("vanthu.suggest.api_urls")),
    path("", include("vanthu.drafts.api_urls")),
    path("", include("vanthu.guide.api_urls")),
    path("", include("vanthu.signatures.api_urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("van-ban/", include("vanthu.registry.urls")),
    path("van-ban/", include("vanthu.drafting.urls")),
    path("van-ban/", include("vanthu.drafts.urls")),
    path("van-ban/", include("vanthu.access.urls")),
    path("bao-cao/", include("vanthu.reports.urls")),
    path("so-hoa/", include("vanthu.capture.urls")),
    path("luu-tru/", include("vanthu.archive.urls")),
    path("bao-quan/", include("vanthu.preservation.urls")),
    path("ho-so/", include("vanthu.records.urls")),
    path("nhap-du-lieu-cu/", include("vanthu.legacy.urls")),
    path("thong-bao/", include("vanthu.notify.urls")),
    path("van-ban/goi-y/", include("vanthu.suggest.urls")),
    path("", include("vanthu.guide.urls")),
    path("", include("vanthu.web.urls")),
]
