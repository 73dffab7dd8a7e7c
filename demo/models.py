"""The demo's own keys: which objects `seed_demo` made, so it finds them again without names."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoObject(models.Model):
    """An object made by the demo data, under a key of the demo's own: users choose names
    (an organisation may well be called like a demo one), never these keys."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    content_type = models.ForeignKey(ContentType, verbose_name=_("type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))

    class Meta:
        verbose_name = _("demo object")
        verbose_name_plural = _("demo objects")

    def __str__(self) -> str:
        return self.key
