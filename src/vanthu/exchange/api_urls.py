from django.urls import path

from vanthu.exchange import api, api_outbox

urlpatterns = [
    path("exchange/inbox/", api.Inbox.as_view(), name="api-exchange-inbox"),
    path("exchange/outbox/", api_outbox.OutboxList.as_view(), name="api-exchange-outbox"),
    path(
        "exchange/outbox/<int:pk>/resend/",
        api_outbox.OutboxResend.as_view(),
        name="api-exchange-outbox-resend",
    ),
]
