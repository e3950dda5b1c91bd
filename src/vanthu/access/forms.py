"""Forms of the "Mật" panel (docs/security.md §8–10). They parse input only; the services
check authority, clearance and dates, and their errors land on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vanthu.access.models import DocumentCopy, Handover
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import User
from vanthu.web.forms import DateField, StyledForm

BAD_DATE = _("Ngày không hợp lệ (dd/mm/yyyy).")


class _PanelForm(StyledForm):
    """Several of these share one page: each keeps its own element ids."""

    ids = "mat"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.ids}-%s")
        super().__init__(*args, **kwargs)


class _DecisionForm(_PanelForm):
    decision_ref = forms.CharField(
        label=_("Số, ký hiệu quyết định"),
        max_length=100,
        error_messages={
            "required": _("Phải ghi số, ký hiệu quyết định."),
            "max_length": _("Số, ký hiệu quyết định dài quá 100 ký tự."),
        },
        help_text=_("Ví dụ 15-QĐ/TU."),
    )
    decided_on = DateField(
        label=_("Ngày quyết định"),
        error_messages={"required": _("Phải ghi ngày quyết định."), "invalid": BAD_DATE},
    )
    reason = forms.CharField(
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Phải ghi lý do của quyết định.")},
    )


class ExtendForm(_DecisionForm):
    ids = "gia-han"
    expires_on = DateField(
        label=_("Thời hạn bảo vệ mới (đến ngày)"),
        error_messages={
            "required": _("Phải ghi ngày hết thời hạn bảo vệ mới."),
            "invalid": BAD_DATE,
        },
    )
    field_order = ["expires_on", "decision_ref", "decided_on", "reason"]


class DowngradeForm(_DecisionForm):
    ids = "giam-mat"
    secrecy = forms.ChoiceField(
        label=_("Độ mật mới"),
        choices=[
            (Secrecy.SECRET.value, Secrecy.SECRET.label),
            (Secrecy.CONFIDENTIAL.value, Secrecy.CONFIDENTIAL.label),
        ],
        error_messages={
            "required": _("Phải chọn độ mật mới."),
            "invalid_choice": _("Độ mật mới phải là Mật hoặc Tối mật."),
        },
    )
    expires_on = DateField(
        label=_("Thời hạn bảo vệ mới (để trống: tính lại từ hôm nay)"), required=False
    )
    field_order = ["secrecy", "expires_on", "decision_ref", "decided_on", "reason"]


class DeclassifyForm(_DecisionForm):
    ids = "giai-mat"


class UserChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class UsersChoice(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class CopiesForm(_PanelForm):
    """Bản phát hành: holders with an account, and/or places named one per line."""

    ids = "ban-so"

    holders = UsersChoice(
        label=_("Người giữ (tài khoản)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        error_messages={"invalid_choice": _("Người giữ đã chọn không hợp lệ.")},
    )
    places = forms.CharField(
        label=_("Nơi giữ khác (mỗi dòng một nơi)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: Lưu VT."),
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holders"].queryset = people  # type: ignore[attr-defined]

    def place_names(self) -> list[str]:
        lines = (self.cleaned_data.get("places") or "").splitlines()
        return [line.strip() for line in lines if line.strip()]


class CopyChoice(forms.ModelChoiceField[DocumentCopy]):
    def label_from_instance(self, obj: DocumentCopy) -> str:
        return obj.label


class HandoverForm(_PanelForm):
    ids = "chuyen-giao"
    to_user = UserChoice(
        label=_("Người nhận (tài khoản)"),
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Người nhận đã chọn không hợp lệ.")},
    )
    to_name = forms.CharField(
        label=_("Hoặc tên người, nơi nhận"),
        max_length=255,
        required=False,
        error_messages={"max_length": _("Tên nơi nhận dài quá 255 ký tự.")},
    )
    copy = CopyChoice(
        label=_("Bản được giao"),
        queryset=DocumentCopy.objects.none(),
        required=False,
        empty_label=_("(cả văn bản)"),
        error_messages={"invalid_choice": _("Bản này không thuộc văn bản này.")},
    )
    handed_at = forms.DateTimeField(
        label=_("Thời điểm chuyển giao (để trống: bây giờ)"),
        required=False,
        input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y"],
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}
        ),
        error_messages={"invalid": _("Thời điểm không hợp lệ (dd/mm/yyyy hh:mm).")},
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=500,
        required=False,
        error_messages={"max_length": _("Ghi chú dài quá 500 ký tự.")},
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[User],
        copies: QuerySet[DocumentCopy],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = people  # type: ignore[attr-defined]
        self.fields["copy"].queryset = copies  # type: ignore[attr-defined]


class ConfirmForm(forms.Form):
    handover = forms.ModelChoiceField(
        queryset=Handover.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Không có lần chuyển giao này."),
            "invalid_choice": _("Không có lần chuyển giao này."),
        },
    )

    def __init__(self, *args: Any, handovers: QuerySet[Handover], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handover"].queryset = handovers  # type: ignore[attr-defined]
