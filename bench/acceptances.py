"""Dossier acceptances per second through the service layer and the HTTP API, on SQLite and PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/acceptances.py [--db sqlite|postgres|both] [--seconds 10] [--clients 16,64]

For each database it builds a throwaway database (PostgreSQL: `motcua_bench_<pid>`, created and
dropped here; SQLite: a file in a temporary directory, WAL and IMMEDIATE transactions as in
production), migrates it, loads one receiving unit, one 10-working-day procedure, the 2024–2027
calendar and one reception officer, then for every client count runs, each for `--seconds`:

1. service: N clients calling `dossier_receive_at_counter` in a loop (register and accept at the
   counter in one transaction: code, appointment, step, events, outbox), spread over `--processes`
   worker processes (default: one per CPU, at least 2), each with N/P threads and one connection per
   thread, as a multi-process deployment runs them (one Python process would serialise them on its GIL);
2. api submit / api accept: gunicorn on 127.0.0.1 (SQLite: 1 worker with threads; PostgreSQL: 4
   workers with threads), N client threads with keep-alive connections and a bearer token. First
   `POST /api/v1/dossiers` (online submission, state 1) for `--seconds`, then
   `POST /api/v1/dossiers/{code}/accept` on those dossiers until they run out or time is up;
3. bare insert: N threads inserting one row per transaction into a scratch table of the same
   database, the ceiling the database itself puts on small write transactions.

It prints rates and p50/p99 latencies, the CPU each service acceptance cost in the Python processes
and in the PostgreSQL backends serving them, checks that no code was issued twice and that every
daily sequence runs 1..N without a gap, and exits with status 1 if that check fails. `--profile`
adds a cProfile of the service layer. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import multiprocessing
import os
import platform
import pstats
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.latency import percentile_ms  # noqa: E402

GOAL = 200  # acceptances per second on PostgreSQL (issue 3, "Measure")
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
UNIT_CODE = "000.10.{:02d}.H31"  # service center number n receives as 000.10.nn.H31
PROCEDURE_CODE = "1.000001"
APPLICANT = {
    "kind": "person",
    "name": "Nguyễn Thị Lan",
    "id_number": "031190001234",
    "phone": "0912345678",
    "email": "lan.nguyen@example.vn",
    "address": "Thôn Đông, xã Vĩnh Bảo, thành phố Hải Phòng",
}


@dataclass
class Run:
    """One measured run: how many operations finished in how long, and how long each took."""

    mode: str
    database: str
    clients: int
    count: int = 0
    seconds: float = 0.0
    errors: int = 0
    duplicates: int = 0
    latencies: list[float] = field(default_factory=list)
    first_error: str = ""
    processes: int = 1
    cpu_client: float = 0.0  # CPU seconds of the client processes (Python; SQLite runs inside them)
    cpu_database: float = 0.0  # CPU seconds of the PostgreSQL backends serving the clients
    cpu_machine: float = 0.0  # CPU seconds the whole machine was busy during the run (this benchmark and the rest)
    cpu_server_other: float = 0.0  # CPU seconds of the other PostgreSQL processes (WAL writer, other databases…)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """Return the latency (ms) below which `share` of the operations finished."""
        return percentile_ms(self.latencies, share)


@dataclass
class Part:
    """What one group of client threads (one process) did, with wall-clock bounds to merge processes."""

    results: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    started: float = 0.0  # time.time() when the threads were released
    ended: float = 0.0  # time.time() when the last thread finished
    cpu_client: float = 0.0
    cpu_database: float = 0.0


@dataclass
class Fixture:
    """What every client needs: the procedure version, the unit, the officer, an API token."""

    version: Any
    units: list[Any]
    officer: Any
    token: str


# --- databases ----------------------------------------------------------------------------------


@contextmanager
def throwaway_database(db: str) -> Iterator[dict[str, str]]:
    """Point this process at a new empty database and yield the environment for child processes."""
    with tempfile.TemporaryDirectory(prefix="motcua_bench_") as var_dir:
        # settings.py keeps motcua.sqlite3 (WAL, IMMEDIATE transactions, busy timeout) and static/ in this directory
        os.environ["MOTCUA_VAR_DIR"] = var_dir
        Path(var_dir, "static").mkdir()  # STATIC_ROOT exists, so that whitenoise does not warn
        if db == "sqlite":
            os.environ.pop("DATABASE_URL", None)
            yield dict(os.environ)
        else:
            with _postgres_database() as url:
                os.environ["DATABASE_URL"] = url
                yield dict(os.environ)


@contextmanager
def _postgres_database() -> Iterator[str]:
    """Create `motcua_bench_<pid>` on the local server, yield its URL, drop it afterwards."""
    import psycopg

    name = f"motcua_bench_{os.getpid()}"
    base = ADMIN_URL.rsplit("/", 1)[0]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_fixture(units: int) -> Fixture:
    """Create the calendar, `units` service centers, one procedure and a reception officer with an API token."""
    from motcua.accounts.models import Membership, Role, Unit, UnitKind, User
    from motcua.accounts.tokens import api_token_create
    from motcua.catalog.models import Field, Level, OnlineLevel, Procedure, ProcedureVersion
    from motcua.workdays.models import CalendarYear

    for year in range(2024, 2028):
        CalendarYear.objects.get_or_create(year=year)
    province = Unit.objects.create(code="000.00.00.H31", name="UBND thành phố Hải Phòng", kind=UnitKind.PROVINCE)
    centers = [
        Unit.objects.create(
            code=UNIT_CODE.format(n),
            name=f"Trung tâm Phục vụ hành chính công số {n}",
            kind=UnitKind.SERVICE_CENTER,
            parent=province,
        )
        for n in range(units)
    ]
    version = ProcedureVersion.objects.create(
        procedure=Procedure.objects.create(code=PROCEDURE_CODE),
        name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        field=Field.objects.create(name="Hoạt động xây dựng"),
        level=Level.COMMUNE,
        competent_unit=province,
        time_limit_amount=10,
        time_limit_unit="working_days",
        online_level=OnlineLevel.FULL,
    )
    officer = User.objects.create(username="bench", full_name="Cán bộ đo hiệu năng")
    Membership.objects.create(user=officer, unit=province, role=Role.RECEPTION_OFFICER)  # sees every center
    _token, raw = api_token_create(user=officer, name="bench")
    version = ProcedureVersion.objects.select_related("competent_unit", "procedure").get(pk=version.pk)
    return Fixture(version=version, units=centers, officer=officer, token=raw)


# --- running clients ----------------------------------------------------------------------------


def client_threads(
    clients: int,
    seconds: float,
    work: Callable[[int], str | None],
    *,
    first: int = 0,
    warm: Callable[[], None] = lambda: None,
    cleanup: Callable[[], None] = lambda: None,
    release: Callable[[], object] = lambda: None,
) -> Part:
    """Run `clients` threads calling `work(client number)` until time is up or it returns None.

    Each thread calls `warm()` first (e.g. to connect), then all wait for `release()` (another
    process's gate), and `cleanup()` at the end. Client numbers start at `first`.
    """
    part = Part()
    lock = threading.Lock()
    clock: dict[str, float] = {}

    def go() -> None:
        release()
        part.started = time.time()
        clock.update(start=time.perf_counter(), cpu=time.process_time())

    barrier = threading.Barrier(clients, action=go)

    def client(number: int) -> None:
        latencies, done, errors, first_error = [], [], 0, ""
        warm()
        barrier.wait()
        deadline = clock["start"] + seconds
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                value = work(number)
            except Exception as error:  # counted and shown, never hidden
                errors, first_error = errors + 1, first_error or f"{type(error).__name__}: {error}"[:200]
                continue
            if value is None:
                break
            latencies.append(time.perf_counter() - began)
            done.append(value)
        ended = time.time()
        cleanup()
        with lock:
            part.ended = max(part.ended, ended)
            part.latencies.extend(latencies)
            part.results.extend(done)
            part.errors += errors
            part.first_error = part.first_error or first_error

    threads = [threading.Thread(target=client, args=(first + number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    part.cpu_client = time.process_time() - clock["cpu"]
    return part


def merge(run: Run, parts: list[Part]) -> list[str]:
    """Fill `run` from the parts of its processes; return every value the clients returned."""
    results = [value for part in parts for value in part.results]
    run.seconds = max(part.ended for part in parts) - min(part.started for part in parts)
    run.count = len(results)
    run.duplicates = len(results) - len(set(results))
    run.latencies = [latency for part in parts for latency in part.latencies]
    run.errors = sum(part.errors for part in parts)
    run.first_error = next((part.first_error for part in parts if part.first_error), "")
    run.cpu_client = sum(part.cpu_client for part in parts)
    run.cpu_database = sum(part.cpu_database for part in parts)
    return results


def run_clients(
    run: Run, seconds: float, work: Callable[[int], str | None], cleanup: Callable[[], None] = lambda: None
) -> list[str]:
    """Run `run.clients` threads of this process calling `work`; return every value it returned."""
    return merge(run, [client_threads(run.clients, seconds, work, cleanup=cleanup)])


def service_run(fixture: Fixture, database: str, clients: int, seconds: float, processes: int) -> Run:
    """Receive and accept dossiers at the counter from `processes` worker processes sharing `clients` threads."""
    from django.db import connection

    ours = str(connection.settings_dict["NAME"])  # the bench database, whose backends the workers measure
    processes = max(1, min(processes, clients))
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no connection inherited from this one
    gate = context.Barrier(processes + 1)  # the clocks start when every process has connected all its threads
    queue = context.Queue()
    ids = {
        "version": fixture.version.pk,
        "units": [unit.pk for unit in fixture.units],
        "officer": fixture.officer.pk,
    }
    shares = [clients // processes + (1 if n < clients % processes else 0) for n in range(processes)]
    workers = [
        context.Process(target=service_worker, args=(ids, share, sum(shares[:n]), seconds, gate, queue))
        for n, share in enumerate(shares)
    ]
    for worker in workers:
        worker.start()
    try:
        gate.wait(timeout=300)
        busy, server = _machine_busy(), _other_postgres_cpu(ours)
        time.sleep(seconds)
        busy, server = _machine_busy() - busy, _other_postgres_cpu(ours) - server
        answers = [queue.get(timeout=300) for _worker in workers]
    except threading.BrokenBarrierError:  # a worker failed before the start; its report says why
        answers = [queue.get(timeout=60)]
    finally:
        for worker in workers:
            worker.join(timeout=60)
    failed = [answer["failure"] for answer in answers if "failure" in answer]
    if failed:
        raise RuntimeError(f"a service worker failed:\n{failed[0]}")
    run = Run("service", database, clients, processes=processes, cpu_machine=busy)
    merge(run, [Part(**answer) for answer in answers])
    run.cpu_server_other = max(0.0, server)
    return run


def _other_postgres_cpu(ours: str) -> float:
    """Return the CPU seconds the PostgreSQL processes of this machine not serving database `ours` have used so far.

    Those are the server's own processes (WAL writer, checkpointer, autovacuum) and other databases'
    backends; a backend's title names its database. 0 where /proc is not there.
    """
    total = 0.0
    for process in Path("/proc").glob("[0-9]*"):
        try:
            stat = (process / "stat").read_text()
            if "(postgres)" not in stat or ours in (process / "cmdline").read_text():
                continue
        except OSError:  # the process ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _machine_busy() -> float:
    """Return the CPU seconds all CPUs of this machine have spent busy since boot (Linux /proc/stat; 0 elsewhere)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # user … steal; guest time is counted in user


def service_worker(ids: dict[str, Any], clients: int, first: int, seconds: float, gate: Any, queue: Any) -> None:
    """Run `clients` threads calling the service layer in this worker process; put its Part on `queue`."""
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
        import django

        django.setup()
        queue.put(asdict(_service_threads(ids, clients, first, seconds, gate)))
    except BaseException:  # reported to the parent, which would otherwise wait for nothing
        queue.put({"failure": traceback.format_exc()})
        raise


def _service_threads(ids: dict[str, Any], clients: int, first: int, seconds: float, gate: Any) -> Part:
    from django.db import connection, connections

    from motcua.accounts.models import Unit, User
    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers import services
    from motcua.dossiers.rules import Applicant

    version = ProcedureVersion.objects.select_related("competent_unit", "procedure").get(pk=ids["version"])
    by_id = Unit.objects.in_bulk(ids["units"])
    units = [by_id[pk] for pk in ids["units"]]
    officer = User.objects.get(pk=ids["officer"])
    connections.close_all()
    applicant = Applicant(**APPLICANT)
    components = [services.Component(name="Đơn đề nghị cấp giấy phép xây dựng")]
    backends = threading.local()
    database_cpu: list[float] = []

    def accept_one(number: int) -> str:
        unit = units[number % len(units)]
        dossier = services.dossier_receive_at_counter(
            version=version,
            receiving_unit=unit,
            reception_point=unit,
            applicant=applicant,
            components=components,
            actor=officer,
        )
        return dossier.code

    def warm() -> None:
        connection.ensure_connection()
        backends.pid = _backend_pid(connection)
        backends.cpu = _process_cpu(backends.pid)

    def cleanup() -> None:
        database_cpu.append(_process_cpu(backends.pid) - backends.cpu)
        connections.close_all()

    part = client_threads(clients, seconds, accept_one, first=first, warm=warm, cleanup=cleanup, release=gate.wait)
    part.cpu_database = sum(database_cpu)
    return part


def _backend_pid(connection: Any) -> int | None:
    """Return the process id of the PostgreSQL backend serving `connection` (None on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _process_cpu(pid: int | None) -> float:
    """Return the CPU seconds (user + system) process `pid` has used so far, from /proc (0 if unknown)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not Linux, or the server is not on this machine
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bare_insert_run(database: str, clients: int, seconds: float) -> Run:
    """Insert one row per transaction into a scratch table, from N threads with their own connections."""
    from django.db import connection, connections

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_scratch (id bigserial PRIMARY KEY, code varchar(64))")
        else:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_scratch (id integer PRIMARY KEY, code varchar(64))")
    counter = iter(range(10**12))

    def insert_one(_number: int) -> str:
        code = f"row-{next(counter)}"
        with connections["default"].cursor() as cursor:  # autocommit: one transaction per row
            cursor.execute("INSERT INTO bench_scratch (code) VALUES (%s)", [code])
        return code

    run = Run("bare insert", database, clients)
    run_clients(run, seconds, insert_one, cleanup=connections.close_all)
    return run


# --- HTTP ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(database: str, env: dict[str, str], workdir: Path) -> Iterator[int]:
    """Run gunicorn on a free 127.0.0.1 port against the bench database; yield the port."""
    port = free_port()
    workers, threads = (1, 8) if database == "sqlite" else (4, 4)
    config = workdir / "gunicorn_bench.py"
    config.write_text(
        f"bind = '127.0.0.1:{port}'\nworkers = {workers}\nthreads = {threads}\nworker_class = 'gthread'\n"
        f"accesslog = None\nerrorlog = {str(workdir / 'gunicorn.log')!r}\ntimeout = 60\nkeepalive = 30\n"
    )
    binary = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen([str(binary), "motcua.wsgi", "-c", str(config)], cwd=ROOT, env=env)
    try:
        _wait_for(port)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(port: int) -> None:
    for _attempt in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port}")


class ApiClient:
    """One keep-alive connection per thread, with the bench officer's bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.local = threading.local()

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        try:
            connection.request("POST", path, body=json.dumps(body).encode(), headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.local.connection = None
            connection.close()
            raise
        if response.status not in (200, 201):
            raise RuntimeError(f"HTTP {response.status}: {payload[:150]!r}")
        result: dict[str, Any] = json.loads(payload)
        return result

    def close(self) -> None:
        connection = getattr(self.local, "connection", None)
        if connection is not None:
            connection.close()


def api_runs(port: int, token: str, database: str, clients: int, seconds: float, units: int) -> list[Run]:
    """Submit online through the API for `seconds`, then accept those dossiers through the API."""
    api = ApiClient(port, token)
    body = {"procedure": PROCEDURE_CODE, "channel": "online", "applicant": APPLICANT}

    def submit_one(number: int) -> str:
        unit = UNIT_CODE.format(number % units)
        return str(api.post("/api/v1/dossiers", {**body, "receiving_unit": unit})["code"])

    submit = Run("api submit", database, clients)
    pending = deque(run_clients(submit, seconds, submit_one, cleanup=api.close))

    def accept_one(_number: int) -> str | None:
        try:
            code = pending.popleft()
        except IndexError:
            return None  # every submitted dossier is accepted
        api.post(f"/api/v1/dossiers/{code}/accept", {})
        return code

    accept = Run("api accept", database, clients)
    run_clients(accept, seconds, accept_one, cleanup=api.close)
    return [submit, accept]


# --- checks, profile, report --------------------------------------------------------------------


def code_check() -> dict[str, int]:
    """Return how many codes were issued twice and how many numbers are missing from the daily sequences."""
    from motcua.dossiers.models import Dossier, DossierCodeSequence

    codes = list(Dossier.objects.values_list("code", flat=True))
    numbers: dict[str, list[int]] = {}
    for code in codes:
        prefix, number = code.rsplit("-", 1)
        numbers.setdefault(prefix, []).append(int(number))
    gaps = sum(max(found) - len(set(found)) for found in numbers.values())
    last = {
        f"{row.unit.code}-{row.day:%y%m%d}": row.last_value
        for row in DossierCodeSequence.objects.select_related("unit")
    }
    unused = sum(value - max(numbers.get(prefix, [0])) for prefix, value in last.items())
    return {"dossiers": len(codes), "duplicates": len(codes) - len(set(codes)), "gaps": gaps + unused}


def profile_service(fixture: Fixture, seconds: float) -> str:
    """Return the top of a cProfile of one client calling the service layer for `seconds`."""
    profiler = cProfile.Profile()
    run = Run("profile", "", 1)
    profiler.enable()
    service_run_inline(fixture, run, seconds)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    return f"{run.count} acceptances in {run.seconds:.1f} s in one thread\n" + out.getvalue()


def service_run_inline(fixture: Fixture, run: Run, seconds: float) -> None:
    """Call the service layer in this thread for `seconds` (for the profiler, which sees one thread)."""
    from motcua.dossiers import services
    from motcua.dossiers.rules import Applicant

    applicant = Applicant(**APPLICANT)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        services.dossier_receive_at_counter(
            version=fixture.version,
            receiving_unit=fixture.units[0],
            reception_point=fixture.units[0],
            applicant=applicant,
            components=[services.Component(name="Đơn")],
            actor=fixture.officer,
        )
        run.count += 1
    run.seconds = time.perf_counter() - start


def measure(db: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build the throwaway database `db`, run every mode at every client count, check the codes."""
    with throwaway_database(db) as env, tempfile.TemporaryDirectory(prefix="motcua_bench_http_") as workdir:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        fixture = load_fixture(args.units)
        runs = [service_run(fixture, db, clients, args.seconds, args.processes) for clients in args.clients]
        if not args.no_http:
            with gunicorn(db, env, Path(workdir)) as port:
                for clients in args.clients:
                    runs.extend(api_runs(port, fixture.token, db, clients, args.seconds, args.units))
        runs.extend(bare_insert_run(db, clients, args.seconds) for clients in args.clients)
        profile = profile_service(fixture, args.seconds) if args.profile else ""
        check = code_check()
        connections.close_all()
    return {"runs": [asdict(run) for run in runs], "check": {db: check}, "profile": {db: profile}}


def measure_in_child(db: str, args: argparse.Namespace) -> dict[str, Any]:
    """Measure `db` in a fresh interpreter (Django's settings pick the database once per process)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, __file__, "--db", db, "--seconds", str(args.seconds), "--json", out.name]
        command += ["--clients", ",".join(map(str, args.clients)), "--units", str(args.units)]
        command += ["--processes", str(args.processes)]
        command += ["--no-http"] * args.no_http + ["--profile"] * args.profile
        subprocess.run(command, check=True, cwd=ROOT)
        result: dict[str, Any] = json.loads(Path(out.name).read_text())
        return result


def report(result: dict[str, Any], args: argparse.Namespace) -> bool:
    """Print the table and the checks; return whether the codes are unique and gap-free."""
    runs = [Run(**row) for row in result["runs"]]
    print(f"motcua acceptance benchmark, {date.today():%Y-%m-%d}")
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    print(f"Python {platform.python_version()}, {machine}")
    print(f"{args.seconds:g} s per run; clients spread over {args.units} receiving unit(s)")
    print()
    print(
        f"| {'mode':<11} | {'database':<10} | {'clients':>7} | {'ops':>6} | {'ops/s':>7} | {'p50 ms':>7} | "
        f"{'p99 ms':>7} | {'errors':>6} | {'duplicates':>10} |"
    )
    print(f"|{'-' * 13}|{'-' * 12}|{'-' * 8}:|{'-' * 7}:|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 7}:|{'-' * 11}:|")
    for run in runs:
        print(
            f"| {run.mode:<11} | {run.database:<10} | {run.clients:>7} | {run.count:>6} | {run.rate:>7.1f} | "
            f"{run.percentile(0.5):>7.1f} | {run.percentile(0.99):>7.1f} | {run.errors:>6} | {run.duplicates:>10} |"
        )
    print()
    for run in runs:
        if run.first_error:
            print(f"first error of {run.mode} / {run.database} / {run.clients}: {run.first_error}")
    _print_cpu(runs)
    _print_ratios(runs)
    ok = True
    for db, check in result["check"].items():
        print(f"{db}: {check['dossiers']} dossiers, {check['duplicates']} duplicate codes, {check['gaps']} gaps")
        ok = ok and check["duplicates"] == 0 and check["gaps"] == 0 and not any(r.duplicates for r in runs)
    for db, text in result["profile"].items():
        if text:
            print(f"\ncProfile of the service layer on {db}:\n{text}")
    return ok


def _print_cpu(runs: list[Run]) -> None:
    """Print the CPU one service acceptance cost, and the rate that CPU alone would allow on this machine."""
    cpus = os.cpu_count() or 1
    for run in runs:
        if run.mode != "service" or not run.count:
            continue
        client, database = 1000 * run.cpu_client / run.count, 1000 * run.cpu_database / run.count
        where = f"{run.database}, {run.clients} clients in {run.processes} processes"
        line = f"CPU per acceptance, {where}: {client:.2f} ms in Python"
        if run.database == "postgresql":
            line += f" + {database:.2f} ms in PostgreSQL backends"
        ceiling = cpus * 1000 / (client + database) if client + database else 0
        print(f"{line}; {cpus} CPUs doing nothing else would allow {ceiling:.0f}/s")
        if run.cpu_machine:
            mine = run.cpu_client + run.cpu_database + run.cpu_server_other
            others = max(0.0, run.cpu_machine - mine) / run.seconds
            print(
                f"  the machine was busy {run.cpu_machine / run.seconds:.2f} of {cpus} CPUs during the run: "
                f"{(run.cpu_client + run.cpu_database) / run.seconds:.2f} these clients and their backends, "
                f"{run.cpu_server_other / run.seconds:.2f} other PostgreSQL processes (WAL writer, checkpointer, "
                f"other databases), {others:.2f} everything else (other jobs, the kernel)"
            )
    print()


def _print_ratios(runs: list[Run]) -> None:
    for run in runs:
        bare = next(
            (r for r in runs if r.mode == "bare insert" and (r.database, r.clients) == (run.database, run.clients)),
            None,
        )
        if run.mode in ("service", "api accept") and bare and bare.rate:
            ratio = run.rate / bare.rate
            print(f"{run.mode} / bare insert, {run.database}, {run.clients} clients: {ratio:.4f} (1 : {1 / ratio:.0f})")
    best = max((r.rate for r in runs if r.database == "postgresql" and r.mode in ("service", "api accept")), default=0)
    if best:
        print(f"goal ≥ {GOAL} acceptances/s on PostgreSQL: {'met' if best >= GOAL else 'not met'} (best {best:.0f}/s)")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run (default 10)")
    parser.add_argument("--clients", type=lambda s: [int(n) for n in s.split(",")], default=[16, 64])
    parser.add_argument(
        "--units", type=int, default=1, help="receiving units the clients spread over (default 1: one busy center)"
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=max(2, os.cpu_count() or 1),
        help="worker processes sharing the service-layer clients (default: one per CPU, at least 2)",
    )
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP API runs")
    parser.add_argument("--profile", action="store_true", help="add a cProfile of the service layer")
    parser.add_argument("--json", help=argparse.SUPPRESS)  # a child's result file (--db both)
    args = parser.parse_args(argv)
    if args.db == "both":
        result: dict[str, Any] = {"runs": [], "check": {}, "profile": {}}
        for db in ("sqlite", "postgres"):
            part = measure_in_child(db, args)
            result["runs"] += part["runs"]
            result["check"].update(part["check"])
            result["profile"].update(part["profile"])
    else:
        result = measure(args.db, args)
    for row in result["runs"]:
        row["database"] = {"sqlite": "sqlite", "postgres": "postgresql"}.get(row["database"], row["database"])
    if args.json:
        Path(args.json).write_text(json.dumps(result))
        return 0
    return 0 if report(result, args) else 1


if __name__ == "__main__":
    sys.exit(main())
