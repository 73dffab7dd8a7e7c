"""Russia's time zones in words a reader understands («по времени Новосибирска (МСК+4)»), for
pages, e-mails and the venue form's list, instead of raw IANA names."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")

# Russia's eleven zones, west to east, each under the city people name it by. The offsets from
# Moscow are read from the zone data (`msk_offset`), so a change of the law needs no edit here.
RUSSIAN_ZONES = {
    "Europe/Kaliningrad": gettext_lazy("Kaliningrad time"),
    "Europe/Moscow": gettext_lazy("Moscow time"),
    "Europe/Samara": gettext_lazy("Samara time"),
    "Asia/Yekaterinburg": gettext_lazy("Yekaterinburg time"),
    "Asia/Omsk": gettext_lazy("Omsk time"),
    "Asia/Novosibirsk": gettext_lazy("Novosibirsk time"),
    "Asia/Krasnoyarsk": gettext_lazy("Krasnoyarsk time"),
    "Asia/Irkutsk": gettext_lazy("Irkutsk time"),
    "Asia/Yakutsk": gettext_lazy("Yakutsk time"),
    "Asia/Vladivostok": gettext_lazy("Vladivostok time"),
    "Asia/Magadan": gettext_lazy("Magadan time"),
    "Asia/Kamchatka": gettext_lazy("Kamchatka time"),
}


def msk_offset(name: str, now: datetime.datetime | None = None) -> str:
    """«MSK+4», «MSK», «MSK−1»: the zone's offset from Moscow time at `now`."""
    moment = now or timezone.now()
    local, moscow = moment.astimezone(zoneinfo.ZoneInfo(name)), moment.astimezone(MOSCOW)
    delta = (local.utcoffset() or datetime.timedelta()) - (
        moscow.utcoffset() or datetime.timedelta()
    )
    minutes = int(delta.total_seconds() // 60)
    if not minutes:
        return _("MSK")
    hours, rest = divmod(abs(minutes), 60)
    amount = f"{hours}" + (f":{rest:02d}" if rest else "")
    return _("MSK%(sign)s%(hours)s") % {"sign": "+" if minutes > 0 else "−", "hours": amount}


def zone_label(name: str, now: datetime.datetime | None = None) -> str:
    """«Novosibirsk time (MSK+4)»; a zone outside Russia: «local time (MSK+5)»; never the IANA
    name. An unknown name gives an empty string (there is nothing true to say)."""
    try:
        offset = msk_offset(name, now)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    words = RUSSIAN_ZONES.get(name) or _("local time")
    return _("%(zone)s (%(offset)s)") % {"zone": words, "offset": offset}


def zone_choices(current: str = "") -> list[tuple[str, str]]:
    """The venue form's list: Russia's zones west to east (and `current`, when a venue was
    given another zone through the API or the admin, so editing it keeps it)."""
    names = list(RUSSIAN_ZONES)
    if current and current not in RUSSIAN_ZONES and zone_label(current):
        names.append(current)
    return [(name, zone_label(name)) for name in names]
