"""Prepare the dossier history that bench/reports.py measures (issue #4, "Measure").

    .venv/bin/python bench/report_data.py --db sqlite --path var/bench-reports.sqlite3 --count 1000000
    .venv/bin/python bench/report_data.py --db postgres --name motcua_bench_reports --count 1000000 --copies 10

It migrates a fresh database, loads the demo province (`load_demo`), writes `--count` dossiers of
`--year` with `manage.py generate_dossiers` (full histories through the same replay as the
services), and on PostgreSQL can then multiply them to `--copies` times as many in SQL: each copy
is the generated year moved by whole days (copy k by k days), with its pause intervals, apologies
and withdrawal events, new ids, codes and lookup secrets. Generating ten million histories one by
one would take hours on two cores; copying gives the same table sizes and a realistic spread over
days in minutes. Copied events are not hash-chained (the copies exist only to be counted).
Finally it fills the statistics counters. Each stage prints its time.
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


def manage(url: str, *command: str) -> None:
    """Run one manage.py command against the bench database, echoing its last line and its time."""
    started = time.perf_counter()
    env = {**os.environ, "DATABASE_URL": url, "MOTCUA_SECRET_KEY": "bench-only-not-secret"}
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
    """Add copies 1 … copies-1 of the generated dossiers in SQL (PostgreSQL only), one copy per transaction."""
    import psycopg

    with psycopg.connect(url, autocommit=False) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0), count(*) FROM dossiers_dossier")
        top, base = cursor.fetchone()
        offsets = {}
        for table in ("dossiers_pauseinterval", "dossiers_apology", "dossiers_dossierevent"):
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            offsets[table] = cursor.fetchone()[0]
        kinds = {
            "dossiers_dossier": columns(cursor, "dossiers_dossier"),
            "dossiers_pauseinterval": columns(cursor, "dossiers_pauseinterval"),
            "dossiers_apology": columns(cursor, "dossiers_apology"),
            "dossiers_dossierevent": columns(cursor, "dossiers_dossierevent"),
        }
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE data_type LIKE 'timestamp%%' "
            "AND table_name LIKE 'dossiers_%%'"
        )
        moments = {(table, column) for table, column in cursor.fetchall()}
        for k in range(1, copies):
            started = time.perf_counter()
            for table, where in (
                ("dossiers_dossier", "TRUE"),
                ("dossiers_pauseinterval", "TRUE"),
                ("dossiers_apology", "TRUE"),
                ("dossiers_dossierevent", "type = 'withdrawal_requested'"),
            ):
                limit = top if table == "dossiers_dossier" else offsets[table]
                values = []
                for column in kinds[table]:
                    if column == "id":
                        values.append(f"id + {k} * {limit}")
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
                    elif column == "counted":
                        values.append("FALSE")
                    elif (table, column) in moments:
                        values.append(f"{column} + make_interval(days => {k})")
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
        for table in ("dossiers_dossier", *offsets):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("ANALYZE")
        connection.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--path", default="var/bench-reports.sqlite3", help="SQLite file")
    parser.add_argument("--name", default="motcua_bench_reports", help="PostgreSQL database (created if absent)")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--copies", type=int, default=1, help="PostgreSQL: total copies of the generated year")
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
    if args.copies > 1:
        if args.db != "postgres":
            sys.exit("--copies needs --db postgres")
        replicate(url, args.copies)
    manage(url, "fill_counters")


if __name__ == "__main__":
    main()
