"""The portal's procedure search and procedure page on a catalog of 2,000 procedures (issue #5).

    .venv/bin/python bench/portal_search.py                      # a scratch SQLite database
    .venv/bin/python bench/portal_search.py --database-url postgres://postgres@127.0.0.1:5432/motcua_bench_portal

It migrates a scratch database (SQLite in a temporary directory unless `--database-url` names an
empty PostgreSQL database), builds `--count` procedures in force from the 116 real names of the demo
catalog (repeated with a variant number, spread over 10 communes and their fields), then serves whole
pages through Django's test client, as a visitor's browser would get them: the search for everyday and
official words, with and without accents, with filters and a later page, and the procedure page. For each
it prints the results found, the queries per page and the median and 95th-percentile time of `--repeat`
requests. Single process, single thread; the figures are for comparison between changes, not a promise.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FOUND = re.compile(r"Tìm thấy (\d+) thủ tục")
STATIC_PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"
SEARCHES: list[tuple[str, dict[str, str]]] = [
    ("everyday words, accents", {"q": "sổ đỏ"}),
    ("everyday words, no accents", {"q": "so do"}),
    ("everyday words", {"q": "khai sinh"}),
    ("everyday words", {"q": "xay nha"}),
    ("official words", {"q": "giay phep xay dung"}),
    ("official words", {"q": "đăng ký thành lập hộ kinh doanh"}),
    ("no words, level filter", {"level": "commune"}),
    ("words + level, page 5", {"q": "cap", "level": "commune", "page": "5"}),
    ("nothing found", {"q": "tàu vũ trụ"}),
]


def setup_django(database_url: str | None, var_dir: str) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["MOTCUA_VAR_DIR"] = var_dir
    os.environ.setdefault("MOTCUA_SECRET_KEY", "bench-only-not-secret")
    os.environ["MOTCUA_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()


def build_catalog(count: int) -> str:
    """Create `count` procedures in force from the demo catalog's names; return one procedure code."""
    from motcua.accounts.models import Unit, UnitKind
    from motcua.catalog.models import Field, Level, Procedure, ProcedureVersion
    from motcua.lib.text import fold

    with (ROOT / "motcua/catalog/demo/catalog_demo.csv").open(encoding="utf-8") as handle:
        rows = [(row["name"], row["field"]) for row in csv.DictReader(handle)]
    city = "Ủy ban nhân dân thành phố Hải Phòng"
    province = Unit.objects.create(code="000.00.00.H31", name=city, kind=UnitKind.PROVINCE)
    communes = [
        Unit.objects.create(code=f"000.{n:02d}.50.H31", name=f"UBND xã {n}", kind=UnitKind.COMMUNE, parent=province)
        for n in range(10)
    ]
    fields = {name: Field.objects.get_or_create(name=name)[0] for name in {field for _name, field in rows}}
    Procedure.objects.bulk_create(Procedure(code=f"7.{n:06d}") for n in range(count))
    versions = []
    for n, procedure in enumerate(Procedure.objects.filter(code__startswith="7.").order_by("code")):
        base, field_name = rows[n % len(rows)]
        name = base if n < len(rows) else f"{base} (trường hợp {n // len(rows) + 1})"
        versions.append(
            ProcedureVersion(
                procedure=procedure,
                name=name,
                field=fields[field_name],
                level=Level.COMMUNE if n % 3 else Level.PROVINCE,
                competent_unit=communes[n % len(communes)],
                time_limit_amount=5 + n % 20,
                time_limit_unit="working_days",
                online_level=("none", "partial", "full")[n % 3],
                search_text=fold(f"{procedure.code} {name} {field_name}"),
            )
        )
    ProcedureVersion.objects.bulk_create(versions, batch_size=500)
    return "7.000000"


def measure(client: Any, path: str, params: dict[str, str], repeat: int) -> dict[str, Any]:
    """Return the results found, the queries of one request and the time of `repeat` requests in ms."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    count = len(queries)  # now: the next request clears the connection's query log
    assert response.status_code == 200, (path, params, response.status_code)
    counted = FOUND.search(response.content.decode())
    found = int(counted.group(1)) if counted else ""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path, params)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "found": found,
        "queries": count,
        "p50": statistics.median(times),
        "p95": times[max(0, int(len(times) * 0.95) - 1)],
    }


def print_row(label: str, shown: str, row: dict[str, Any]) -> None:
    print(f"{label:<34} {shown:<36} {row['found']:>6} {row['queries']:>7} {row['p50']:>8.1f} {row['p95']:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="procedures in the catalog (2000)")
    parser.add_argument("--repeat", type=int, default=30, help="requests timed per page (30)")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database; SQLite if omitted")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="motcua-bench-portal-") as var_dir:
        Path(var_dir, "static").mkdir()
        setup_django(args.database_url or None, var_dir)
        from django.conf import settings
        from django.core import signals
        from django.core.management import call_command
        from django.db import close_old_connections
        from django.test import Client

        call_command("migrate", verbosity=0)
        # no collectstatic in a scratch directory: static URLs without the hashed manifest
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_PLAIN}}
        started = time.perf_counter()
        code = build_catalog(args.count)
        built = time.perf_counter() - started
        # one connection for the run, as a server process keeps it (CONN_MAX_AGE), so queries can be counted
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        client = Client()
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"portal search — {args.count} procedures on {engine}, {args.repeat} requests per page")
        print(f"python {platform.python_version()}, {platform.machine()}, catalog built in {built:.1f} s")
        print(f"{'page':<34} {'query':<36} {'found':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for label, params in SEARCHES:
            row = measure(client, "/dich-vu-cong/thu-tuc/", params, args.repeat)
            shown = " ".join(f"{k}={v}" for k, v in params.items())
            print_row(label, shown, row)
        print_row("procedure page", code, measure(client, f"/dich-vu-cong/thu-tuc/{code}/", {}, args.repeat))


if __name__ == "__main__":
    main()
