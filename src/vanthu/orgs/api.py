"""REST API for organisations, users, terms and document types (docs/api.md)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.access import policy
from vanthu.core.enums import Clearance, OrgKind, Role
from vanthu.orgs import selectors, services
from vanthu.orgs.models import DocumentType, Organization, Term, User
from vanthu.web.otp import confirmed_device, otp_required
from vanthu.web.throttle import LoginThrottle


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        help_text="Mã TOTP 6 số: bắt buộc với người dùng đã đăng ký xác thực hai lớp "
        "và có mức tiếp cận từ VANTHU_OTP_REQUIRED_CLEARANCE trở lên.",
    )


class TokenView(APIView):
    """POST username and password, get the token for ``Authorization: Token …``."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    # Per (address, username) and per address, one count for every process (docs/security.md).
    throttle_classes = [LoginThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        ser = TokenRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=ser.validated_data["username"],
            password=ser.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            return Response(
                {"detail": _("Đăng nhập sai quá nhiều lần; hãy thử lại sau.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Tên đăng nhập hoặc mật khẩu không đúng.")]}
            )
        # A user who enrolled a second factor passes it here too, or the API would bypass it.
        device = confirmed_device(user) if otp_required(user) else None
        if device is not None:
            code = ser.validated_data.get("otp", "")
            if not code:
                raise serializers.ValidationError({"otp": [_("Cần mã xác thực hai lớp (TOTP).")]})
            if not device.verify_token(code):
                raise serializers.ValidationError(
                    {"otp": [_("Mã xác thực hai lớp không đúng hoặc đã hết hạn.")]}
                )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeSerializer(serializers.ModelSerializer[User]):
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "organization", "roles", "clearance"]


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(cast(User, request.user)).data)


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    kind = serializers.ChoiceField(choices=OrgKind.choices)

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "name",
            "symbol",
            "kind",
            "parent",
            "depth",
            "active_from",
            "active_until",
        ]
        read_only_fields = ["depth"]
        # Uniqueness is checked by the service, with a Vietnamese message.
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}


class OrganizationList(generics.ListCreateAPIView[Organization]):
    serializer_class = OrganizationSerializer

    def get_queryset(self) -> QuerySet[Organization]:
        parent = self.request.query_params.get("parent")
        return selectors.organizations(parent=parent)

    def perform_create(self, serializer: OrganizationSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        serializer.instance = services.create_organization(
            actor=self.request.user,  # type: ignore[arg-type]
            code=data["code"],
            name=data["name"],
            symbol=data["symbol"],
            kind=data["kind"],
            parent=data.get("parent"),
            active_from=data.get("active_from"),
        )


class OrganizationDetail(generics.RetrieveUpdateAPIView[Organization]):
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.all()

    def perform_update(self, serializer: OrganizationSerializer) -> None:  # type: ignore[override]
        serializer.instance = services.update_organization(
            actor=self.request.user,  # type: ignore[arg-type]
            organization=self.get_object(),
            data=dict(serializer.validated_data),
        )


class TermSerializer(serializers.ModelSerializer[Term]):
    class Meta:
        model = Term
        fields = ["id", "organization", "name", "start_date"]
        read_only_fields = ["organization"]


class TermList(generics.ListCreateAPIView[Term]):
    serializer_class = TermSerializer
    pagination_class = None

    def organization(self) -> Organization:
        return get_object_or_404(Organization, pk=self.kwargs["pk"])

    def get_queryset(self) -> QuerySet[Term]:
        return Term.objects.filter(organization=self.organization())

    def perform_create(self, serializer: TermSerializer) -> None:  # type: ignore[override]
        serializer.instance = services.add_term(
            actor=self.request.user,  # type: ignore[arg-type]
            organization=self.organization(),
            name=serializer.validated_data["name"],
            start_date=serializer.validated_data["start_date"],
        )


class UserSerializer(serializers.ModelSerializer[User]):
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), allow_empty=False
    )
    clearance = serializers.ChoiceField(choices=Clearance.choices, default=Clearance.NONE)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "full_name",
            "organization",
            "roles",
            "clearance",
            "position_title",
            "email",
            "is_active",
        ]
        read_only_fields = ["is_active"]
        extra_kwargs: dict[str, dict[str, Any]] = {
            "username": {"validators": []},
            "organization": {"required": True, "allow_null": False},
        }


class UserList(generics.ListCreateAPIView[User]):
    serializer_class = UserSerializer

    def get_queryset(self) -> QuerySet[User]:
        return selectors.administered_users(self.request.user)  # type: ignore[arg-type]

    def perform_create(self, serializer: UserSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        serializer.instance = services.create_user(
            actor=self.request.user,  # type: ignore[arg-type]
            username=data["username"],
            password=data["password"],
            full_name=data.get("full_name", ""),
            organization=data["organization"],
            roles=data["roles"],
            clearance=data["clearance"],
            position_title=data.get("position_title", ""),
            email=data.get("email", ""),
        )


class UserDetail(generics.RetrieveAPIView[User]):
    serializer_class = UserSerializer

    def get_queryset(self) -> QuerySet[User]:
        return selectors.administered_users(self.request.user)  # type: ignore[arg-type]


class DocumentTypeSerializer(serializers.ModelSerializer[DocumentType]):
    class Meta:
        model = DocumentType
        fields = ["code", "name", "abbreviation", "family"]


class DocumentTypeList(generics.ListAPIView[DocumentType]):
    serializer_class = DocumentTypeSerializer
    queryset = DocumentType.objects.filter(active=True)
    pagination_class = None


__all__ = ["policy"]
