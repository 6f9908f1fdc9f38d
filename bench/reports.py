"""The province report over a large history: from counters, by raw recount, and as a DuckDB scan (issue #4).

    .venv/bin/pip install -r requirements/bench.in -c requirements/constraints.txt   # DuckDB, pyarrow
    .venv/bin/python bench/report_data.py --db sqlite --count 1000000                  # once: the data
    .venv/bin/python bench/reports.py --db sqlite
    .venv/bin/python bench/reports.py --db postgres --name motcua_bench_reports

For the root unit of the database (the province) and the year `--year`, it times:

- **counters**: `period_report(..., source="counters")`, the report the pages, API and CLI serve, best
  and median of `--repeat` runs, for the province total and grouped by unit;
- **recount**: the same report from the raw dossier rows (`source="raw"`), once, and checks that
  every figure equals the counters' figure;
- **DuckDB**: the dossiers' statistics facts (`definitions.facts_build`, the same ones the recount
  classifies) exported once to Parquet, then the report's main figures computed by one DuckDB query
  over that file, best of `--repeat`; its figures are compared with ours as well;
- **xlsx**: in a fresh process, the ledger of the whole province for the year written as .xlsx
  (`ledger_xlsx_write`, what the ledger download streams), with the peak resident memory of that
  process (`ru_maxrss`) and its time.

It prints a table and exits with status 1 when the counters and the recount differ.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MOTCUA_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()


def timed(function: Any, repeat: int) -> tuple[Any, list[float]]:
    """Return the last result of `function()` and the seconds of each of `repeat` runs."""
    seconds, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return result, seconds


# Only the raw rows give a median (ADR 0005): the counters leave these empty.
RAW_ONLY = {"median_processing_hours", "median_processing_days"}


def figures_of(report: Any) -> dict[str, Any]:
    """Return the report total's figures as a flat dict (the CLI's JSON keys)."""
    from dataclasses import asdict

    return {key: value for key, value in asdict(report.total).items() if not isinstance(value, dict | list)}


# --- DuckDB ----------------------------------------------------------------------------------

PARQUET_COLUMNS = ("unit", "channel", "accepted_at", "ended_at", "end_kind", "appointment_at", "delivered_at")


def parquet_export(root: Any, path: Path) -> int:
    """Write the facts of every dossier in the report's scope to `path` (Parquet); return the row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from motcua.accounts.selectors import unit_descendant_ids
    from motcua.dossiers.models import Dossier
    from motcua.reports.selectors import facts_stream

    scope = Dossier.objects.filter(receiving_unit_id__in=unit_descendant_ids([root.pk]))  # every row: a plain scan
    schema = pa.schema(
        [
            ("unit", pa.int64()),
            ("channel", pa.int16()),
            ("accepted_at", pa.timestamp("us", tz="UTC")),
            ("ended_at", pa.timestamp("us", tz="UTC")),
            ("end_kind", pa.string()),
            ("appointment_at", pa.timestamp("us", tz="UTC")),
            ("delivered_at", pa.timestamp("us", tz="UTC")),
        ]
    )
    rows = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: dict[str, list[Any]] = {name: [] for name in PARQUET_COLUMNS}
        for facts, _row in facts_stream(scope):
            batch["unit"].append(facts.receiving_unit_id)
            batch["channel"].append(facts.channel)
            batch["accepted_at"].append(facts.accepted_at)
            batch["ended_at"].append(facts.ended_at)
            batch["end_kind"].append(str(facts.end_kind) if facts.end_kind else None)
            batch["appointment_at"].append(facts.appointment_at)
            batch["delivered_at"].append(facts.delivered_at)
            rows += 1
            if len(batch["unit"]) == 100_000:
                writer.write_table(pa.table(batch, schema=schema))
                batch = {name: [] for name in PARQUET_COLUMNS}
        if batch["unit"]:
            writer.write_table(pa.table(batch, schema=schema))
    return rows


DUCKDB_REPORT = """
WITH f AS (
    SELECT *,
        CAST(timezone('Asia/Ho_Chi_Minh', ended_at) AS DATE) AS ended_day,
        CAST(timezone('Asia/Ho_Chi_Minh', appointment_at) AS DATE) AS due_day,
        end_kind IN ('done', 'delivered', 'awaiting_supplement') AND ended_at IS NOT NULL AS resolved_kind,
        end_kind IN ('stopped', 'withdrawn') AND ended_at IS NOT NULL AS otherwise_kind
    FROM read_parquet($path)
)
SELECT
    count(*) FILTER (accepted_at < $start AND (ended_at IS NULL OR ended_at >= $start)) AS carried_in,
    count(*) FILTER (accepted_at BETWEEN $start AND $end) AS received,
    count(*) FILTER (accepted_at BETWEEN $start AND $end AND channel = 2) AS received_online,
    count(*) FILTER (resolved_kind AND ended_at BETWEEN $start AND $end) AS resolved,
    count(*) FILTER (resolved_kind AND ended_at BETWEEN $start AND $end AND ended_day < due_day) AS resolved_early,
    count(*) FILTER (resolved_kind AND ended_at BETWEEN $start AND $end AND ended_day = due_day) AS resolved_on_time,
    count(*) FILTER (resolved_kind AND ended_at BETWEEN $start AND $end AND ended_day > due_day) AS resolved_late,
    count(*) FILTER (accepted_at <= $end AND (ended_at IS NULL OR ended_at > $end)) AS pending,
    count(*) FILTER (accepted_at <= $end AND (ended_at IS NULL OR ended_at > $end) AND $end > appointment_at)
        AS pending_overdue,
    count(*) FILTER (end_kind = 'refused_at_reception' AND ended_at BETWEEN $start AND $end) AS refused,
    count(*) FILTER (otherwise_kind AND ended_at BETWEEN $start AND $end) AS ended_otherwise
FROM f
"""


def duckdb_report(path: Path, start: datetime, end: datetime) -> dict[str, int]:
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    cursor = connection.execute(DUCKDB_REPORT, {"path": str(path), "start": start, "end": end})
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


# --- xlsx ------------------------------------------------------------------------------------


def xlsx_child(year: int, path: str) -> None:
    """Write the province ledger of `year` to `path` and print rows, seconds and peak memory (in a fresh process)."""
    from motcua.accounts.models import Unit
    from motcua.accounts.selectors import unit_descendant_ids
    from motcua.dossiers.documents.ledger import ledger_lines, ledger_xlsx_write

    root = Unit.objects.filter(parent=None).order_by("id").first()
    counted = 0

    def lines() -> Any:
        nonlocal counted
        for line in ledger_lines(
            unit_ids=unit_descendant_ids([root.pk]), date_from=date(year, 1, 1), date_to=date(year, 12, 31)
        ):
            counted += 1
            yield line

    started = time.perf_counter()
    with open(path, "wb") as target:
        ledger_xlsx_write(lines(), target, title=f"Năm {year}", unit_name=root.name, day=date(year, 12, 31))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{counted} {time.perf_counter() - started:.1f} {peak:.0f} {os.path.getsize(path)}")


def xlsx_measure(url: str, year: int) -> tuple[int, float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ledger.xlsx")
        env = {**os.environ, "DATABASE_URL": url}
        done = subprocess.run(
            [sys.executable, __file__, "--xlsx-child", str(year), path], env=env, capture_output=True, text=True
        )
        if done.returncode:
            sys.exit(done.stderr)
        rows, seconds, peak, size = done.stdout.split()[-4:]
    return int(rows), float(seconds), float(peak), int(size)


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--path", default="var/bench-reports.sqlite3")
    parser.add_argument("--name", default="motcua_bench_reports")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument("--no-duckdb", action="store_true")
    parser.add_argument("--no-recount", action="store_true", help="skip the raw recount (and its comparison)")
    parser.add_argument("--parquet", help="keep the Parquet export in this file, and reuse it when it exists")
    parser.add_argument("--xlsx-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = f"sqlite:///{Path(args.path).resolve()}" if args.db == "sqlite" else f"{PG}/{args.name}"
    setup_django(url)
    if args.xlsx_child:
        xlsx_child(int(args.xlsx_child[0]), args.xlsx_child[1])
        return
    run(args, url)


def run(args: argparse.Namespace, url: str) -> None:
    from django.utils import timezone

    from motcua.accounts.models import Unit
    from motcua.dossiers.models import Dossier
    from motcua.reports.selectors import period_report

    root = Unit.objects.filter(parent=None).order_by("id").first()
    zone = timezone.get_default_timezone()
    first, last = date(args.year, 1, 1), date(args.year, 12, 31)
    start, end = datetime.combine(first, clock.min, zone), datetime.combine(last, clock.max, zone)
    total = Dossier.objects.count()
    print(f"{args.db}: {total:,} dossiers in the database; report of {root.code} for {args.year}", flush=True)

    def report(source: str, group_by: str | None = None) -> Any:
        return period_report(unit=root, date_from=first, date_to=last, group_by=group_by, source=source)

    lines = []
    counted, seconds = timed(lambda: report("counters"), args.repeat)
    lines.append(("counters, province total", min(seconds), statistics.median(seconds)))
    _grouped, grouped_seconds = timed(lambda: report("counters", "unit"), args.repeat)
    lines.append(("counters, grouped by unit", min(grouped_seconds), statistics.median(grouped_seconds)))
    ours = figures_of(counted)
    differences: dict[str, tuple[Any, Any]] = {}
    if not args.no_recount:
        raw, raw_seconds = timed(lambda: report("raw"), 1)
        lines.append(("raw recount, province total", raw_seconds[0], raw_seconds[0]))
        theirs = figures_of(raw)
        differences = {
            key: (ours[key], theirs.get(key)) for key in ours if ours[key] != theirs.get(key) and key not in RAW_ONLY
        }
    if not args.no_duckdb:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(args.parquet or Path(folder) / "facts.parquet")
            if path.exists():
                rows, export_seconds = -1, 0.0
            else:
                started = time.perf_counter()
                rows = parquet_export(root, path)
                export_seconds = time.perf_counter() - started
            duck, duck_seconds = timed(lambda: duckdb_report(path, start, end), args.repeat)
            lines.append(("DuckDB scan of Parquet", min(duck_seconds), statistics.median(duck_seconds)))
            size = path.stat().st_size
        duck_differences = {key: (ours.get(key), value) for key, value in duck.items() if ours.get(key) != value}
    print()
    print("| what                         |  best s | median s |")
    print("|------------------------------|--------:|---------:|")
    for name, best, median in lines:
        print(f"| {name:<28} | {best:7.3f} | {median:8.3f} |")
    print()
    print("figures (counters):", {key: ours[key] for key in sorted(ours)})
    if not args.no_duckdb:
        made = f"{rows:,} dossiers' facts, {export_seconds:.1f} s" if rows >= 0 else f"reused {args.parquet}"
        print(f"Parquet export: {made}, {size / 1e6:.1f} MB (not timed above)")
        print("DuckDB vs counters:", duck_differences or "identical")
    if not args.no_recount:
        print("counters vs recount:", differences or "identical")
    if not args.no_xlsx:
        rows_x, seconds_x, peak, size_x = xlsx_measure(url, args.year)
        print(f"xlsx ledger: {rows_x:,} rows, {size_x / 1e6:.1f} MB, {seconds_x:.1f} s, peak memory {peak:.0f} MB")
    if differences:
        sys.exit(1)


if __name__ == "__main__":
    main()
