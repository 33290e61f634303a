"""Search benchmark over HTTP: latency (p50, p95, p99) and throughput with 1, 8 and 32 clients.

Run: .venv/bin/python bench/search.py --sizes 100000 1000000 --clients 1 8 32 --store /tmp/stores
The store is loaded with varied copies of synthetic templates (as bench/store.py does) and, with
--store, kept for the next run; the app is served by uvicorn in separate processes on 127.0.0.1.
Each client is a practitioner on one keep-alive connection (stdlib http.client,
threads spread over a few load-generator processes) and searches for a random loaded child by
family name (with a one-letter typo in a third of the searches) and date of birth; latency is
timed from sending the request to reading the last byte of the body. Each client moves to its next
account every 100 searches (`--accounts`, 400 by default, shared out among the clients), so no
account's history outgrows a busy person's day: the misuse checks count an account's searches of
the past hour and day on every search, and thousands per account would measure the bench, not use.
Every search is real: blind-index candidates, decryption, scoring, the audit entry and misuse
checks, committed before the response. The per-account hourly hard limit is lifted in the server
process only, so that runs repeated within an hour on a kept store do not suspend the accounts.
Also printed: CPU time per search of the server processes and of the load generator, to read the
figures against the machine's cores.

`--mode fhir` drives the same searches as IHE PDQm `GET /fhir/Patient?family=&birthdate=` from one
client system's key, each request naming the practitioner it acts for (rotated as above) and the
reason in headers: the same use case behind the client system's key, the acting-practitioner
check and its audit entry, and a validated FHIR searchset Bundle."""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from multiprocessing.queues import Queue
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pyotp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factories import ChildFactory

from bench.common import PG_ADMIN, fresh_database_url, percentile
from contactpoint.access.policy import Principal
from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import principal_of, provision_account
from contactpoint.app.accounts.client_systems import add_client_system, release_client_system
from contactpoint.app.accounts.organisations import register_organisation
from contactpoint.app.children.records import register_children
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.app.runtime import Runtime
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import SystemClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.settings import Settings

TEMPLATES = 5_000
ACCOUNTS = 400  # practitioners, shared out among the clients
PER_ACCOUNT = 100  # searches before a client moves to its next account (the hard limit is 120 an hour)
PASSWORD = "bench password that is long enough"  # noqa: S105  # a throwaway bench account
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105  # likewise


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 5:
        return name
    at = rng.randrange(2, len(name) - 1)
    return name[:at] + ("e" if name[at] != "e" else "a") + name[at + 1 :]


def wanted_for(size: int, templates: list[ChildRecord]) -> list[tuple[str, date]]:
    """(family name, date of birth) of every loaded child, for the clients (deterministic)."""
    return [
        (templates[i % len(templates)].names.current.family,
         templates[i % len(templates)].date_of_birth - timedelta(days=i % 97))
        for i in range(size)
    ]  # fmt: skip


def load(settings: Settings, size: int, templates: list[ChildRecord]) -> None:
    """Fill the store with `size` children."""
    initialise_store(settings, SystemClock())
    runtime = build_runtime(settings)

    def build(index: int, cp_id: ContactPointId) -> ChildRecord:
        template = templates[index % len(templates)]
        born = template.date_of_birth - timedelta(days=index % 97)
        return replace(template, cp_id=cp_id, date_of_birth=born)

    started = time.perf_counter()
    register_children(runtime, iter(range(size)), build, batch_size=5_000)
    print(f"  loaded {size} children in {time.perf_counter() - started:.0f} s", flush=True)
    runtime.close()


def ensure_accounts(settings: Settings, accounts: int) -> None:
    """The bench practitioners, added to a store that has fewer (stores made earlier had 32)."""
    runtime = build_runtime(settings)
    with runtime.unit_of_work() as uow:
        for n in range(accounts):
            if uow.users.exists(f"bench-practitioner-{n}"):
                continue
            provision_account(
                runtime,
                uow,
                username=f"bench-practitioner-{n}",
                role=Role.PRACTITIONER,
                la_code="201",
                org_code="URN100001",
                org_name="Bench School",
                service=ServiceType.EDUCATION,
                password=PASSWORD,
                totp_secret=TOTP_SECRET,
                enrolled=True,
            )
        uow.commit()
    runtime.close()


def _bench_admin(runtime: Runtime, name: str) -> Principal:
    """An LA 201 user administrator for the bench, made on first use."""
    with runtime.unit_of_work() as uow:
        if uow.users.by_username(name) is None:
            provision_account(
                runtime,
                uow,
                username=name,
                role=Role.LA_USER_ADMIN,
                la_code="201",
                org_code=None,
                org_name=None,
                service=None,
                password=PASSWORD,
                totp_secret=TOTP_SECRET,
                enrolled=True,
            )
            uow.commit()
        admin = uow.users.by_username(name)
        assert admin is not None  # noqa: S101  # just made
        return principal_of(admin)


def client_system_key(settings: Settings) -> str:
    """A new client system for the bench practitioners' organisation (a key is shown only once)."""
    runtime = build_runtime(settings)
    register_organisation(runtime, "URN100001", "Bench School", "201", [ServiceType.EDUCATION])
    principal = _bench_admin(runtime, "bench-user-admin")
    made = add_client_system(runtime, principal, f"bench-mis-{time.time_ns()}", "URN100001")
    second = _bench_admin(runtime, "bench-user-admin-2")  # a client system waits for a second one
    key = made.key_half + release_client_system(runtime, second, made.user_id).key_half
    runtime.close()
    return key


def serve(home: str, database_url: str, port: int, stack: str) -> None:
    """The server process: the real app, with the hourly hard limit lifted for the bench account."""
    import uvicorn  # noqa: PLC0415  # only the server process needs it

    from contactpoint.app.oversight import misuse  # noqa: PLC0415
    from contactpoint.web.app import create_app  # noqa: PLC0415

    misuse.HOURLY_SEARCH_LIMIT = 10**9
    # The bench's one client key makes every FHIR request: its per-minute limit is lifted too.
    settings = Settings(home=Path(home), database_url=database_url, fhir_client_requests_per_minute=10**9)
    runtime = build_runtime(settings)
    # Several server processes share the port (SO_REUSEPORT; the kernel spreads connections).
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", port))
    plain = {"loop": "asyncio", "http": "h11"} if stack == "h11" else {}
    config = uvicorn.Config(create_app(runtime), log_level="warning", access_log=False, **plain)  # type: ignore[arg-type]
    uvicorn.Server(config).run(sockets=[listener])


def _sign_in(base: str, account: int) -> str:
    """A full session for one bench account (a code is single-use per 30 s step: wait for the next)."""
    with httpx.Client(base_url=base) as client:
        for _ in range(3):
            response = client.post(
                "/api/v1/sessions",
                json={
                    "username": f"bench-practitioner-{account}",
                    "password": PASSWORD,
                    "code": pyotp.TOTP(TOTP_SECRET).now(),
                },
            )
            if response.status_code == 201:
                token: str = response.json()["token"]
                return token
            time.sleep(31 - time.time() % 30)
        response.raise_for_status()
        raise RuntimeError("sign-in failed")


def _request(
    key: str | None, token: str, family: str, born: date
) -> tuple[str, str, bytes | None, dict[str, str], bytes]:
    """The search as the JSON API's POST, or (with a client system's key) as FHIR's GET: method,
    path, body, headers and how a good answer begins."""
    if key is None:
        body = json.dumps({"family_name": family, "date_of_birth": born.isoformat(), "reason": "assessment"})
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        return "POST", "/api/v1/searches", body.encode(), headers, b'{"results":'
    query = urlencode({"family": family, "birthdate": born.isoformat()})
    headers = {
        "Authorization": f"Bearer {key}",
        "X-ContactPoint-Practitioner": token,
        "X-ContactPoint-Reason": "assessment",
    }
    return "GET", f"/fhir/Patient?{query}", None, headers, b'{"resourceType":"Bundle"'


def _client_process(  # noqa: PLR0917  # a process target takes positional arguments
    port: int,
    tokens: list[list[str]],
    wanted: list[tuple[str, date]],
    seed: int,
    stop_at: float,
    results: Queue[tuple[list[float], int, float]],
    key: str | None = None,
) -> None:
    """One load-generator process: a thread per client, each one keep-alive connection (stdlib
    http.client, far leaner than httpx); latency is send to last byte of the body read."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def client(index: int, accounts: list[str]) -> None:
        rng = random.Random(seed * 1000 + index)
        mine: list[float] = []
        failed = 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        done = random.randrange(len(accounts)) * PER_ACCOUNT  # runs start at different accounts
        while time.time() < stop_at:
            token = accounts[done // PER_ACCOUNT % len(accounts)]
            done += 1
            family, born = rng.choice(wanted)
            family = _typo(family, rng) if rng.random() < 1 / 3 else family
            method, path, body, headers, good = _request(key, token, family, born)
            begun = time.perf_counter()
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - begun
            if response.status == 200 and payload.startswith(good):
                mine.append(elapsed)
            else:
                failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    threads = [threading.Thread(target=client, args=(i, t)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.put((latencies, failures[0], usage.ru_utime + usage.ru_stime))


def _cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def drive(
    port: int,
    tokens: list[list[str]],
    wanted: list[tuple[str, date]],
    seconds: float,
    *,
    server_pids: list[int],
    processes: int,
    key: str | None = None,
) -> dict[str, float]:
    """One client per list of account tokens, spread over `processes` load-generator processes."""
    context = multiprocessing.get_context("fork")
    results: Queue[tuple[list[float], int, float]] = context.Queue()
    shares = [tokens[i::processes] for i in range(processes) if tokens[i::processes]]
    stop_at = time.time() + seconds + 0.5
    server_before = _cpu_seconds(server_pids)
    started = time.perf_counter()
    workers = [
        context.Process(target=_client_process, args=(port, share, wanted, n, stop_at, results, key))
        for n, share in enumerate(shares)
    ]
    for worker in workers:
        worker.start()
    gathered = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    server_cpu = _cpu_seconds(server_pids) - server_before
    latencies = [x for got in gathered for x in got[0]]
    count = max(len(latencies), 1)
    return {
        "searches": len(latencies),
        "failures": sum(got[1] for got in gathered),
        "per_s": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "server_ms": server_cpu * 1000 / count,
        "client_ms": sum(got[2] for got in gathered) * 1000 / count,
    }


def _store(
    backend: str, root: Path | None, size: int, folder: str, prefix: str = "cp_bench_search"
) -> tuple[Path, str, bool]:
    """Where a size's store lives and whether it must be loaded: kept under --store for reuse."""
    if root is None:
        return Path(folder), fresh_database_url(backend, Path(folder), prefix), True
    home = root / f"{backend}-{size}"
    ready = (home / "loaded").exists()
    if backend == "sqlite":
        url = f"sqlite:///{home / 'contactpoint.db'}"
        if not ready:
            shutil.rmtree(home, ignore_errors=True)
    else:
        name = f"{prefix}_{size}"
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        if not ready:
            shutil.rmtree(home, ignore_errors=True)
            url = fresh_database_url(backend, root, name)
    home.mkdir(mode=0o700, parents=True, exist_ok=True)  # the server refuses a data directory others open
    return home, url, not ready


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/api/v1/openapi.json").raise_for_status()
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        else:
            return


def _parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--accounts", type=int, default=ACCOUNTS, help="practitioner accounts to rotate")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="server processes (2 suits PostgreSQL here)")
    parser.add_argument("--client-processes", type=int, default=2, help="load-generator processes")
    parser.add_argument("--store", type=Path, help="keep loaded stores in this folder and reuse them")
    parser.add_argument(
        "--pg-prefix",
        default="cp_bench_search",
        help="PostgreSQL database name prefix (dropped and made anew): one per engineer sharing a server",
    )
    parser.add_argument("--load-only", action="store_true", help="load the stores (with --store) and stop")
    parser.add_argument(
        "--stack",
        choices=["auto", "h11"],
        default="auto",
        help="h11: asyncio and h11 (the pure-Python stack)",
    )
    parser.add_argument(
        "--mode",
        choices=["api", "fhir"],
        default="api",
        help="fhir: PDQm searches from a client system acting for the practitioners",
    )
    parser.add_argument("--serve", nargs=4, metavar=("HOME", "URL", "PORT", "STACK"), help=argparse.SUPPRESS)
    return parser


def main() -> None:
    """Load each size, serve it, drive it at each concurrency, print a table."""
    options = _parser().parse_args()
    if options.serve:
        serve(options.serve[0], options.serve[1], int(options.serve[2]), options.serve[3])
        return
    factory = ChildFactory(seed=42)
    templates = [factory.child() for _ in range(TEMPLATES)]
    print(
        f"mode: {options.mode}, server processes: {options.workers}, "
        f"load-generator processes: {options.client_processes}"
    )
    print(f"{'backend':<11}{'children':>10}{'clients':>8}{'searches':>10}{'per s':>8}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'srv cpu ms':>11}{'gen cpu ms':>11}", flush=True)  # fmt: skip
    for size in options.sizes:
        with tempfile.TemporaryDirectory(dir=options.store) as folder:
            home, url, needs_load = _store(options.backend, options.store, size, folder, options.pg_prefix)
            if needs_load:
                load(Settings(home=home, database_url=url), size, templates)
                (home / "loaded").touch()
            ensure_accounts(Settings(home=home, database_url=url), options.accounts)
            if options.load_only:
                continue
            key = client_system_key(Settings(home=home, database_url=url)) if options.mode == "fhir" else None
            wanted = wanted_for(size, templates)
            port = 18_000 + random.randrange(1000)
            servers = [
                subprocess.Popen(  # noqa: S603  # our own interpreter and script
                    [sys.executable, __file__, "--serve", str(home), url, str(port), options.stack]
                )
                for _ in range(options.workers)
            ]
            base = f"http://127.0.0.1:{port}"
            try:
                _wait_until_up(base)
                if key is None:
                    with ThreadPoolExecutor(4) as pool:  # argon2 runs without the GIL on the server
                        tokens = list(pool.map(_sign_in, [base] * options.accounts, range(options.accounts)))
                else:  # a client system names the practitioner it acts for: no sign-in
                    tokens = [f"bench-practitioner-{n}" for n in range(options.accounts)]
                pids = [server.pid for server in servers]
                warm = [tokens[i::4] for i in range(4)]
                drive(port, warm, wanted, 2.0, server_pids=pids, processes=1, key=key)  # warm the caches
                for clients in options.clients:
                    f = drive(
                        port,
                        [tokens[i::clients] for i in range(clients)],
                        wanted,
                        options.seconds,
                        server_pids=pids,
                        processes=options.client_processes,
                        key=key,
                    )
                    print(
                        f"{options.backend:<11}{size:>10}{clients:>8}{f['searches']:>10.0f}{f['per_s']:>8.0f}"
                        f"{f['p50']:>9.1f}{f['p95']:>9.1f}{f['p99']:>9.1f}{f['failures']:>8.0f}"
                        f"{f['server_ms']:>11.2f}{f['client_ms']:>11.2f}",
                        flush=True,
                    )
            finally:
                for server in servers:
                    server.terminate()
                    server.wait(10)
    print(f"(measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on this machine)")


if __name__ == "__main__":
    main()
