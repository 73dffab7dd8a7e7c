"""Fixtures of the venues tests: a complete organisation A (every kind of object) and images."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.factories import png_bytes


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
def money():
    return lambda value: Decimal(value).quantize(Decimal("0.01"))
