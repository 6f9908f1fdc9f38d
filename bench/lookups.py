"""Public status lookups per second through gunicorn on PostgreSQL, beside a trivial Django view (issue 5).

Run from the repository root:

    .venv/bin/python bench/lookups.py [--seconds 10] [--clients 16,64] [--dossiers 3000] [--workers 5] [--threads 4]

It creates a throwaway PostgreSQL database (`motcua_bench_lookup_<pid>`, dropped at the end, also after
an error), migrates it, collects the static files into a temporary directory (the status page links
them through the manifest, as in production), and receives `--dossiers` dossiers at the counter through
`dossier_receive_at_counter` (four service centers, three procedures, one applicant and phone number
per dossier). It then starts gunicorn with the project's `gunicorn.conf.py` (gthread: `--workers`
processes × `--threads` threads) on a free 127.0.0.1 port, with `bench.lookups_settings`: the project's
settings and middleware, whose URL map adds `/bench/trivial/` to the project's. For every client count
and mode, N client threads with keep-alive `http.client` connections run for `--seconds`:

- trivial: `GET /bench/trivial/` (a two-byte HttpResponse): Django, its middleware and gunicorn alone;
- floor: `GET /bench/floor/<secret>/`: the rate-limit check and the dossier's row by its secret (two
  indexed SELECTs) answered with a page-sized body and no page rendered: the most any status look-up could
  reach here, since it must do both before showing anything;
- qr secret: what a citizen does with the receipt's QR code: `GET /dich-vu-cong/tra-cuu/<secret>/`
  (rate-limit check, look-up, the status page and its proof cookie in one answer), a new visitor each time;
- code + phone: the portal's form: `POST /dich-vu-cong/tra-cuu/` with the code and the phone (the
  CSRF cookie and token fetched once per client) and the status page it redirects to, with the proof
  cookie it set, a new visitor each time;
- api: `POST /api/v1/lookup` with the code and the phone (one request, JSON).

The clients go round the dossiers, so every look-up succeeds and the rate limit (which counts failures)
never refuses one. Each answer must be 200 (302 then 200 for the form) and contain the dossier's code;
anything else is an error. A look-up's latency covers all its requests. The client threads run on the
same CPUs as gunicorn and PostgreSQL. It prints lookups/s, HTTP requests/s, p50/p99 and errors, the
ratio to the trivial view and the load of the machine, and exits with status 1 on any error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.latency import percentile_ms  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
LOOKUP = "/dich-vu-cong/tra-cuu/"
PROOF_COOKIE = "motcua_tra_cuu"  # motcua.portal.views.lookup.PROOF_COOKIE
RATIO_GOAL, P99_GOAL_MS = 0.5, 50.0  # issue 5, "Measure": half the trivial view's throughput, p99 < 50 ms at 16
MODES = ("trivial", "floor", "qr secret", "code + phone", "api")
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Thị", "Văn", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hữu")
GIVEN = ("Lan", "Hùng", "Hương", "Tuấn", "Mai", "Dũng", "Hà", "Sơn", "Thảo", "Khánh", "Yến", "Long")
PROCEDURES = (
    ("1.000001", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Hoạt động xây dựng"),
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch"),
    ("1.004227", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai"),
)


@dataclass(frozen=True)
class Target:
    """One dossier the clients look up, with what proves it is theirs."""

    code: str
    phone: str
    secret: str


@dataclass
class Run:
    """One measured run of one mode at one client count."""

    mode: str
    clients: int
    lookups: int = 0
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    first_error: str = ""
    latencies: list[float] = field(default_factory=list)
    load: str = ""  # /proc/loadavg's 1-minute figure at the end of the run
    busy: float = 0.0  # CPUs of the machine busy during the run (/proc/stat), this benchmark and the rest

    def rate(self, count: int) -> float:
        return count / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """Return the latency (ms) below which `share` of the look-ups finished."""
        return percentile_ms(self.latencies, share)


# --- database and data --------------------------------------------------------------------------


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create `motcua_bench_lookup_<pid>` on the local server, yield its URL, drop it afterwards."""
    import psycopg

    name = f"motcua_bench_lookup_{os.getpid()}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(var_dir: str, database_url: str) -> dict[str, str]:
    """Point Django at the bench database and directory, migrate, collect static files; return the environment."""
    os.environ.update(
        DATABASE_URL=database_url,
        MOTCUA_VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="bench.lookups_settings",
        MOTCUA_LOOKUP_FAILURE_LIMIT=os.environ.get("MOTCUA_LOOKUP_FAILURE_LIMIT", "10"),
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return dict(os.environ)


def receive_dossiers(count: int) -> list[Target]:
    """Receive `count` dossiers at the counter through the service layer; return their codes, phones, secrets."""
    from motcua.accounts.models import Membership, Role, Unit, UnitKind, User
    from motcua.catalog.models import Field, Level, OnlineLevel, Procedure, ProcedureVersion
    from motcua.dossiers import services
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.rules import Applicant
    from motcua.workdays.models import CalendarYear

    for year in range(2024, 2028):
        CalendarYear.objects.get_or_create(year=year)
    province = Unit.objects.create(code="000.00.00.H31", name="UBND thành phố Hải Phòng", kind=UnitKind.PROVINCE)
    centers = [
        Unit.objects.create(
            code=f"000.10.{n:02d}.H31",
            name=f"Trung tâm Phục vụ hành chính công số {n}",
            kind=UnitKind.SERVICE_CENTER,
            parent=province,
        )
        for n in range(4)
    ]
    versions = [
        ProcedureVersion.objects.create(
            procedure=Procedure.objects.create(code=code),
            name=name,
            field=Field.objects.create(name=field_name),
            level=Level.COMMUNE,
            competent_unit=province,
            time_limit_amount=10,
            time_limit_unit="working_days",
            online_level=OnlineLevel.FULL,
        )
        for code, name, field_name in PROCEDURES
    ]
    versions = list(ProcedureVersion.objects.select_related("competent_unit", "procedure").order_by("pk"))
    officer = User.objects.create(username="bench", full_name="Cán bộ đo hiệu năng")
    Membership.objects.create(user=officer, unit=province, role=Role.RECEPTION_OFFICER)
    for n in range(count):
        name = f"{FAMILY[n % 10]} {MIDDLE[n // 10 % 8]} {GIVEN[n // 80 % 12]}"
        applicant = Applicant(
            kind="person",
            name=name,
            id_number=f"031{n:09d}",
            phone=f"09{n * 7919 % 10**8:08d}",
            address=f"Số {n % 200 + 1} đường Lạch Tray, quận Ngô Quyền, thành phố Hải Phòng",
        )
        services.dossier_receive_at_counter(
            version=versions[n % len(versions)],
            receiving_unit=centers[n % len(centers)],
            reception_point=centers[n % len(centers)],
            applicant=applicant,
            components=[services.Component(name="Tờ khai theo mẫu")],
            actor=officer,
        )
    rows = Dossier.objects.order_by("?").values_list("code", "applicant_phone", "lookup_secret")
    return [Target(code, phone, secret) for code, phone, secret in rows]


# --- gunicorn ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int, log: Path) -> Iterator[int]:
    """Run gunicorn with the project's gunicorn.conf.py on a free 127.0.0.1 port; yield the port."""
    port = free_port()
    env = {**env, "MOTCUA_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "MOTCUA_THREADS": str(threads)}
    binary = Path(sys.executable).parent / "gunicorn"
    with log.open("wb") as out:  # the access log, as the service manager's journal would take it
        server = subprocess.Popen(
            [str(binary), "-c", "gunicorn.conf.py", "motcua.wsgi"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        try:
            _wait_for(port, server)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    for _attempt in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn ended with status {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/trivial/")
            if connection.getresponse().read() == b"ok":
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port}")


# --- clients -------------------------------------------------------------------------------------


class WrongAnswer(Exception):
    """A response that is not what a successful look-up answers."""


class Client:
    """One client thread's keep-alive connection, cookies and CSRF token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.csrf_cookie = self.csrf_token = ""
        self.requests = 0

    def send(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPResponse, bytes]:
        try:
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # reconnects on the next request
            raise
        self.requests += 1
        return response.status, response, payload

    def status_page(self, response: http.client.HTTPResponse, status: int, code: str) -> None:
        """Follow a look-up's redirect to the status page with its proof cookie; check it shows `code`."""
        location = response.getheader("Location", "")
        if status != 302 or not location.endswith(f"/tra-cuu/ho-so/{code}/"):
            raise WrongAnswer(f"HTTP {status} to {location!r}, not the status page of {code}")
        proof = _cookie(response, PROOF_COOKIE)
        status, _response, page = self.send("GET", urllib.parse.urlsplit(location).path, headers={"Cookie": proof})
        _check_page(status, page, code)

    def csrf(self) -> str:
        """Fetch the lookup form once: its CSRF cookie and token."""
        if not self.csrf_token:
            status, response, page = self.send("GET", LOOKUP)
            found = CSRF_INPUT.search(page)
            if status != 200 or not found:
                raise WrongAnswer(f"lookup form: HTTP {status} without a CSRF token")
            self.csrf_cookie, self.csrf_token = _cookie(response, "csrftoken"), found.group(1).decode()
        return self.csrf_token


def _cookie(response: http.client.HTTPResponse, name: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0]
    raise WrongAnswer(f"no {name} cookie")


def trivial(client: Client, _target: Target) -> None:
    status, _response, body = client.send("GET", "/bench/trivial/")
    if status != 200 or body != b"ok":
        raise WrongAnswer(f"trivial view: HTTP {status}")


def floor(client: Client, target: Target) -> None:
    status, _response, body = client.send("GET", f"/bench/floor/{target.secret}/")
    if status != 200 or not body.startswith(target.code.encode()):
        raise WrongAnswer(f"floor view of {target.code}: HTTP {status}")


def _check_page(status: int, page: bytes, code: str) -> None:
    if status != 200 or code.encode() not in page:
        raise WrongAnswer(f"status page of {code}: HTTP {status}, {len(page)} bytes without the code")


def by_secret(client: Client, target: Target) -> None:
    status, response, page = client.send("GET", f"{LOOKUP}{target.secret}/")
    _check_page(status, page, target.code)
    _cookie(response, PROOF_COOKIE)  # the page's links (rating, letters) need it


def by_code_and_phone(client: Client, target: Target) -> None:
    token = client.csrf()
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "code": target.code, "phone": target.phone})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": client.csrf_cookie}
    status, response, _body = client.send("POST", LOOKUP, form.encode(), headers)
    client.status_page(response, status, target.code)


def by_api(client: Client, target: Target) -> None:
    body = json.dumps({"code": target.code, "phone": target.phone}).encode()
    status, _response, answer = client.send("POST", "/api/v1/lookup", body, {"Content-Type": "application/json"})
    if status != 200 or json.loads(answer).get("code") != target.code:
        raise WrongAnswer(f"api lookup of {target.code}: HTTP {status}: {answer[:120]!r}")


WORK: dict[str, Callable[[Client, Target], None]] = {
    "trivial": trivial,
    "floor": floor,
    "qr secret": by_secret,
    "code + phone": by_code_and_phone,
    "api": by_api,
}


def measure(port: int, mode: str, clients: int, seconds: float, targets: list[Target]) -> Run:
    """Run `clients` threads doing `mode` look-ups for `seconds`, each going round its share of the dossiers."""
    run, lock, clock = Run(mode, clients), threading.Lock(), {}
    barrier = threading.Barrier(clients, action=lambda: clock.update(start=time.perf_counter(), busy=_busy()))

    def client(number: int) -> None:
        session, latencies, errors, first_error = Client(port), [], 0, ""
        if mode == "code + phone":
            session.csrf()  # the form a visitor has open before typing
        session.requests, turn = 0, number
        barrier.wait()
        deadline = clock["start"] + seconds
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                WORK[mode](session, targets[turn % len(targets)])
                latencies.append(time.perf_counter() - began)
            except Exception as error:  # counted and shown, never hidden
                errors, first_error = errors + 1, first_error or f"{type(error).__name__}: {error}"[:200]
            turn += clients
        with lock:
            clock["end"] = max(clock.get("end", 0.0), time.perf_counter())
            run.latencies += latencies
            run.requests += session.requests
            run.errors += errors
            run.first_error = run.first_error or first_error
        session.connection.close()

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = clock["end"] - clock["start"]
    run.lookups = len(run.latencies)
    run.busy = (_busy() - clock["busy"]) / run.seconds
    run.load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    return run


def _busy() -> float:
    """Return the CPU seconds all CPUs of this machine have spent busy since boot (/proc/stat; 0 elsewhere)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


# --- report --------------------------------------------------------------------------------------


def report(runs: list[Run], args: argparse.Namespace, dossiers: int) -> bool:
    """Print the table, the ratios and the goals; return whether no look-up failed."""
    print(f"motcua status lookup benchmark, {date.today():%Y-%m-%d}, PostgreSQL, {dossiers} dossiers")
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs shared by gunicorn,")
    print(f"PostgreSQL and the client threads; gunicorn gthread {args.workers} workers × {args.threads} threads")
    print(f"{args.seconds:g} s per run\n")
    print("| mode         | clients | lookups/s | requests/s | p50 ms | p99 ms | errors | CPUs busy | load 1 min |")
    print("|--------------|--------:|----------:|-----------:|-------:|-------:|-------:|----------:|-----------:|")
    for run in runs:
        print(
            f"| {run.mode:<12} | {run.clients:>7} | {run.rate(run.lookups):>9.1f} | {run.rate(run.requests):>10.1f} | "
            f"{run.percentile(0.5):>6.1f} | {run.percentile(0.99):>6.1f} | {run.errors:>6} | {run.busy:>9.2f} | "
            f"{run.load:>10} |"
        )
    print()
    for run in runs:
        if run.first_error:
            print(f"first error of {run.mode} at {run.clients} clients: {run.first_error}")
    for run in runs:
        base = next((r for r in runs if r.mode == "trivial" and r.clients == run.clients), None)
        if run.mode == "trivial" or base is None or not base.lookups:
            continue
        ratio = run.rate(run.lookups) / base.rate(base.lookups)
        goals = f"ratio {'≥' if ratio >= RATIO_GOAL else '<'} {RATIO_GOAL}"
        if run.clients == 16:
            goals += f", p99 {'<' if run.percentile(0.99) < P99_GOAL_MS else '≥'} {P99_GOAL_MS:g} ms"
        print(f"{run.mode} / trivial at {run.clients} clients: {ratio:.2f} ({goals})")
    return not any(run.errors for run in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run (default 10)")
    parser.add_argument("--clients", type=lambda s: [int(n) for n in s.split(",")], default=[16, 64])
    parser.add_argument("--dossiers", type=int, default=3000, help="dossiers received and looked up (default 3000)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5: 2 × 2 cores + 1)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4, gunicorn.conf.py)")
    parser.add_argument("--modes", type=lambda s: s.split(","), default=list(MODES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    runs: list[Run] = []
    with throwaway_database() as url, tempfile.TemporaryDirectory(prefix="motcua_bench_lookup_") as var_dir:
        env = prepare(var_dir, url)
        started = time.perf_counter()
        targets = receive_dossiers(args.dossiers)
        print(f"{len(targets)} dossiers received in {time.perf_counter() - started:.0f} s", flush=True)
        from django.db import connections

        connections.close_all()
        with gunicorn(env, args.workers, args.threads, Path(var_dir, "gunicorn.log")) as port:
            for clients in args.clients:
                for mode in args.modes:
                    runs.append(measure(port, mode, clients, args.seconds, targets))
                    print(f"  {mode} × {clients}: {runs[-1].rate(runs[-1].lookups):.0f}/s", flush=True)
    return 0 if report(runs, args, len(targets)) else 1


if __name__ == "__main__":
    sys.exit(main())
