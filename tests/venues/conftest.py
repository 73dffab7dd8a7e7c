"""Fixtures of the venues tests: a complete organisation A (every kind of object) and images."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from venues.models import Invitation, Photo, ScheduleException


def png_bytes(size=(8, 8), image_format="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 60, 200)).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Uploaded test photos go to a temporary folder, never into .data/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _english():
    # Service messages are asserted in English (the msgids); pages pick their own language.
    with translation.override("en"):
        yield


@pytest.fixture
def upload():
    def make(name="photo.png", content=None, content_type="image/png"):
        return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type)

    return make


@pytest.fixture
def org_a_objects(org_a, owner_a, manager_a, room_a):
    """One of every partner object of organisation A, keyed by the URL kwarg that names it."""
    venue = room_a.venue
    invitation = Invitation.objects.create(
        organisation=org_a, email="newcomer@example.com", role="manager", token="tok-a-123"
    )
    exception = ScheduleException.objects.create(
        venue=venue, date=datetime.date(2026, 12, 31), is_closed=True, note="Новый год"
    )
    photo = Photo.objects.create(venue=venue, image=ContentFile(png_bytes(), name="a.png"))
    return {
        "organisation_id": org_a.pk,
        "venue_id": venue.pk,
        "room_id": room_a.pk,
        "price_id": room_a.prices.first().pk,
        "membership_id": manager_a.memberships.get(organisation=org_a).pk,
        "invitation_id": invitation.pk,
        "exception_id": exception.pk,
        "photo_id": photo.pk,
        "token": invitation.token,
    }


@pytest.fixture
def money():
    return lambda value: Decimal(value).quantize(Decimal("0.01"))
