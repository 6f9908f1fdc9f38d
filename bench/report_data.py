"""Prepare the dossier history that bench/reports.py measures (issue #4, "Measure").

    .venv/bin/python bench/report_data.py --db sqlite --path var/bench-reports.sqlite3 --count 1000000
    .venv/bin/python bench/report_data.py --db postgres --name motcua_bench_reports --count 1000000 --copies 10

It migrates a fresh database, loads the demo province (`load_demo`), writes `--count` dossiers of
`--year` with `manage.py generate_dossiers` (full histories through the same replay as the
services) and fills their counters with `--fill-workers` concurrent `fill_counters` runs. On
PostgreSQL it can then multiply them to `--copies` times as many in SQL: each copy keeps the
generated times, with new ids, codes and lookup secrets, its pause intervals, apologies, withdrawal
events and counter tally, and the buckets are multiplied by the number of copies. Generating and
counting ten million histories one by one would take hours on two cores; copying gives the table
sizes in minutes, and the copies' counters are exactly what a fill would write (bench/reports.py and
`manage.py recount` check them against every row). Copied events are not hash-chained (the copies
exist only to be counted). Each stage prints its time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def database_url(args: argparse.Namespace) -> str:
    """Return the DATABASE_URL of the bench database the arguments name."""
    if args.db == "sqlite":
        return f"sqlite:///{Path(args.path).resolve()}"
    return f"{PG}/{args.name}"


def manage_env(url: str) -> dict[str, str]:
    """Return the environment of a manage.py run against the bench database."""
    return {**os.environ, "DATABASE_URL": url, "MOTCUA_SECRET_KEY": "bench-only-not-secret"}


def manage(url: str, *command: str) -> None:
    """Run one manage.py command against the bench database, echoing its last line and its time."""
    started = time.perf_counter()
    env = manage_env(url)
    done = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    last = (done.stdout.strip().splitlines() or [""])[-1]
    print(f"{' '.join(command)}: {time.perf_counter() - started:.1f} s  {last}", flush=True)


def columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position", [table]
    )
    return [row[0] for row in cursor.fetchall()]


def replicate(url: str, copies: int) -> None:
    """Add copies 1 … copies-1 of the generated and counted dossiers, with their counters, in SQL (PostgreSQL).

    A copy keeps the generated year's times and has new ids, codes and lookup secrets, its pause
    intervals, apologies and withdrawal events, and its tally (what the counters hold for it, which
    depends only on those times). Since every copy adds exactly what its original added, the buckets
    end multiplied by `copies`; bench/reports.py and `manage.py recount` check them against all the rows.
    """
    import psycopg

    with psycopg.connect(url, autocommit=False) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE NOT counted), coalesce(max(id), 0), count(*) FROM dossiers_dossier"
        )
        waiting, top, base = cursor.fetchone()
        if waiting:
            sys.exit(f"{waiting} dossiers are not counted yet: run fill_counters before copying")
        offsets = {}
        for table in ("dossiers_pauseinterval", "dossiers_apology", "dossiers_dossierevent"):
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            offsets[table] = cursor.fetchone()[0]
        tables = (*offsets, "dossiers_dossier", "reports_dossiertally")
        kinds = {table: columns(cursor, table) for table in tables}
        for k in range(1, copies):
            started = time.perf_counter()
            for table, where in (
                ("dossiers_dossier", "TRUE"),
                ("dossiers_pauseinterval", "TRUE"),
                ("dossiers_apology", "TRUE"),
                ("dossiers_dossierevent", "type = 'withdrawal_requested'"),
                ("reports_dossiertally", "TRUE"),
            ):
                values = []
                for column in kinds[table]:
                    if column == "id":
                        values.append(f"id + {k} * {top if table == 'dossiers_dossier' else offsets[table]}")
                    elif column == "dossier_id":
                        values.append(f"dossier_id + {k} * {top}")
                    elif column == "code":
                        values.append(f"code || '~{k}'")
                    elif column == "lookup_secret":  # 43 characters at most: keep 39 random ones
                        values.append(f"left(lookup_secret, 39) || '~{k:03d}'")
                    elif column == "hash":
                        values.append(f"md5(hash || '{k}') || md5('{k}' || hash)")
                    elif column in ("step_id", "responsible_step_id", "event_id", "current_step_id"):
                        values.append("NULL")
                    else:
                        values.append(column)
                scope = "id <= %s" if table == "dossiers_dossier" else "dossier_id <= %s"
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(kinds[table])}) "
                    f"SELECT {', '.join(values)} FROM {table} WHERE {scope} AND {where}",
                    [top],
                )
            connection.commit()
            print(f"copy {k}: {base:,} dossiers in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        keys = {"id", "grain", "period", "unit_id", "procedure_version_id", "channel"}
        counts = [column for column in columns(cursor, "reports_counterbucket") if column not in keys]
        cursor.execute(f"UPDATE reports_counterbucket SET {', '.join(f'{c} = {c} * {copies}' for c in counts)}")
        cursor.execute("UPDATE reports_counterfill SET sequence = sequence + 1")
        for table in ("dossiers_dossier", *offsets):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")
        print(f"buckets × {copies}, vacuum and analyze: {time.perf_counter() - started:.1f} s", flush=True)


def fill(url: str, workers: int) -> None:
    """Fill the counters with `workers` concurrent `fill_counters` processes (they share the work safely)."""
    started = time.perf_counter()
    env = manage_env(url)
    runs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "fill_counters"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(workers)
    ]
    for run in runs:
        out, _ = run.communicate()
        if run.returncode:
            sys.exit(f"fill_counters failed:\n{out}")
        print(f"fill_counters: {(out.strip().splitlines() or [''])[-1]}", flush=True)
    print(f"fill_counters × {workers}: {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--path", default="var/bench-reports.sqlite3", help="SQLite file")
    parser.add_argument("--name", default="motcua_bench_reports", help="PostgreSQL database (created if absent)")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--copies", type=int, default=1, help="PostgreSQL: total copies of the generated year")
    parser.add_argument("--fill-workers", type=int, default=2, help="concurrent fill_counters processes")
    parser.add_argument("--skip-generate", action="store_true", help="the database already holds the generated year")
    args = parser.parse_args()
    url = database_url(args)
    if not args.skip_generate:
        if args.db == "postgres":
            subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {args.name}"], check=False)
        manage(url, "migrate", "--noinput", "-v", "0")
        manage(url, "load_demo", "--if-empty")
        manage(
            url,
            "generate_dossiers",
            "--count",
            str(args.count),
            "--year",
            str(args.year),
            "--seed",
            "2025",
            "--batch",
            "5000",
            "-v",
            "0",
        )
    if args.copies > 1 and args.db != "postgres":
        sys.exit("--copies needs --db postgres")
    fill(url, args.fill_workers if args.db == "postgres" else 1)  # SQLite writes one transaction at a time
    if args.copies > 1:
        replicate(url, args.copies)


if __name__ == "__main__":
    main()
