"""Forms of the web UI. They parse input only; every write goes through a service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vanthu.core.enums import Clearance, OrgKind, Role
from vanthu.orgs.models import Organization

DATE_HELP = _("Định dạng ngày/tháng/năm, ví dụ 01/10/2025.")


def style_fields(form: forms.BaseForm) -> None:
    """Bootstrap classes on the widgets (templates render fields through web/_field.html)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")
        style_fields(self)


class TokenForm(StyledForm):
    token = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        error_messages={
            "required": _("Hãy nhập mã xác thực."),
            "min_length": _("Mã xác thực có 6 chữ số."),
            "max_length": _("Mã xác thực có 6 chữ số."),
        },
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise ValidationError(_("Mã xác thực chỉ gồm chữ số."))
        return token


class DateField(forms.DateField):
    """A dd/mm/yyyy text field (architecture.md, invariant 4)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "%Y-%m-%d"])
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault("error_messages", {"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")})
        kwargs.setdefault(
            "widget", forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
        )
        super().__init__(**kwargs)


class OrganizationChoiceField(forms.ModelChoiceField[Organization]):
    """An organisation picked through the server-side lookup (a radio list, never a select).

    The queryset is restricted by the view to what the admin manages; the widget is hidden
    because the choices are rendered by the lookup fragment, not by the form.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Organization.objects.none())
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Hãy chọn một tổ chức."),
                "invalid_choice": _("Tổ chức đã chọn không hợp lệ hoặc bạn không quản trị."),
            },
        )
        super().__init__(**kwargs)


class OrganizationForm(StyledForm):
    code = forms.CharField(label=_("Mã"), max_length=40)
    name = forms.CharField(label=_("Tên tổ chức"), max_length=255)
    symbol = forms.CharField(
        label=_("Ký hiệu"),
        max_length=40,
        help_text=_("Phần ký hiệu cơ quan ban hành trong số văn bản, ví dụ TU, ĐU, VPTU."),
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=OrgKind.choices)
    parent = OrganizationChoiceField(label=_("Tổ chức cấp trên"), required=False)
    active_from = DateField(label=_("Hoạt động từ"), required=False)

    def __init__(self, *args: Any, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class OrganizationEditForm(OrganizationForm):
    active_until = DateField(label=_("Hoạt động đến"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The code identifies the organisation in other systems: it is not edited here.
        del self.fields["code"]


class TermForm(StyledForm):
    name = forms.CharField(label=_("Tên nhiệm kỳ"), max_length=100, help_text=_("Ví dụ 2025–2030."))
    start_date = DateField(label=_("Ngày bắt đầu"))


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", Role.choices)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("error_messages", {"required": _("Hãy chọn ít nhất một vai trò.")})
        super().__init__(**kwargs)


class UserCreateForm(StyledForm):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    password = forms.CharField(
        label=_("Mật khẩu"), widget=forms.PasswordInput, strip=False, max_length=128
    )
    organization = OrganizationChoiceField(label=_("Tổ chức"))
    roles = RolesField(label=_("Vai trò"))
    clearance = forms.ChoiceField(
        label=_("Mức tiếp cận bí mật"), choices=Clearance.choices, initial=Clearance.NONE
    )
    position_title = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)

    def __init__(self, *args: Any, organizations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class RolesForm(StyledForm):
    roles = RolesField(label=_("Vai trò"))


class ClearanceForm(StyledForm):
    clearance = forms.ChoiceField(label=_("Mức tiếp cận bí mật"), choices=Clearance.choices)


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (others on top)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
