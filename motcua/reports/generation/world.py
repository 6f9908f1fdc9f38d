"""Read the world the generator draws from: desks, procedures, calendars, days and channels."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Unit, UnitKind, User
from motcua.accounts.selectors import unit_calendar, unit_descendant_ids
from motcua.catalog.models import OnlineLevel, Postal, ProcedureVersion, ProcessStep
from motcua.dossiers.models import (
    ApologyCause,
)
from motcua.dossiers.services.deadlines import (
    time_limit_of,
)
from motcua.dossiers.states import Channel
from motcua.lib.text import fold
from motcua.workdays.arith import Calendar
from motcua.workdays.explain import limit_label
from motcua.workdays.models import OfficeHours

GENERATED = "generated"  # key of the flag in the first event's data


GENERATOR_USERNAME = "sinh-du-lieu"
DESK_KINDS = (UnitKind.SERVICE_CENTER, UnitKind.RECEPTION_POINT)
SQLITE_CACHE_KIB = 256 * 1024
GC_YOUNG_THRESHOLD = 50_000  # allocations between young-generation collections (Python's default: 700)
ZONE = timezone.get_default_timezone()  # what `timezone.localtime` gives outside a request


class GenerationError(Exception):
    """Input the generator cannot work with (message in Vietnamese / English)."""


@dataclass(frozen=True)
class GenerationMix:
    """Shares of the generated history; the defaults follow published provincial figures roughly."""

    online: float = 0.45  # of all dossiers (only for procedures offered online)
    postal: float = 0.05
    refused: float = 0.01  # refused at reception: never accepted
    stopped: float = 0.01  # of the accepted: stopped, half of them after a withdrawal request
    supplement: float = 0.08  # of the transferred: one supplement pause
    late: float = 0.04  # of the resolved: processing ends on a day after the appointment day
    early: float = 0.62  # of the resolved: ends on a day before the appointment day (the rest: on the day)
    apology: float = 0.01  # of the late: an approved apology with a re-appointment
    refused_outcome: float = 0.02  # of the decided: a reasoned refusal (END-1)
    uncollected: float = 0.05  # of the decided: the result is never collected


@dataclass(frozen=True)
class GenerationReport:
    """What one run wrote."""

    seed: int
    dossiers: int
    events: int
    steps: int
    seconds: float
    states: dict[str, int]

    @property
    def rate(self) -> float:
        return self.dossiers / self.seconds if self.seconds else 0.0


# --- applicants ------------------------------------------------------------------------------

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Phan", "Bùi", "Đặng", "Đỗ", "Ngô", "Dương", "Đinh", "Mạc")
FAMILY_WEIGHTS = tuple(itertools.accumulate((38, 12, 10, 8, 6, 6, 4, 3, 3, 3, 2, 2, 2, 1)))
MIDDLE = (
    ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Xuân", "Đình", "Công", "Tiến"),
    ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Phương", "Thùy"),
)
GIVEN = (
    ("Hùng", "Dũng", "Nam", "Tuấn", "Hải", "Long", "Quang", "Thắng", "Hiếu", "Trung", "Cường", "Sơn", "Huy", "Vinh"),
    ("Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Hà", "Thảo", "Yến", "Nhung", "Huyền", "Hằng", "Dung", "Nga"),
)
FIRM_WORDS = ("An Phú", "Hưng Thịnh", "Minh Phát", "Thành Đạt", "Hải Long", "Việt Tiến", "Đông Hải", "Tân Cảng")
FIRM_KINDS = ("Công ty TNHH", "Công ty cổ phần", "Hợp tác xã")
# Online submissions by hour of the day (people file in the evening too).
ONLINE_HOURS = tuple(
    itertools.accumulate((1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 10, 6, 7, 11, 12, 11, 9, 8, 9, 9, 7, 4, 2))
)

# --- texts an officer would type ------------------------------------------------------------

MISSING = (
    "Bản sao giấy tờ chứng minh nhân thân còn hiệu lực",
    "Sơ đồ vị trí thửa đất có xác nhận của địa phương",
    "Văn bản ủy quyền có chứng thực",
    "Bản vẽ thiết kế có chữ ký của chủ đầu tư",
    "Giấy tờ chứng minh nơi cư trú",
)
RECEPTION_REFUSALS = (
    "Yêu cầu không thuộc thẩm quyền giải quyết của cơ quan",
    "Người nộp không phải chủ hồ sơ và không có văn bản ủy quyền",
    "Giấy tờ nộp kèm đã hết hiệu lực",
)
WITHDRAWALS = ("Gia đình thay đổi nhu cầu, xin rút hồ sơ", "Đã giải quyết xong việc riêng, không cần kết quả")
STOPS = ("Chủ hồ sơ không bổ sung giấy tờ theo yêu cầu", "Không đủ điều kiện tiếp tục giải quyết")
APOLOGY_REASONS = {
    ApologyCause.WORKLOAD: "Số lượng hồ sơ tăng đột biến, thiếu cán bộ thụ lý.",
    ApologyCause.VERIFICATION: "Cần xác minh thực địa trước khi trình ký.",
    ApologyCause.CONSULTATION: "Chưa nhận được ý kiến của cơ quan phối hợp.",
}

# --- procedure weights: hộ tịch, chứng thực, đất đai are daily work; licences are rare --------

FIELD_WEIGHTS = (
    ("chung thuc", 14.0),
    ("ho tich", 10.0),
    ("dat dai", 6.0),
    ("ly lich tu phap", 4.0),
    ("ho kinh doanh", 4.0),
    ("bao tro xa hoi", 3.0),
    ("nguoi co cong", 2.0),
    ("doanh nghiep", 2.0),
)
LICENCE_FACTOR = 0.3
DESK_WEIGHTS = {  # (level, kind) → relative daily volume
    ("province", UnitKind.SERVICE_CENTER): 4.0,
    ("province", UnitKind.RECEPTION_POINT): 2.0,
    ("commune", UnitKind.SERVICE_CENTER): 3.0,
    ("commune", UnitKind.RECEPTION_POINT): 1.5,
}
CLOSED_DAY_ONLINE = 0.2  # online filing on a weekend or holiday, relative to a working day
TET_FACTORS = (0.3, 0.75, 0.5)  # during the Tết break, the week before, the ten days after


# --- the world: desks, procedures, calendars ------------------------------------------------


@dataclass(frozen=True)
class Desk:
    """A receiving unit (service center or reception point) and the level of procedures it receives."""

    unit: Unit
    level: str
    weight: float
    valid_from: date | None
    valid_to: date | None
    localities: tuple[str, ...]

    def open_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Offer:
    """A procedure version as the generator draws it."""

    version: ProcedureVersion
    steps: tuple[ProcessStep, ...]  # the internal process after reception, in order
    amount: int
    time_unit: str
    weight: float
    online: bool
    postal: bool
    limit_line: str

    def in_force(self, day: date) -> bool:
        version = self.version
        return (version.valid_from is None or version.valid_from <= day) and (
            version.valid_to is None or day <= version.valid_to
        )


class CalendarBook:
    """One calendar per unit and office-hours period, built on first use (`unit_calendar`)."""

    def __init__(self) -> None:
        self._changes = sorted(set(OfficeHours.objects.values_list("valid_from", flat=True)))
        self._built: dict[tuple[int, int], Calendar] = {}

    def calendar(self, unit: Unit, day: date) -> Calendar:
        """Return `unit`'s calendar as `services.deadlines.calendar_of` would build it on `day`."""
        key = (unit.pk, bisect.bisect_right(self._changes, day))
        found = self._built.get(key)
        if found is None:
            found = self._built[key] = unit_calendar(unit, on=day)
        return found


@dataclass
class World:
    """Everything the generator reads once from the database."""

    year: int
    until: datetime
    desks: list[Desk]
    offers: list[Offer]
    book: CalendarBook
    actor: User
    mix: GenerationMix
    pools: dict[tuple[str, int, tuple[int, ...]], tuple[list[Offer], list[float]]] = field(default_factory=dict)


def _root_unit(unit_code: str | None) -> Unit:
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise GenerationError(f"Mã đơn vị {unit_code} không tồn tại / unknown unit code")
        return unit
    roots = list(Unit.objects.filter(parent__isnull=True, kind=UnitKind.PROVINCE)[:2])
    if len(roots) != 1:
        raise GenerationError(
            "Cần đúng một tỉnh gốc, hoặc chỉ rõ --unit (chạy load_demo để có dữ liệu mẫu) / "
            "give --unit: there is not exactly one root province"
        )
    return roots[0]


def _bare_name(unit: Unit) -> str:
    """Return a unit's place name: "xã Vĩnh Bảo" for "Ủy ban nhân dân xã Vĩnh Bảo"."""
    return unit.name.removeprefix("Ủy ban nhân dân").strip()


def _desks(root: Unit, year: int) -> list[Desk]:
    """Return the service centers and reception points under `root` open during `year`."""
    units = {unit.pk: unit for unit in Unit.objects.all()}
    scope = unit_descendant_ids([root.pk])
    first, last = date(year, 1, 1), date(year, 12, 31)
    communes = [u for u in units.values() if u.kind == UnitKind.COMMUNE and (u.valid_to is None or u.valid_to >= first)]
    desks = []
    for unit in sorted((units[pk] for pk in scope), key=lambda u: u.code):
        if unit.kind not in DESK_KINDS or (unit.valid_from and unit.valid_from > last):
            continue
        if unit.valid_to and unit.valid_to < first:
            continue
        home = units.get(unit.parent_id) if unit.parent_id else None
        while home is not None and home.kind not in (UnitKind.PROVINCE, UnitKind.COMMUNE):
            home = units.get(home.parent_id) if home.parent_id else None
        if home is None:
            continue
        province = home
        while province.parent_id and province.kind != UnitKind.PROVINCE:
            province = units[province.parent_id]
        places = [home] if home.kind == UnitKind.COMMUNE else [c for c in communes if c.parent_id == home.pk] or [home]
        localities = tuple(f"{_bare_name(place)}, {_bare_name(province)}" for place in places)
        level = "commune" if home.kind == UnitKind.COMMUNE else "province"
        weight = DESK_WEIGHTS[level, UnitKind(unit.kind)]
        desks.append(Desk(unit, level, weight, unit.valid_from, unit.valid_to, localities))
    return desks


def _weight(version: ProcedureVersion) -> float:
    folded_field, folded_name = fold(version.field.name), fold(version.name)
    weight = next((w for key, w in FIELD_WEIGHTS if key in folded_field), 1.0)
    return weight * (LICENCE_FACTOR if "giay phep" in folded_name else 1.0)


def _offers(year: int) -> list[Offer]:
    """Return the procedure versions in force at some time of `year`, with their processes."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = (
        ProcedureVersion.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last))
        .exclude(valid_to__lt=first)
        .select_related("field", "competent_unit")
        .order_by("pk")
    )
    steps: dict[int, list[ProcessStep]] = {}
    for step in ProcessStep.objects.filter(version__in=rows, order__gt=1).select_related("unit").order_by("order"):
        steps.setdefault(step.version_id, []).append(step)
    offers = []
    for version in rows:
        amount, unit = time_limit_of(version)
        line = _("Thời hạn: %(limit)s") % {"limit": limit_label(unit=unit, amount=amount)}
        offers.append(
            Offer(
                version=version,
                steps=tuple(steps.get(version.pk, ())),
                amount=amount,
                time_unit=unit,
                weight=_weight(version),
                online=version.online_level != OnlineLevel.NONE,
                postal=version.postal in (Postal.SUBMIT, Postal.BOTH),
                limit_line=line,
            )
        )
    return offers


def generator_user() -> User:
    """Return the inactive user that stands for every officer of a generated history."""
    user, _created = User.objects.get_or_create(
        username=GENERATOR_USERNAME,
        defaults={"full_name": "Dữ liệu mô phỏng", "is_active": False, "password": make_password(None)},
    )
    return user


def generation_world(*, year: int, unit_code: str | None, until: datetime | None, mix: GenerationMix) -> World:
    """Read the desks, the procedures, the calendars and the history's end for a run."""
    now = timezone.now()
    year_end = datetime(year + 1, 1, 1, tzinfo=timezone.get_default_timezone())
    until = min(year_end, now) if until is None else until
    if timezone.is_naive(until):
        raise GenerationError("Thời điểm --until thiếu múi giờ / --until needs a time zone")
    if until > now or until < datetime(year, 1, 2, tzinfo=timezone.get_default_timezone()):
        raise GenerationError(
            f"Lịch sử phải kết thúc trước thời điểm hiện tại và sau ngày đầu năm {year} / "
            "the history must end in the past, after the first day of the year"
        )
    desks = _desks(_root_unit(unit_code), year)
    offers = _offers(year)
    levels = {offer.version.level for offer in offers}
    desks = [desk for desk in desks if desk.level in levels]
    if not desks or not offers:
        raise GenerationError(
            f"Không có nơi tiếp nhận hoặc thủ tục nào trong năm {year} (chạy load_demo?) / "
            "no service center or procedure in force for that year"
        )
    return World(year, until, desks, offers, CalendarBook(), generator_user(), mix)


# --- days and channels -----------------------------------------------------------------------


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` over `weights` by largest remainder (deterministic, sums exactly)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * weight / whole for weight in weights]
    counts = [int(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _tet_factors(calendar: Calendar, year: int) -> dict[date, float]:
    """Return the volume factor of the days around the Tết break (the longest run of days off in Jan–Feb)."""
    best: list[date] = []
    run: list[date] = []
    day = date(year, 1, 10)
    while day <= date(year, 2, 28):
        run = [] if calendar.is_working_day(day) else [*run, day]
        best = run if len(run) > len(best) else best
        day += timedelta(days=1)
    if len(best) < 4:
        return {}
    during, before, after = TET_FACTORS
    factors = {best[0] - timedelta(days=n): before for n in range(1, 8)}
    factors.update({best[-1] + timedelta(days=n): after for n in range(1, 11)})
    factors.update({day: during for day in best})
    return factors


def _days(world: World) -> list[date]:
    """Return the days that receive dossiers: the year's, up to the day before the history ends."""
    last = min(date(world.year, 12, 31), timezone.localtime(world.until).date() - timedelta(days=1))
    first = date(world.year, 1, 1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


DayPools = dict[int, list[tuple[Desk, float]]]


def _desk_pools(world: World, day: date) -> tuple[tuple[int, ...], DayPools]:
    """Return the offers in force on `day` and, per channel, the desks that can receive then with their weights."""
    offers = tuple(i for i, offer in enumerate(world.offers) if offer.in_force(day))
    pools: dict[int, list[tuple[Desk, float]]] = {channel: [] for channel in Channel.values}
    for desk in world.desks:
        if not desk.open_on(day):
            continue
        working = world.book.calendar(desk.unit, day).is_working_day(day)
        for channel in Channel.values:
            if not _offer_pool(world, desk.level, channel, offers)[0]:
                continue
            if working:
                pools[channel].append((desk, desk.weight))
            elif channel == Channel.ONLINE:
                pools[channel].append((desk, desk.weight * CLOSED_DAY_ONLINE))
    return offers, pools


def _offer_pool(world: World, level: str, channel: int, in_force: tuple[int, ...]) -> tuple[list[Offer], list[float]]:
    """Return the offers a desk of `level` receives by `channel`, with cumulative weights (cached)."""
    key = (level, channel, in_force)
    pool = world.pools.get(key)
    if pool is None:
        chosen = [
            offer
            for offer in (world.offers[i] for i in in_force)
            if offer.version.level == level
            and (channel != Channel.ONLINE or offer.online)
            and (channel != Channel.POSTAL or offer.postal)
        ]
        pool = world.pools[key] = (chosen, list(itertools.accumulate(offer.weight for offer in chosen)))
    return pool


def _schedule(world: World, count: int) -> Iterator[tuple[date, dict[int, int], tuple[int, ...], DayPools]]:
    """Yield each day with its dossier count per channel, the offers in force and the desk pools."""
    days = _days(world)
    if not days:
        return
    tet = _tet_factors(world.book.calendar(world.desks[0].unit, days[0]), world.year)
    in_force, pools = zip(*(_desk_pools(world, day) for day in days), strict=True)
    shares = {Channel.ONLINE: world.mix.online, Channel.POSTAL: world.mix.postal}
    totals = {channel: round(count * share) for channel, share in shares.items()}
    totals = {channel: n if any(p[channel] for p in pools) else 0 for channel, n in totals.items()}
    totals[Channel.COUNTER] = count - sum(totals.values())
    daily = list(zip(days, pools, strict=True))
    split = {
        channel: _allocate(total, [tet.get(day, 1.0) * sum(w for _d, w in p[channel]) for day, p in daily])
        for channel, total in totals.items()
    }
    for i, day in enumerate(days):
        yield day, {channel: split[channel][i] for channel in split}, in_force[i], pools[i]
