"""Photos of venues and rooms: only real pictures of a bounded size are kept."""

from __future__ import annotations

import warnings

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from accounts.models import User
from core.errors import ApplicationError, NotFound
from core.services import audit_record
from venues.models import Photo, Room, Venue

# Uploads larger than this are refused before Pillow ever opens them.
PHOTO_MAX_BYTES = getattr(settings, "VENUES_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
# Larger pictures are refused by their size in pixels (a small file may unpack to gigabytes).
PHOTO_MAX_SIDE = 10_000


def photo_validate(image: UploadedFile) -> None:
    """A photo must be a real JPEG/PNG/WebP image no larger than PHOTO_MAX_BYTES."""
    if image.size is None or image.size > PHOTO_MAX_BYTES:
        message = _("The photo is too large: at most %(mb)s MB.") % {
            "mb": PHOTO_MAX_BYTES // (1024 * 1024)
        }
        raise ApplicationError(message, fields={"image": [message]})
    try:
        image.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(image) as picture:
                picture_format, (width, height) = picture.format, picture.size
                if max(width, height) > PHOTO_MAX_SIDE:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                picture.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        message = _("The photo is too large in pixels: at most %(side)s × %(side)s.") % {
            "side": PHOTO_MAX_SIDE
        }
        raise ApplicationError(message, fields={"image": [message]}) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        message = _("This file is not an image.")
        raise ApplicationError(message, fields={"image": [message]}) from error
    finally:
        image.seek(0)
    if picture_format not in PHOTO_FORMATS:
        message = _("Upload a JPEG, PNG or WebP image.")
        raise ApplicationError(message, fields={"image": [message]})


@transaction.atomic
def photo_add(*, actor: User, venue: Venue, image: UploadedFile, room: Room | None = None) -> Photo:
    photo_validate(image)
    if room is not None and room.venue_id != venue.pk:
        raise NotFound(_("Not found."))
    position = (
        Photo.objects.filter(venue=venue, room=room).aggregate(m=models.Max("position"))["m"] or 0
    )
    photo = Photo.objects.create(venue=venue, room=room, image=image, position=position + 1)
    audit_record(
        actor=actor,
        action="photo.add",
        obj=photo,
        after={"image": photo.image.name, "room": room and room.pk},
    )
    return photo


@transaction.atomic
def photo_delete(*, actor: User, photo: Photo) -> None:
    audit_record(actor=actor, action="photo.delete", obj=photo, before={"image": photo.image.name})
    name, storage = photo.image.name, photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
