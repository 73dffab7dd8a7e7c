"""Uploads: every file field stores only a re-encoded picture under a generated name, whatever
name, extension or trailing payload the client sent, and media is served with nosniff."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from django.urls import clear_url_caches, reverse
from django.utils import translation
from PIL import Image
from rest_framework.test import APIClient

from core import uploads
from core.errors import ApplicationError
from tests.factories import png_bytes
from venues.models import Photo

pytestmark = pytest.mark.django_db

PAYLOAD = b"<html><script>alert(document.cookie)</script></html>"
STORED = re.compile(r"^photos/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg|webp)$")


def _evil_png() -> bytes:
    """A valid PNG with a script appended: Pillow reads it, a browser sniffing it sees HTML."""
    return png_bytes() + PAYLOAD


def _assert_clean(photo: Photo, extension: str = "png") -> None:
    assert STORED.match(photo.image.name), photo.image.name
    assert photo.image.name.endswith(f".{extension}")
    with photo.image.open("rb") as stored:
        data = stored.read()
    assert PAYLOAD not in data and b"<script" not in data
    with Image.open(io.BytesIO(data)) as picture:
        assert uploads.FORMATS[picture.format or ""] == extension


def test_every_file_field_of_every_model_cleans_what_it_stores():
    """The class: a new FileField/ImageField anywhere must use core.uploads.ImageField."""
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert "venues.Photo.image" in file_fields
    unclean = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and not isinstance(field, uploads.ImageField)
    ]
    assert unclean == [], "store uploads through core.uploads.ImageField"


def test_a_script_after_a_png_sent_as_html_through_the_api_is_stored_as_a_clean_png(
    owner_a, venue_a
):
    api = APIClient()
    api.force_authenticate(owner_a)
    upload = ContentFile(_evil_png(), name="evil.html")
    response = api.post(
        f"/api/v1/partner/venues/{venue_a.pk}/photos/", {"image": upload}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert "evil" not in response.data["url"] and response.data["url"].endswith(".png")
    _assert_clean(Photo.objects.get())


def test_the_dashboard_and_the_admin_store_clean_pictures_too(client, owner_a, venue_a, staff_user):
    client.force_login(owner_a)
    response = client.post(
        reverse("dashboard:photos", args=[venue_a.pk]),
        {"image": ContentFile(_evil_png(), name="evil.svg")},
    )
    assert response.status_code == 302
    client.force_login(staff_user)
    response = client.post(
        "/admin/venues/photo/add/",
        {
            "venue": venue_a.pk,
            "position": 0,
            "image": ContentFile(png_bytes(image_format="JPEG") + PAYLOAD, name="x.php"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    first, second = Photo.objects.order_by("pk")
    _assert_clean(first)
    _assert_clean(second, "jpg")


def test_saving_straight_into_the_field_is_cleaned_as_well(venue_a):
    photo = Photo(venue=venue_a)
    photo.image.save("evil.html", ContentFile(_evil_png()), save=True)
    _assert_clean(photo)
    with translation.override("en"), pytest.raises(ApplicationError, match="not an image"):
        Photo(venue=venue_a).image.save("evil.png", ContentFile(PAYLOAD), save=True)
    assert Photo.objects.count() == 1


def test_metadata_is_dropped_and_transparency_kept():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0131] = "Where I live"  # Software, standing in for anything private
    buffer = io.BytesIO()
    Image.new("RGB", (16, 8), (10, 20, 30)).save(buffer, format="JPEG", exif=exif)
    assert b"Where I live" in buffer.getvalue()
    clean = uploads.image_clean(ContentFile(buffer.getvalue(), name="me.jpg"))
    with Image.open(clean) as picture:
        assert picture.format == "JPEG" and picture.size == (16, 8)
        assert not picture.getexif() and "exif" not in picture.info
    clean.seek(0)
    assert b"Where I live" not in clean.read()
    palette = Image.new("P", (4, 4), 0)
    palette.info["transparency"] = 0
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG")
    clean = uploads.image_clean(ContentFile(buffer.getvalue()))
    with Image.open(clean) as picture:
        assert picture.convert("RGBA").getpixel((0, 0))[3] == 0


@pytest.fixture
def dev_urls(settings):
    """The URLs `runserver` gets with DJANGO_DEBUG=1, which serve /media/ themselves."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_media_is_served_as_the_picture_it_is_with_nosniff(client, venue_a, dev_urls):
    photo = Photo(venue=venue_a)
    photo.image.save("evil.html", ContentFile(_evil_png()), save=True)
    response = client.get(photo.image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
