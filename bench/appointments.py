"""Working-day appointments in bulk: the project's calendar against a naive day-by-day loop.

Run from the repository root:

    .venv/bin/python bench/appointments.py [--n 200000] [--seed 2025] [--repeat 3]

It draws N acceptance instants on working days of 2025, inside office hours, with limits of
1–30 working days, computes every appointment with `Calendar.add_working_days` (the bulk path),
with the full `Calendar.appointment(...)` path and with two naive loops over the same sets of days,
checks that all of them agree on every input, and prints the rates and the ratios. Single-threaded.
The goal of issue 2 is at least 200,000 appointments per second and 20 times the naive loop.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django

django.setup()  # only so that motcua.workdays.selectors can be imported; no database is touched

from motcua.workdays.arith import VIETNAM, Calendar, TimeUnit  # noqa: E402
from motcua.workdays.selectors import library_days  # noqa: E402

GOAL_RATE = 200_000
GOAL_RATIO = 20
YEARS = range(2024, 2028)

Inputs = tuple[list[datetime], list[int]]


def build_calendar() -> Calendar:
    """Return the 2024–2027 national calendar: the holidays package plus the DOMAIN.md §4.2 overrides it lacks."""
    days_off, makeup = library_days(list(YEARS))
    days_off[date(2026, 1, 2)] = "Nghỉ hoán đổi Tết Dương lịch"
    makeup[date(2026, 1, 10)] = "Làm bù cho ngày 02/01/2026"
    return Calendar(YEARS[0], YEARS[-1], days_off, makeup)


def draw_inputs(calendar: Calendar, n: int, seed: int) -> Inputs:
    """Return n acceptance instants on 2025 working days within office hours, and limits of 1–30 working days."""
    rng = random.Random(seed)
    days = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)]
    working = [day for day in days if calendar.is_working_day(day)]
    periods = [
        (start.hour * 3600 + start.minute * 60, end.hour * 3600 + end.minute * 60)
        for start, end in calendar.hours.periods
    ]
    starts: list[datetime] = []
    for _ in range(n):
        day = rng.choice(working)
        start, end = rng.choice(periods)
        second = rng.randrange(start, end)
        starts.append(
            datetime(day.year, day.month, day.day, second // 3600, second // 60 % 60, second % 60, tzinfo=VIETNAM)
        )
    amounts = [rng.randint(1, 30) for _ in range(n)]
    return starts, amounts


def project_bulk(calendar: Calendar, inputs: Inputs) -> list[datetime]:
    add = calendar.add_working_days
    return [add(start, amount) for start, amount in zip(*inputs, strict=True)]


def project_appointment(calendar: Calendar, inputs: Inputs) -> list[datetime]:
    appointment = calendar.appointment
    unit = TimeUnit.WORKING_DAYS
    return [appointment(start, amount, unit).at for start, amount in zip(*inputs, strict=True)]


def naive_loop(calendar: Calendar, inputs: Inputs) -> list[datetime]:
    """Count day by day, asking whether each day works: the straightforward implementation."""
    days_off, makeup = calendar.days_off, calendar.makeup_days

    def is_working_day(day: date) -> bool:
        return day in makeup or (day.weekday() < 5 and day not in days_off)

    results = []
    for start, amount in zip(*inputs, strict=True):
        day, counted = start.date(), 0
        while counted < amount:
            day += timedelta(days=1)
            if is_working_day(day):
                counted += 1
        results.append(datetime.combine(day, start.timetz()))
    return results


def naive_loop_inlined(calendar: Calendar, inputs: Inputs) -> list[datetime]:
    """The same loop with the test inlined and the constants hoisted: a tuned naive loop."""
    days_off, makeup = calendar.days_off, calendar.makeup_days
    one_day = timedelta(days=1)
    results = []
    for start, amount in zip(*inputs, strict=True):
        day, counted = start.date(), 0
        while counted < amount:
            day += one_day
            if day in makeup or (day.weekday() < 5 and day not in days_off):
                counted += 1
        results.append(datetime.combine(day, start.timetz()))
    return results


def best_time(
    run: Callable[[Calendar, Inputs], list[datetime]], calendar: Calendar, inputs: Inputs, repeat: int
) -> tuple[float, list[datetime]]:
    """Return the best wall time of `repeat` runs and the results of the last one."""
    best, results = float("inf"), []
    for _ in range(repeat):
        gc.collect()
        began = time.perf_counter()
        results = run(calendar, inputs)
        best = min(best, time.perf_counter() - began)
    return best, results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="number of appointments (default 200000)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per path; the best is kept (default 3)")
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeat < 1:
        parser.error("--n and --repeat must be at least 1")

    began = time.perf_counter()
    calendar = build_calendar()
    built = time.perf_counter() - began
    inputs = draw_inputs(calendar, args.n, args.seed)
    paths = [
        ("Calendar.add_working_days (bulk path)", project_bulk),
        ("Calendar.appointment(..., working_days)", project_appointment),
        ("naive loop (is_working_day per day)", naive_loop),
        ("naive loop, inlined test", naive_loop_inlined),
    ]
    timings = {name: best_time(run, calendar, inputs, args.repeat) for name, run in paths}
    reference = timings[paths[2][0]]
    disagreements = sum(len({results[i] for _, results in timings.values()}) > 1 for i in range(args.n))
    print_report(args, built, inputs, timings, reference[0], disagreements)
    return 1 if disagreements else 0


def print_report(
    args: argparse.Namespace,
    built: float,
    inputs: Inputs,
    timings: dict[str, tuple[float, list[datetime]]],
    naive_seconds: float,
    disagreements: int,
) -> None:
    n, seconds = args.n, [timing[0] for timing in timings.values()]
    print(f"motcua appointment benchmark, {date.today():%Y-%m-%d}")
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    print(f"Python {platform.python_version()}, {machine}; one thread")
    print(f"{n:,} acceptances on 2025 working days in office hours, seed {args.seed}")
    print(
        f"limits 1–30 working days (mean {sum(inputs[1]) / n:.1f}); calendar 2024–2027 built in {built * 1000:.1f} ms"
    )
    print(f"best of {args.repeat} runs per path")
    print()
    print(f"| {'path':<41} | {'seconds':>8} | {'appointments/s':>14} | {'vs naive loop':>13} |")
    print(f"|{'-' * 43}|{'-' * 9}:|{'-' * 15}:|{'-' * 14}:|")
    for name, elapsed in zip(timings, seconds, strict=True):
        print(f"| {name:<41} | {elapsed:>8.3f} | {n / elapsed:>14,.0f} | {naive_seconds / elapsed:>12.1f}× |")
    print()
    rate, ratio = n / seconds[0], naive_seconds / seconds[0]
    agreement = "all inputs agree" if not disagreements else f"{disagreements:,} inputs DISAGREE"
    print(f"agreement across the four paths: {agreement}")
    print(f"bulk path against the inlined naive loop: {seconds[3] / seconds[0]:.1f}×")
    print(
        f"goal ≥ {GOAL_RATE:,}/s: {'met' if rate >= GOAL_RATE else 'NOT met'} ({rate:,.0f}/s); "
        f"goal ≥ {GOAL_RATIO}× the naive loop: {'met' if ratio >= GOAL_RATIO else 'NOT met'} ({ratio:.1f}×)"
    )


if __name__ == "__main__":
    sys.exit(main())
