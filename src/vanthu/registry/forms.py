"""Forms of the registry pages. They parse input only; every write goes through a service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanthu.core.enums import Secrecy, Urgency
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.web.forms import DateField, StyledForm, add_service_errors

__all__ = [
    "AssignForm",
    "CompleteForm",
    "FileForm",
    "IncomingForm",
    "OutgoingForm",
    "PresentForm",
    "ReturnForm",
    "add_service_errors",
]

DATETIME_FORMAT = "%d/%m/%Y %H:%M"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the scan of each part of a document)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def document_types() -> Any:
    return DocumentType.objects.filter(active=True).order_by("sort_order", "code")


class DocumentTypeField(forms.ModelChoiceField[DocumentType]):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", document_types())
        kwargs.setdefault("label", _("Loại văn bản"))
        kwargs.setdefault("empty_label", _("— chọn loại —"))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Phải chọn loại văn bản."),
                "invalid_choice": _("Loại văn bản không có trong danh mục."),
            },
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj: DocumentType) -> str:
        return f"{obj.code} — {obj.name}"


def _page_count_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Số trang"),
        required=False,
        min_value=0,
        max_value=100_000,
        error_messages={
            "invalid": _("Số trang phải là một số nguyên."),
            "min_value": _("Số trang không được âm."),
            "max_value": _("Số trang quá lớn."),
        },
    )


class IncomingForm(StyledForm):
    """Sổ đăng ký văn bản đến, in the order of its columns (NĐ 30 Phụ lục IV)."""

    received_at = forms.DateTimeField(
        label=_("Ngày đến"),
        input_formats=[DATETIME_FORMAT, "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"],
        widget=forms.DateTimeInput(
            format=DATETIME_FORMAT, attrs={"placeholder": "dd/mm/yyyy hh:mm", "autofocus": True}
        ),
        help_text=_("Ngày giờ đến, ví dụ 01/10/2025 08:30."),
        error_messages={
            "required": _("Phải ghi ngày đến."),
            "invalid": _("Ngày đến không hợp lệ (dd/mm/yyyy hh:mm)."),
        },
    )
    sender = forms.CharField(
        label=_("Cơ quan ban hành"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "goi-y-sender"}),
    )
    number_symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    issued_date = DateField(label=_("Ngày văn bản"), required=False)
    document_type = DocumentTypeField()
    summary = forms.CharField(
        label=_("Trích yếu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    signer = forms.CharField(
        label=_("Người ký"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "goi-y-signer"}),
    )
    secrecy = forms.ChoiceField(
        label=_("Độ mật"),
        choices=Secrecy.choices,
        initial=Secrecy.NONE,
        error_messages={"invalid_choice": _("Độ mật không hợp lệ.")},
    )
    urgency = forms.ChoiceField(
        label=_("Độ khẩn"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        error_messages={"invalid_choice": _("Độ khẩn không hợp lệ.")},
    )
    deadline = DateField(label=_("Hạn giải quyết"), required=False)
    page_count = _page_count_field()
    attachments = MultipleFileField(label=_("Tệp đính kèm"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"received_at": timezone.localtime().replace(second=0, microsecond=0)}
        )
        super().__init__(*args, **kwargs)
        for name in ("issued_date", "deadline"):
            self.fields[name].help_text = ""
        for name in ("sender", "signer"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("registry:suggest", args=[name]),
                    "hx-trigger": "input changed delay:200ms",
                    "hx-target": f"#goi-y-{name}",
                    "hx-sync": "this:replace",
                }
            )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("attachments", None)
        return data


class ReturnForm(StyledForm):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=1000,
        error_messages={"required": _("Phải ghi lý do trả lại.")},
    )


class FileForm(StyledForm):
    attachments = MultipleFileField(label=_("Thêm tệp"), required=True)
    attachments.error_messages["required"] = _("Hãy chọn ít nhất một tệp.")


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name or obj.username} ({obj.username})"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name or obj.username}"


class PresentForm(StyledForm):
    leader = UserChoiceField(
        label=_("Lãnh đạo"),
        queryset=User.objects.none(),
        empty_label=_("— chọn lãnh đạo —"),
        error_messages={
            "required": _("Hãy chọn lãnh đạo để trình."),
            "invalid_choice": _("Người được chọn không phải lãnh đạo của tổ chức."),
        },
    )

    def __init__(self, *args: Any, leaders: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if leaders is not None:
            self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]


class AssignForm(StyledForm):
    """Bút phê (NĐ 30 Điều 23): lead, support, inform, deadline and the direction's text."""

    lead = UserChoiceField(
        label=_("Chủ trì"),
        queryset=User.objects.none(),
        empty_label=_("— chọn người chủ trì —"),
        error_messages={
            "required": _("Hãy chọn người chủ trì."),
            "invalid_choice": _("Người được chọn không thuộc tổ chức của văn bản."),
        },
    )
    support = UserMultipleChoiceField(
        label=_("Phối hợp"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Người phối hợp không thuộc tổ chức của văn bản.")},
    )
    inform = UserMultipleChoiceField(
        label=_("Để biết"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Người để biết không thuộc tổ chức của văn bản.")},
    )
    deadline = DateField(label=_("Hạn giải quyết"), required=False)
    # Or "trong N ngày làm việc" from today (core.workdays: weekends, holidays, làm bù).
    deadline_working_days = forms.IntegerField(
        label=_("Hoặc: trong số ngày làm việc"),
        required=False,
        min_value=0,
        max_value=2500,
        error_messages={
            "invalid": _("Số ngày làm việc phải là một số nguyên."),
            "min_value": _("Số ngày làm việc không được âm."),
            "max_value": _("Số ngày làm việc tối đa là %(limit_value)s."),
        },
    )
    # Thời hạn từng cá nhân (Phiếu giải quyết văn bản đến): supporters may have their own.
    support_deadline = DateField(label=_("Hạn của người phối hợp (nếu khác)"), required=False)
    note = forms.CharField(
        label=_("Ý kiến chỉ đạo"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            for name in ("lead", "support", "inform"):
                self.fields[name].queryset = people  # type: ignore[attr-defined]


class CompleteForm(StyledForm):
    note = forms.CharField(
        label=_("Kết quả xử lý"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutgoingForm(StyledForm):
    """Dự thảo văn bản đi with its nơi nhận (organisations of the installation and names)."""

    document_type = DocumentTypeField(widget=forms.Select(attrs={"autofocus": True}))
    summary = forms.CharField(
        label=_("Trích yếu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    signer = forms.CharField(label=_("Người ký"), max_length=150, required=False)
    secrecy = forms.ChoiceField(
        label=_("Độ mật"),
        choices=Secrecy.choices,
        initial=Secrecy.NONE,
        error_messages={"invalid_choice": _("Độ mật không hợp lệ.")},
    )
    urgency = forms.ChoiceField(
        label=_("Độ khẩn"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        error_messages={"invalid_choice": _("Độ khẩn không hợp lệ.")},
    )
    recipient_orgs = forms.ModelMultipleChoiceField(
        label=_("Nơi nhận trong hệ thống"),
        queryset=Organization.objects.all(),
        required=False,
        widget=forms.MultipleHiddenInput,
        error_messages={"invalid_choice": _("Tổ chức nhận không hợp lệ.")},
    )
    all_subordinates = forms.BooleanField(
        label=_("Gửi tất cả các đảng bộ trực thuộc"), required=False
    )
    recipient_names = forms.CharField(
        label=_("Nơi nhận khác (mỗi dòng một nơi)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def recipients(self, subordinates: list[Organization]) -> list[dict[str, Any]]:
        """Picked organisations, the committees below (if asked), then free-text names."""
        picked: list[Organization] = list(self.cleaned_data["recipient_orgs"])
        if self.cleaned_data["all_subordinates"]:
            picked += subordinates
        seen: set[int] = set()
        items: list[dict[str, Any]] = []
        for org in picked:
            if org.pk not in seen:
                seen.add(org.pk)
                items.append({"organization": org})
        for line in self.cleaned_data["recipient_names"].splitlines():
            if line.strip():
                items.append({"name": line.strip()[:255]})
        return items

    def service_data(self, subordinates: list[Organization]) -> dict[str, Any]:
        data = {
            k: self.cleaned_data[k]
            for k in ("document_type", "summary", "signer", "secrecy", "urgency")
        }
        data["recipients"] = self.recipients(subordinates)
        return data
