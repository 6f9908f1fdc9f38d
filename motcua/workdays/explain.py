"""Render the trace of an appointment as Vietnamese lines (rule 4: every computed date can be explained)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from motcua.workdays.arith import Appointment, DayKind, TimeUnit, TraceNote, TraceStep

WEEKDAYS = (
    gettext_noop("Thứ Hai"),
    gettext_noop("Thứ Ba"),
    gettext_noop("Thứ Tư"),
    gettext_noop("Thứ Năm"),
    gettext_noop("Thứ Sáu"),
    gettext_noop("Thứ Bảy"),
    gettext_noop("Chủ Nhật"),
)


def appointment_explain(appointment: Appointment, *, unit: TimeUnit | str, amount: int) -> list[str]:
    """Return the human-readable lines that explain how `appointment` was computed."""
    unit = TimeUnit(unit)
    lines = [_("Thời hạn: %(limit)s") % {"limit": limit_label(unit=unit, amount=amount)}]
    previous_minutes = 0
    for step in appointment.trace:
        if step.note == TraceNote.OFFICE_MINUTES:
            lines.append(_hours_line(step, previous_minutes))
            previous_minutes = step.counted or 0
        else:
            lines.append(f"{day_label(step.day)}: {_step_text(step, appointment, unit)}")
    lines.append(_("Hẹn trả kết quả: %(at)s") % {"at": instant_label(appointment.at)})
    return lines


def limit_label(*, unit: TimeUnit | str, amount: int) -> str:
    """Return a time limit as people say it, e.g. "10 ngày làm việc"."""
    unit = TimeUnit(unit)
    if unit is TimeUnit.SAME_DAY:
        return _("trong ngày")
    if unit is TimeUnit.WORKING_DAYS:
        return ngettext("%(n)d ngày làm việc", "%(n)d ngày làm việc", amount) % {"n": amount}
    if unit is TimeUnit.HOURS:
        return ngettext("%(n)d giờ làm việc", "%(n)d giờ làm việc", amount) % {"n": amount}
    if unit is TimeUnit.DAYS:
        return ngettext("%(n)d ngày", "%(n)d ngày", amount) % {"n": amount}
    return ngettext("%(n)d tháng", "%(n)d tháng", amount) % {"n": amount}


def day_label(day: date) -> str:
    """Return "25/04/2025 (Thứ Sáu)"."""
    return f"{day:%d/%m/%Y} ({_(WEEKDAYS[day.weekday()])})"


def instant_label(moment: datetime) -> str:
    """Return "12/05/2025 10:00 (Thứ Hai)"."""
    return f"{moment:%d/%m/%Y %H:%M} ({_(WEEKDAYS[moment.weekday()])})"


def _clock(moment: time | None) -> str:
    return "" if moment is None else f"{moment:%H:%M}"


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not rest:
        return ngettext("%(h)d giờ", "%(h)d giờ", hours) % {"h": hours}
    return _("%(h)d giờ %(m)d phút") % {"h": hours, "m": rest}


def _day_state(step: TraceStep) -> str:
    """Return why the day is off or special, e.g. "nghỉ — Ngày Chiến thắng", or "" for a plain working day."""
    if step.kind == DayKind.WEEKEND:
        return _("nghỉ cuối tuần")
    if step.kind == DayKind.DAY_OFF:
        return _("nghỉ — %(name)s") % {"name": step.name} if step.name else _("nghỉ")
    if step.kind == DayKind.MAKEUP:
        return _("làm bù — %(name)s") % {"name": step.name} if step.name else _("làm bù")
    return ""


def _step_text(step: TraceStep, appointment: Appointment, unit: TimeUnit) -> str:
    note = _note_text(step, appointment)
    if note is not None:
        return note
    parts = [_day_state(step)]
    if step.counted is not None and unit is TimeUnit.DAYS:
        parts.append(_("ngày thứ %(n)d") % {"n": step.counted})
    elif step.counted is not None:
        parts.append(_("ngày làm việc thứ %(n)d") % {"n": step.counted})
    return ", ".join(part for part in parts if part)


def _note_text(step: TraceStep, appointment: Appointment) -> str | None:
    """Return the text of a step the rule annotated, or None for a plain day."""
    start = appointment.start
    values = {"clock": _clock(step.clock), "start": instant_label(start), "accepted": _clock(start.time())}
    state = _day_state(step)
    if step.note == TraceNote.MOVED_TO_OPENING:
        moved = _("tiếp nhận lúc %(clock)s, ngoài giờ làm việc: chuyển sang giờ mở cửa tiếp theo %(start)s") % values
        return ", ".join(part for part in (state, moved) if part)
    if step.note == TraceNote.ACCEPTANCE_DAY:
        return _("ngày tiếp nhận (lúc %(clock)s), không tính vào thời hạn") % values
    if step.note == TraceNote.BEFORE_CUTOFF:
        return _("tiếp nhận lúc %(accepted)s, trước giờ chốt %(clock)s: trả kết quả trong ngày") % values
    if step.note == TraceNote.AFTER_CUTOFF:
        return _("tiếp nhận lúc %(accepted)s, sau giờ chốt %(clock)s: trả kết quả ngày làm việc tiếp theo") % values
    if step.note in (TraceNote.SAME_DAY_OF_MONTH, TraceNote.LAST_DAY_OF_MONTH):
        n = step.counted or 0
        if step.note == TraceNote.SAME_DAY_OF_MONTH:
            text = ngettext("cùng ngày sau %(n)d tháng", "cùng ngày sau %(n)d tháng", n) % {"n": n}
        else:
            text = ngettext(
                "ngày cuối tháng sau %(n)d tháng (tháng không có ngày tương ứng)",
                "ngày cuối tháng sau %(n)d tháng (tháng không có ngày tương ứng)",
                n,
            ) % {"n": n}
        return ", ".join(part for part in (state, text) if part)
    if step.note == TraceNote.ROLLED_FORWARD:
        if state:
            return _("%(state)s: hạn rơi vào ngày nghỉ, lùi sang ngày làm việc tiếp theo") % {"state": state}
        return _("ngày làm việc tiếp theo: hạn trả kết quả")
    return None


def _hours_line(step: TraceStep, previous_minutes: int) -> str:
    total = step.counted or 0
    values = {
        "day": day_label(step.day),
        "today": _duration(total - previous_minutes),
        "clock": _clock(step.clock),
        "total": _duration(total),
    }
    return _("%(day)s: tính %(today)s làm việc từ %(clock)s (cộng dồn %(total)s)") % values
