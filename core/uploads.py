"""Uploaded pictures: kept only as a re-encoded JPEG, PNG or WebP under a name we generate.

Every file field of ours is a `core.uploads.ImageField` (tests/core/test_uploads.py checks it).
Whatever path saves a file into one — a service, the admin, demo data, `field.save(...)` — the
bytes go through `image_clean`: Pillow must recognise a JPEG, PNG or WebP of bounded size,
which is decoded and encoded afresh (dropping anything appended to it, EXIF and other
metadata) and stored as `<uuid>.<extension of that format>`. The client's file name and
extension are never used, so nothing uploaded can be served as HTML or script.
"""

from __future__ import annotations

import io
import uuid
import warnings
from typing import IO, NoReturn

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import ApplicationError

# Pillow's format -> the extension the stored file gets.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Uploads larger than this are refused before Pillow ever opens them.
MAX_BYTES: int = getattr(settings, "UPLOAD_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
# Larger pictures are refused by their size in pixels (a small file may unpack to gigabytes).
MAX_SIDE = 10_000
MAX_PIXELS = 50_000_000


class CleanImage(ContentFile):
    """Bytes `image_clean` produced: saved as they are, never cleaned twice."""


def image_clean(upload: IO[bytes] | File[bytes], *, field: str = "image") -> CleanImage:
    """The picture in `upload`, re-encoded in its own format without metadata, under a new name.

    Raises ApplicationError (naming `field`) if it is not a JPEG, PNG or WebP of bounded size.
    """
    if isinstance(upload, CleanImage):
        return upload
    data = _read_bounded(upload, field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                image_format = picture.format or ""
                if image_format not in FORMATS:
                    _refuse(_("Upload a JPEG, PNG or WebP image."), field)
                width, height = picture.size
                if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                # Turn the picture as its EXIF says before that metadata is dropped.
                clean = ImageOps.exif_transpose(picture)
                clean.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(
            _("The photo is too large in pixels: at most %(side)s × %(side)s.")
            % {"side": MAX_SIDE},
            field,
        )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        _refuse(_("This file is not an image."), field)
    return CleanImage(
        _encode(clean, image_format), name=f"{uuid.uuid4().hex}.{FORMATS[image_format]}"
    )


def _read_bounded(upload: IO[bytes] | File[bytes], field: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        _refuse_size(field)
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_BYTES:
        _refuse_size(field)
    return data


def _encode(picture: Image.Image, image_format: str) -> bytes:
    """Encode afresh with nothing but the pixels: no EXIF, XMP, text chunks or comments."""
    if picture.has_transparency_data and picture.mode not in ("RGBA", "LA"):
        # A palette's or tRNS transparency is kept in `info`, which is dropped below.
        picture = picture.convert("RGBA")
    picture.info.clear()
    if image_format == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    elif image_format == "WEBP" and picture.mode not in ("RGB", "RGBA"):
        picture = picture.convert("RGBA" if picture.has_transparency_data else "RGB")
    out = io.BytesIO()
    if image_format == "PNG":
        picture.save(out, format=image_format, optimize=True)
    else:
        picture.save(out, format=image_format, quality=90)
    return out.getvalue()


def _refuse_size(field: str) -> NoReturn:
    _refuse(
        _("The photo is too large: at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
        field,
    )


def _refuse(message: str, field: str) -> NoReturn:
    raise ApplicationError(message, fields={field: [message]}, code="bad_image")


class CleanImageFieldFile(ImageFieldFile):
    """A stored picture; saving one cleans the bytes and ignores the name it was given."""

    def save(self, name: str, content: File[bytes], save: bool = True) -> None:
        clean = image_clean(content, field=self.field.name)
        super().save(clean.name or "", clean, save)


class ImageField(models.ImageField):
    """The only file field models use: every file saved into it goes through `image_clean`."""

    attr_class = CleanImageFieldFile
