"""Photos of venues and rooms: only real pictures of a bounded size are kept (core.uploads)."""

from __future__ import annotations

from django.core.files.base import File
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound
from core.services import audit_record
from core.uploads import image_clean
from venues.models import Photo, Room, Venue


@transaction.atomic
def photo_add(*, actor: User, venue: Venue, image: File[bytes], room: Room | None = None) -> Photo:
    image = image_clean(image)
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
