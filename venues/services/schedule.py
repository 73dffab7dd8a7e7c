"""Opening hours, exceptions and schedule freshness (DESIGN §3: stale schedules lose points)."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.after_commit import announce
from core.errors import ApplicationError, Conflict
from core.services import (
    apply_values,
    audit_record,
    full_clean,
    json_value,
    save_or_conflict,
    snapshot,
)
from venues import signals
from venues.extensions import schedule_changed
from venues.models import (
    SCHEDULE_FRESH_DAYS,
    SCHEDULE_REMIND_DAYS,
    Holiday,
    OpeningHours,
    ScheduleException,
    Venue,
)


@dataclass(frozen=True)
class DayHours:
    opens: datetime.time
    closes: datetime.time


def _hours_error(weekday: int) -> ApplicationError:
    message = _("%(day)s: the closing time must differ from the opening time.") % {
        "day": OpeningHours.Weekday(weekday).label
    }
    return ApplicationError(message, fields={f"day_{weekday}": [message]})


@transaction.atomic
def opening_hours_set(
    *,
    actor: User,
    venue: Venue,
    hours: Mapping[int, DayHours | None],
    now: datetime.datetime | None = None,
) -> list[OpeningHours]:
    """Replace the weekly hours (None = closed that weekday); also confirms the schedule."""
    for weekday, day in hours.items():
        if weekday not in range(7):
            raise ApplicationError(_("A weekday is a number from 0 (Monday) to 6 (Sunday)."))
        if day is not None and day.opens == day.closes:
            raise _hours_error(weekday)
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    before = {
        str(h.weekday): f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in venue.opening_hours.all()
    }
    OpeningHours.objects.filter(venue=venue, weekday__in=list(hours)).delete()
    created = OpeningHours.objects.bulk_create(
        OpeningHours(venue=venue, weekday=weekday, opens=day.opens, closes=day.closes)
        for weekday, day in sorted(hours.items())
        if day is not None
    )
    _confirm(venue, now)
    schedule_changed(venue_id=venue.pk)
    after = {str(h.weekday): f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in venue.opening_hours.all()}
    audit_record(actor=actor, action="venue.hours_set", obj=venue, before=before, after=after)
    return created


def _confirm(venue: Venue, now: datetime.datetime | None) -> None:
    """A confirmed schedule; points paused by the freshness job come back on with it."""
    venue.schedule_confirmed_at = now or timezone.now()
    fields = ["schedule_confirmed_at"]
    if venue.points_off_stale_schedule:
        venue.accepts_points, venue.points_off_stale_schedule = True, False
        fields += ["accepts_points", "points_off_stale_schedule"]
        audit_record(
            actor=None,
            action="venue.points_on_schedule_confirmed",
            obj=venue,
            before={"accepts_points": False},
            after={"accepts_points": True},
        )
    venue.save(update_fields=fields)


@transaction.atomic
def schedule_confirm(*, actor: User, venue: Venue, now: datetime.datetime | None = None) -> Venue:
    """The team says the schedule is up to date (DESIGN §3: stale schedules lose points)."""
    if not OpeningHours.objects.filter(venue=venue).exists():
        raise ApplicationError(
            _("Every day is closed: set the opening hours before confirming the schedule.")
        )
    before = json_value(venue.schedule_confirmed_at)
    _confirm(venue, now)
    audit_record(
        actor=actor,
        action="venue.schedule_confirm",
        obj=venue,
        before={"schedule_confirmed_at": before},
        after={"schedule_confirmed_at": json_value(venue.schedule_confirmed_at)},
    )
    return venue


EXCEPTION_MAX_YEARS_AHEAD = 2


def schedule_exception_date_check(
    *, venue: Venue, date: datetime.date, now: datetime.datetime | None = None
) -> None:
    """An exception is for a day from today (the venue's today) up to two years ahead."""
    today = timezone.localdate(now or timezone.now(), timezone=zoneinfo.ZoneInfo(venue.timezone))
    try:
        last = today.replace(year=today.year + EXCEPTION_MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        last = today.replace(year=today.year + EXCEPTION_MAX_YEARS_AHEAD, day=28)
    if date < today:
        message = _("The date is in the past.")
        raise ApplicationError(message, fields={"date": [message]})
    if date > last:
        message = _("Choose a date no more than two years ahead.")
        raise ApplicationError(message, fields={"date": [message]})


EXCEPTION_FIELDS = ("date", "is_closed", "opens", "closes", "note")


class ScheduleExceptionValues(TypedDict, total=False):
    """A closed day or a day of special hours; every key is optional on a change."""

    date: datetime.date
    is_closed: bool
    opens: datetime.time | None
    closes: datetime.time | None  # at or before `opens`: past midnight
    note: str


def _exception_check(exception: ScheduleException) -> None:
    """Special hours need both times, and different ones; a closed day has none."""
    if exception.is_closed:
        exception.opens = exception.closes = None
    elif exception.opens is None or exception.closes is None:
        message = _("Enter the special opening and closing times, or mark the day closed.")
        raise ApplicationError(message, fields={"opens": [message]})
    elif exception.opens == exception.closes:
        message = _("The closing time must differ from the opening time.")
        raise ApplicationError(message, fields={"closes": [message]})
    taken = ScheduleException.objects.filter(venue_id=exception.venue_id, date=exception.date)
    if taken.exclude(pk=exception.pk).exists():
        message = _("There is already an exception on this date.")
        raise Conflict(message, fields={"date": [message]})
    full_clean(exception, exclude=["venue"])


@transaction.atomic
def schedule_exception_create(
    *,
    actor: User,
    venue: Venue,
    date: datetime.date,
    is_closed: bool = True,
    opens: datetime.time | None = None,
    closes: datetime.time | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ScheduleException:
    schedule_exception_date_check(venue=venue, date=date, now=now)
    exception = ScheduleException(
        venue=venue, date=date, is_closed=is_closed, opens=opens, closes=closes, note=note
    )
    _exception_check(exception)
    save_or_conflict(exception, _("There is already an exception on this date."))
    _confirm(venue, now)
    schedule_changed(venue_id=venue.pk, days=[date])
    audit_record(
        actor=actor,
        action="venue.exception_create",
        obj=exception,
        after=snapshot(exception, EXCEPTION_FIELDS),
    )
    return exception


@transaction.atomic
def schedule_exception_update(
    *,
    actor: User,
    exception: ScheduleException,
    now: datetime.datetime | None = None,
    **values: Unpack[ScheduleExceptionValues],
) -> ScheduleException:
    """Change an exception; a new date must be one an exception may be added for."""
    before = snapshot(exception, EXCEPTION_FIELDS)
    venue = exception.venue
    if "date" in values and values["date"] != exception.date:
        schedule_exception_date_check(venue=venue, date=values["date"], now=now)
    was = exception.date
    apply_values(exception, values, EXCEPTION_FIELDS)
    _exception_check(exception)
    save_or_conflict(exception, _("There is already an exception on this date."))
    _confirm(venue, now)
    schedule_changed(venue_id=venue.pk, days=[was, exception.date])
    audit_record(
        actor=actor,
        action="venue.exception_update",
        obj=exception,
        before=before,
        after=snapshot(exception, EXCEPTION_FIELDS),
    )
    return exception


@transaction.atomic
def schedule_exception_delete(
    *, actor: User, exception: ScheduleException, now: datetime.datetime | None = None
) -> None:
    audit_record(
        actor=actor,
        action="venue.exception_delete",
        obj=exception,
        before=snapshot(exception, EXCEPTION_FIELDS),
    )
    venue, day = exception.venue, exception.date
    exception.delete()
    _confirm(venue, now)
    schedule_changed(venue_id=venue.pk, days=[day])


# --- public holidays (the staff calendar: a holiday is priced by the rooms' holiday prices) -----

HOLIDAY_FIELDS = ("date", "name")


@transaction.atomic
def holiday_create(*, actor: User, date: datetime.date, name: str) -> Holiday:
    holiday = Holiday(date=date, name=(name or "").strip())
    full_clean(holiday)
    save_or_conflict(holiday, _("There is already a holiday on this date."))
    schedule_changed(days=[holiday.date])  # every room is priced by its holiday prices then
    audit_record(
        actor=actor, action="holiday.create", obj=holiday, after=snapshot(holiday, HOLIDAY_FIELDS)
    )
    return holiday


@transaction.atomic
def holiday_update(
    *,
    actor: User,
    holiday: Holiday,
    date: datetime.date | None = None,
    name: str | None = None,
) -> Holiday:
    """Move or rename a holiday (None: keep it as it is)."""
    before = snapshot(holiday, HOLIDAY_FIELDS)
    was = holiday.date
    if date is not None:
        holiday.date = date
    if name is not None:
        holiday.name = name.strip()
    full_clean(holiday)
    save_or_conflict(holiday, _("There is already a holiday on this date."))
    schedule_changed(days=[was, holiday.date])
    audit_record(
        actor=actor,
        action="holiday.update",
        obj=holiday,
        before=before,
        after=snapshot(holiday, HOLIDAY_FIELDS),
    )
    return holiday


@transaction.atomic
def holiday_delete(*, actor: User, holiday: Holiday) -> None:
    audit_record(
        actor=actor, action="holiday.delete", obj=holiday, before=snapshot(holiday, HOLIDAY_FIELDS)
    )
    day = holiday.date
    holiday.delete()
    schedule_changed(days=[day])


# --- schedule freshness -----------------------------------------------------------------------


def _days_since(venue: Venue, now: datetime.datetime) -> int:
    if venue.schedule_confirmed_at is None:
        return SCHEDULE_FRESH_DAYS
    return (now - venue.schedule_confirmed_at).days


def schedule_freshness_check(*, now: datetime.datetime, batch_size: int = 500) -> tuple[int, int]:
    """Remind owners 25 days after a confirmation (once per confirmation) and, after 30 days,
    stop accepting points (audited). Claims rows with SKIP LOCKED: safe twice and in parallel.
    Returns (reminded, switched off)."""
    remind_before = now - datetime.timedelta(days=SCHEDULE_REMIND_DAYS)
    stale_before = now - datetime.timedelta(days=SCHEDULE_FRESH_DAYS)
    reminded = switched_off = 0
    with transaction.atomic():
        stale = list(
            Venue.objects.select_for_update(skip_locked=True)
            .filter(accepts_points=True)
            .filter(
                Q(schedule_confirmed_at__isnull=True) | Q(schedule_confirmed_at__lt=stale_before)
            )
            .order_by("pk")[:batch_size]
        )
        for venue in stale:
            venue.accepts_points, venue.points_off_stale_schedule = False, True
            venue.save(update_fields=["accepts_points", "points_off_stale_schedule"])
            audit_record(
                actor=None,
                action="venue.points_off_stale_schedule",
                obj=venue,
                before={"accepts_points": True},
                after={
                    "accepts_points": False,
                    "schedule_confirmed_at": json_value(venue.schedule_confirmed_at),
                },
            )
            switched_off += 1
            announce(
                signals.points_paused,
                sender=Venue,
                venue_id=venue.pk,
                days=_days_since(venue, now),
            )
        due = list(
            Venue.objects.select_for_update(skip_locked=True)
            .filter(
                accepts_points=True,
                schedule_confirmed_at__lte=remind_before,
                schedule_confirmed_at__gte=stale_before,
            )
            .exclude(schedule_reminder_for=models.F("schedule_confirmed_at"))
            .order_by("pk")[:batch_size]
        )
        for venue in due:
            venue.schedule_reminder_for = venue.schedule_confirmed_at
            venue.save(update_fields=["schedule_reminder_for"])
            announce(
                signals.schedule_reminder_due,
                sender=Venue,
                venue_id=venue.pk,
                days=_days_since(venue, now),
            )
            reminded += 1
    return reminded, switched_off
