"""Demo data of venues: two cities, a dozen venues, forty rooms with hours, prices and holidays."""

from __future__ import annotations

import colorsys
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from bookings import services as booking_services
from demo import keys
from venues import services
from venues.extensions import schedule_changed
from venues.models import (
    City,
    Holiday,
    Membership,
    OpeningHours,
    Organisation,
    Photo,
    PointsRule,
    Price,
    Room,
    Venue,
)

T = datetime.time
CITIES = {
    "moscow": ("Москва", "Europe/Moscow"),
    "spb": ("Санкт-Петербург", "Europe/Moscow"),
}
OWNER_ORGANISATION = "Громкая Связь"

# Rooms: (name, kind, capacity, area m², base price per hour ₽, equipment)
GEAR_BAND = ["Marshall JCM800", "Fender Twin Reverb", "Ampeg SVT", "Pearl Export", "Shure SM58 ×4"]
GEAR_BAND_PRO = [
    "Mesa/Boogie Dual Rectifier",
    "Orange Rockerverb",
    "Gallien-Krueger",
    "DW Collector's",
    "Yamaha MG16",
]
GEAR_STUDIO = ["Neumann U87", "Universal Audio Apollo", "Genelec 8040", "Pro Tools", "Yamaha C3"]
GEAR_PHOTO = ["Profoto D2 ×3", "Циклорама 6×4 м", "Софтбоксы", "Фоны: белый, чёрный, серый"]
GEAR_DANCE = ["Зеркала во всю стену", "Балетный станок", "Паркет", "Акустика JBL"]
GEAR_EVENT = ["Сцена 6×4 м", "Звук d&b", "Свет: 12 голов", "Проектор"]

# Venues: (organisation, name, city, address, metro, lat, lon, opens, closes, description, rooms)
VENUES = [
    (
        OWNER_ORGANISATION,
        "Репбаза «Громкая Связь»",
        "moscow",
        "ул. Нижняя Сыромятническая, 10, стр. 2",
        "Чкаловская",
        "55.754700",
        "37.664300",
        T(10),
        T(2),
        "Три зала с хорошим звуком в пяти минутах от метро. Работаем до двух ночи.",
        [
            ("Большой зал", "rehearsal", 8, 35, 900, GEAR_BAND_PRO),
            ("Малый зал", "rehearsal", 5, 20, 600, GEAR_BAND),
            ("Барабанная", "rehearsal", 2, 10, 400, ["Tama Starclassic", "Zildjian A Custom"]),
            ("Студия записи", "recording", 6, 30, 1800, GEAR_STUDIO),
        ],
    ),
    (
        OWNER_ORGANISATION,
        "Студия «Подвал №9»",
        "moscow",
        "ул. Бауманская, 58/25, стр. 14",
        "Бауманская",
        "55.772600",
        "37.680200",
        T(9),
        T(3),
        "Репетиции и запись в бывшем заводском корпусе; до трёх ночи, парковка во дворе.",
        [
            ("Зал «Кирпич»", "rehearsal", 7, 30, 800, GEAR_BAND),
            ("Зал «Бетон»", "rehearsal", 6, 25, 700, GEAR_BAND),
            ("Аппаратная", "recording", 4, 18, 1500, GEAR_STUDIO),
            ("Вокальная", "recording", 2, 8, 1000, ["Neumann TLM 103", "Universal Audio Apollo"]),
        ],
    ),
    (
        "Свет и Тень",
        "Фотостудия «Свет и Тень»",
        "moscow",
        "ул. Большая Новодмитровская, 36, стр. 4",
        "Дмитровская",
        "55.805100",
        "37.584600",
        T(9),
        T(22),
        "Фотостудия в дизайн-заводе «Флакон»: циклорама, дневной свет, гримёрка.",
        [
            ("Циклорама", "photo", 12, 80, 2200, GEAR_PHOTO),
            ("Зал с окнами", "photo", 8, 60, 1800, ["Дневной свет", "Рассеиватели", "Диван"]),
            ("Лофт", "photo", 10, 70, 2000, GEAR_PHOTO),
        ],
    ),
    (
        "Пластилин",
        "Танцевальный зал «Пластилин»",
        "moscow",
        "Ленинградский пр., 80, корп. 16",
        "Сокол",
        "55.805700",
        "37.514500",
        T(8),
        T(23),
        "Залы для танцев, йоги и репетиций спектаклей.",
        [
            ("Большой зал", "dance", 30, 120, 1500, GEAR_DANCE),
            ("Средний зал", "dance", 15, 60, 1000, GEAR_DANCE),
            ("Малый зал", "dance", 6, 30, 700, GEAR_DANCE),
        ],
    ),
    (
        "Электрозавод",
        "Лофт на Электрозаводской",
        "moscow",
        "ул. Электрозаводская, 21",
        "Электрозаводская",
        "55.782500",
        "37.705300",
        T(12),
        T(2),
        "Лофт для концертов, вечеринок и презентаций, до 150 гостей.",
        [
            ("Главный зал", "event", 150, 300, 6000, GEAR_EVENT),
            ("Камерный зал", "event", 40, 90, 3000, ["Рояль Yamaha", "Звук", "Проектор"]),
            ("Репетиционная", "rehearsal", 6, 25, 700, GEAR_BAND),
        ],
    ),
    (
        "Тишина",
        "Студия звукозаписи «Тишина»",
        "moscow",
        "ул. Шаболовка, 34, стр. 3",
        "Шаболовская",
        "55.718900",
        "37.607800",
        T(10),
        T(23),
        "Запись вокала, подкастов и живых инструментов, сведение и мастеринг.",
        [
            ("Студия A", "recording", 8, 45, 2500, GEAR_STUDIO),
            ("Студия B", "recording", 3, 15, 1200, ["Neumann TLM 103", "Focusrite", "Yamaha HS8"]),
            ("Вокальная", "recording", 2, 8, 900, ["Neumann TLM 102", "Avalon VT-737"]),
        ],
    ),
    (
        "Северный Звук",
        "Репбаза «Северный Звук»",
        "spb",
        "Лиговский пр., 50, корп. 12",
        "Лиговский проспект",
        "59.920600",
        "30.355400",
        T(10),
        T(2),
        "Репетиционная база на Лиговском: четыре зала, бэклайн, кофе.",
        [
            ("Зал 1", "rehearsal", 8, 30, 800, GEAR_BAND_PRO),
            ("Зал 2", "rehearsal", 6, 22, 650, GEAR_BAND),
            ("Зал 3", "rehearsal", 5, 18, 550, GEAR_BAND),
            ("Зал 4", "rehearsal", 3, 12, 450, ["Yamaha Stage Custom", "Roland JC-120"]),
        ],
    ),
    (
        "Нева Рекордс",
        "Студия «Нева Рекордс»",
        "spb",
        "наб. Обводного канала, 74Ц",
        "Фрунзенская",
        "59.907500",
        "30.323200",
        T(11),
        T(1),
        "Студия записи у Обводного канала; живой зал и две комнаты.",
        [
            ("Живой зал", "recording", 10, 60, 2200, GEAR_STUDIO),
            ("Комната 2", "recording", 4, 16, 1100, ["Shure SM7B", "RME Babyface", "KRK Rokit"]),
            ("Репзал", "rehearsal", 6, 24, 700, GEAR_BAND),
            ("Комната 3", "recording", 3, 12, 900, ["AKG C414", "Apogee Duet", "Adam A7X"]),
        ],
    ),
    (
        "Белые ночи",
        "Фотостудия «Белые ночи»",
        "spb",
        "ул. Правды, 10",
        "Звенигородская",
        "59.922000",
        "30.343900",
        T(8),
        T(22),
        "Пять интерьеров с окнами в пол; естественный свет до позднего вечера.",
        [
            ("Белый зал", "photo", 10, 70, 1900, GEAR_PHOTO),
            ("Интерьер «Скандинавия»", "photo", 6, 45, 1600, ["Дневной свет", "Мебель", "Кухня"]),
            ("Тёмный зал", "photo", 8, 50, 1700, GEAR_PHOTO),
        ],
    ),
    (
        "Па-де-Труа",
        "Танцевальный зал «Па-де-Труа»",
        "spb",
        "Невский пр., 147",
        "Площадь Восстания",
        "59.926600",
        "30.373800",
        T(7),
        T(23),
        "Светлые залы для танцев, растяжки и постановок у площади Восстания.",
        [
            ("Зал у окна", "dance", 20, 90, 1200, GEAR_DANCE),
            ("Зеркальный зал", "dance", 12, 55, 900, GEAR_DANCE),
            ("Студия", "dance", 4, 20, 500, ["Зеркала", "Коврики", "Колонка"]),
        ],
    ),
    (
        "Ткачи",
        "Лофт «Ткачи»",
        "spb",
        "наб. Обводного канала, 60",
        "Обводный канал",
        "59.914400",
        "30.347900",
        T(12),
        T(3),
        "Площадка в бывшей ткацкой фабрике: концерты, лекции, вечеринки.",
        [
            ("Большой зал", "event", 200, 400, 8000, GEAR_EVENT),
            ("Малый зал", "event", 50, 100, 3500, ["Звук", "Проектор", "Бар"]),
            ("Переговорная", "event", 12, 30, 1500, ["Экран", "Флипчарт"]),
        ],
    ),
    (
        "Северный Звук",
        "Репбаза «Северный Звук» на Петроградской",
        "spb",
        "ул. Большая Зеленина, 24",
        "Чкаловская",
        "59.963800",
        "30.294200",
        T(10),
        T(2),
        "Второй адрес «Северного Звука»: три зала на Петроградской стороне.",
        [
            ("Красный зал", "rehearsal", 7, 26, 750, GEAR_BAND_PRO),
            ("Синий зал", "rehearsal", 5, 20, 600, GEAR_BAND),
            ("Студия", "recording", 4, 18, 1300, GEAR_STUDIO),
        ],
    ),
]

HOLIDAYS = [
    ((1, 1), "Новый год"),
    ((1, 2), "Новогодние каникулы"),
    ((1, 7), "Рождество Христово"),
    ((2, 23), "День защитника Отечества"),
    ((3, 8), "Международный женский день"),
    ((5, 1), "Праздник Весны и Труда"),
    ((5, 9), "День Победы"),
    ((6, 12), "День России"),
    ((11, 4), "День народного единства"),
]
EVENING = T(17)


def _round50(value: Decimal) -> Decimal:
    return (value / 50).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 50


def _prices(room: Room, base: int, opens: datetime.time, closes: datetime.time) -> list[Price]:
    """Weekday day/evening bands, a dearer Friday evening, one weekend and holiday price."""
    base_price = Decimal(base)
    day = _round50(base_price)
    evening, weekend = _round50(base_price * Decimal("1.35")), _round50(base_price * Decimal("1.5"))
    prices = []
    split = EVENING if opens < EVENING and (closes <= opens or closes > EVENING) else None
    for day_type in ("weekday", "friday"):
        late = evening if day_type == "weekday" else weekend
        if split:
            prices.append(
                Price(room=room, day_type=day_type, starts=opens, ends=split, price_per_hour=day)
            )
            prices.append(
                Price(room=room, day_type=day_type, starts=split, ends=closes, price_per_hour=late)
            )
        else:
            prices.append(
                Price(room=room, day_type=day_type, starts=opens, ends=closes, price_per_hour=day)
            )
    for day_type in ("saturday", "sunday", "holiday"):
        prices.append(
            Price(room=room, day_type=day_type, starts=opens, ends=closes, price_per_hour=weekend)
        )
    return prices


def _picture(label: int) -> ContentFile:
    """A small gradient placeholder photo (no binary files in the repository)."""
    hue = (label * 0.137) % 1.0
    top = tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.55, 0.85))
    bottom = tuple(int(c * 255) for c in colorsys.hsv_to_rgb((hue + 0.08) % 1.0, 0.75, 0.35))
    # Two pixels stretched into a vertical gradient: quick, and pleasant enough as a placeholder.
    image = Image.new("RGB", (1, 2))
    image.putpixel((0, 0), top)
    image.putpixel((0, 1), bottom)
    image = image.resize((800, 600), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"demo-{label}.jpg")


def _holidays(today: datetime.date) -> None:
    for year in (today.year, today.year + 1):
        for (month, day), name in HOLIDAYS:
            Holiday.objects.get_or_create(
                date=datetime.date(year, month, day), defaults={"name": name}
            )


@transaction.atomic
def seed(*, owner: User, photos: bool = True) -> list[Venue]:
    """Create the demo venues once (idempotent: a venue the demo made is left alone)."""
    now = timezone.now()
    cities = {
        slug: City.objects.get_or_create(slug=slug, defaults={"name": name, "timezone": tz})[0]
        for slug, (name, tz) in CITIES.items()
    }
    _holidays(timezone.localdate(now))
    venues = []
    for index, (
        org_name,
        name,
        city,
        address,
        metro,
        lat,
        lon,
        opens,
        closes,
        text,
        rooms,
    ) in enumerate(VENUES):
        # Found again by the demo's keys: a user may name an organisation like a demo one.
        organisation = keys.find(f"organisation:{org_name}", Organisation)
        if organisation is None:
            organisation = keys.remember(
                f"organisation:{org_name}", Organisation.objects.create(name=org_name)
            )
        if org_name == OWNER_ORGANISATION:
            Membership.objects.get_or_create(
                organisation=organisation, user=owner, defaults={"role": Membership.Role.OWNER}
            )
        venue = keys.find(f"venue:{name}", Venue)
        if venue is not None:
            venues.append(venue)
            continue
        venue = Venue.objects.create(
            organisation=organisation,
            name=name,
            description=text,
            city=cities[city],
            address=address,
            metro=metro,
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            timezone=cities[city].timezone,
            pay_at_venue=True,
            pay_online=index % 3 != 2,
            booking_mode=Venue.BookingMode.REQUEST if index % 4 == 3 else Venue.BookingMode.INSTANT,
            cancellation_free_hours=24 if index % 2 else 12,
            cancellation_fee_percent=50 if index % 2 else 30,
            schedule_confirmed_at=now,
            moderation=Venue.Moderation.APPROVED,  # the demo's venues are in the catalogue
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(venue=venue, weekday=day, opens=opens, closes=closes) for day in range(7)
        )
        if photos:
            Photo.objects.create(venue=venue, image=_picture(index * 10), position=1)
        for number, (room_name, kind, capacity, area, base, equipment) in enumerate(rooms):
            room = Room.objects.create(
                venue=venue,
                name=room_name,
                kind=kind,
                capacity=capacity,
                area_m2=area,
                equipment=equipment,
                slot_minutes=30 if kind == "rehearsal" else 60,
                min_booking_minutes=60 if kind in ("rehearsal", "recording", "dance") else 120,
                buffer_minutes=0 if kind in ("rehearsal", "dance") else 30,
            )
            Price.objects.bulk_create(_prices(room, base, opens, closes))
            services.room_price_from_refresh(room_id=room.pk, today=timezone.localdate(now))
            schedule_changed(room_ids=[room.pk])  # the free-time search's stored open time
            # A room made through the dashboard gets its calendar feed from room_created.
            booking_services.room_feed_create(room_id=room.pk)
            if photos:
                Photo.objects.create(
                    venue=venue, room=room, image=_picture(index * 10 + number + 1), position=1
                )
        venues.append(keys.remember(f"venue:{name}", venue))
    return venues


# Points settings of the demo venues, by their position in VENUES: (accepts points, max share %,
# boost %, period rules). The owner's first venue has no period rules (the issue asks for one).
POINTS_SETTINGS = [
    (True, 25, 2, []),
    (
        True,
        10,
        0,
        [{"weekdays": [0, 1, 2, 3, 4], "time_from": "10:00", "time_to": "16:00", "percent": 50}],
    ),
    (True, 15, 3, [{"date_from": "12-01", "date_to": "12-31", "percent": 5}]),
    (False, 10, 0, []),
]


def seed_points(venues: list[Venue]) -> None:
    """Give the demo venues a mix of points caps, boosts and period rules (once per venue)."""
    today = timezone.localdate()
    for index, venue in enumerate(venues):
        accepts, share, boost, rules = POINTS_SETTINGS[index % len(POINTS_SETTINGS)]
        if venue.points_rules.exists() or venue.accepts_points:
            continue  # already set, by an earlier run or by its owner
        Venue.objects.filter(pk=venue.pk).update(
            accepts_points=accepts, max_points_percent=share, cashback_boost_percent=boost
        )
        for rule in rules:
            fields = {k: v for k, v in rule.items() if k not in ("date_from", "date_to")}
            if "date_from" in rule:
                fields["date_from"] = datetime.date.fromisoformat(
                    f"{today.year}-{rule['date_from']}"
                )
                fields["date_to"] = datetime.date.fromisoformat(f"{today.year}-{rule['date_to']}")
            for key in ("time_from", "time_to"):
                if key in fields:
                    fields[key] = datetime.time.fromisoformat(str(fields[key]))
            PointsRule.objects.create(venue=venue, **fields)
