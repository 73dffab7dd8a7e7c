"""API of accounts: obtain a token with e-mail and password; read and edit one's profile."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.http import SignedInApiRequest
from accounts.models import validate_birthday
from core.errors import ApplicationError


class TokenObtainView(APIView):
    """Exchange an e-mail and password for an API token (`Authorization: Token <token>`)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_scope = "token"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer, auth=[])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = selectors.user_authenticate(request=request._request, **data.validated_data)
        if user is None:
            raise ApplicationError(
                _("Wrong e-mail or password, or the e-mail is not confirmed yet."),
                code="auth_failed",
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response(self.OutputSerializer({"token": token.key}).data)


class MeView(APIView):
    """The signed-in user's profile."""

    permission_classes = [IsAuthenticated]

    class ProfileSerializer(serializers.Serializer):
        email = serializers.EmailField(read_only=True)
        name = serializers.CharField(max_length=150, allow_blank=True, required=False)
        phone = PhoneNumberField(allow_blank=True, required=False)
        birthday = serializers.DateField(
            allow_null=True, required=False, validators=[validate_birthday]
        )

    @extend_schema(responses=ProfileSerializer)
    def get(self, request: Request) -> Response:
        return Response(self.ProfileSerializer(request.user).data)

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def patch(self, request: SignedInApiRequest) -> Response:
        data = self.ProfileSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = request.user
        values = {
            "name": user.name,
            "phone": user.phone,
            "birthday": user.birthday,
            **data.validated_data,
        }
        user = services.profile_update(user=user, **values)
        return Response(self.ProfileSerializer(user).data)
