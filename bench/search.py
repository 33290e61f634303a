"""Search benchmark over HTTP: latency (p50, p95, p99) and throughput with 1, 8 and 32 clients.

Run: .venv/bin/python bench/search.py --sizes 100000 1000000 --clients 1 8 32 --seconds 10
The store is loaded with varied copies of synthetic templates (as bench/store.py does); the app is
served by uvicorn in a separate process on 127.0.0.1; each client thread keeps one HTTP connection
and searches for a random loaded child by family name (with a one-letter typo in a third of the
searches) and date of birth. Every search is real: blind-index candidates, decryption, scoring, the
audit entry and misuse checks, committed before the response. The per-account hourly hard limit is
lifted in the server process only, since one bench account searches far faster than any person.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pyotp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factories import ChildFactory

from bench.common import fresh_database_url, percentile
from contactpoint.access.roles import Role
from contactpoint.app.accounts import provision_account
from contactpoint.app.children import register_children
from contactpoint.app.initialise import initialise_store
from contactpoint.app.services import build_services
from contactpoint.domain.clock import SystemClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.settings import Settings

TEMPLATES = 5_000
PASSWORD = "bench password that is long enough"  # noqa: S105  # a throwaway bench account
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105  # likewise


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 5:
        return name
    at = rng.randrange(2, len(name) - 1)
    return name[:at] + ("e" if name[at] != "e" else "a") + name[at + 1 :]


def load(settings: Settings, size: int, templates: list[ChildRecord]) -> list[tuple[str, date]]:
    """Fill the store; returns (family name, date of birth) of every child, for the clients."""
    initialise_store(settings, SystemClock())
    services = build_services(settings)
    wanted: list[tuple[str, date]] = []

    def build(index: int, cp_id: ContactPointId) -> ChildRecord:
        template = templates[index % len(templates)]
        born = template.date_of_birth - timedelta(days=index % 97)
        wanted.append((template.names.current.family, born))
        return replace(template, cp_id=cp_id, date_of_birth=born)

    started = time.perf_counter()
    register_children(services, iter(range(size)), build, batch_size=5_000)
    print(f"  loaded {size} children in {time.perf_counter() - started:.0f} s", flush=True)
    with services.unit_of_work() as uow:
        provision_account(
            services,
            uow,
            username="bench-practitioner",
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
    services.close()
    return wanted


def serve(home: str, database_url: str, port: int) -> None:
    """The server process: the real app, with the hourly hard limit lifted for the bench account."""
    import uvicorn  # noqa: PLC0415  # only the server process needs it

    from contactpoint.app import misuse  # noqa: PLC0415
    from contactpoint.web.app import create_app  # noqa: PLC0415

    misuse.HOURLY_SEARCH_LIMIT = 10**9
    services = build_services(Settings(home=Path(home), database_url=database_url))
    # Several server processes share the port (SO_REUSEPORT; the kernel spreads connections).
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", port))
    config = uvicorn.Config(create_app(services), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listener])


def _token(base: str) -> str:
    with httpx.Client(base_url=base) as client:
        code = pyotp.TOTP(TOTP_SECRET).now()
        response = client.post(
            "/api/v1/sessions", json={"username": "bench-practitioner", "password": PASSWORD, "code": code}
        )
        response.raise_for_status()
        token: str = response.json()["token"]
        return token


def drive(
    base: str, token: str, wanted: list[tuple[str, date]], clients: int, seconds: float
) -> dict[str, float]:
    """`clients` threads searching for `seconds`; latencies of successful searches."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine: list[float] = []
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            while time.perf_counter() < stop:
                family, born = rng.choice(wanted)
                body = {
                    "family_name": _typo(family, rng) if rng.random() < 1 / 3 else family,
                    "date_of_birth": born.isoformat(),
                    "reason": "assessment",
                }
                begun = time.perf_counter()
                response = http.post("/api/v1/searches", json=body)
                elapsed = time.perf_counter() - begun
                if response.status_code == 200:
                    mine.append(elapsed)
                else:
                    with lock:
                        failures[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "searches": len(latencies),
        "failures": failures[0],
        "per_s": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
    }


def main() -> None:
    """Load each size, serve it, drive it at each concurrency, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="server processes (2 suits PostgreSQL here)")
    parser.add_argument("--serve", nargs=3, metavar=("HOME", "URL", "PORT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve[0], options.serve[1], int(options.serve[2]))
        return
    factory = ChildFactory(seed=42)
    templates = [factory.child() for _ in range(TEMPLATES)]
    print(f"server processes: {options.workers}")
    print(f"{'backend':<11}{'children':>10}{'clients':>8}{'searches':>10}{'per s':>8}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}", flush=True)  # fmt: skip
    for size in options.sizes:
        with tempfile.TemporaryDirectory() as folder:
            url = fresh_database_url(options.backend, Path(folder), "cp_bench_search")
            wanted = load(Settings(home=Path(folder), database_url=url), size, templates)
            port = 18_000 + random.randrange(1000)
            servers = [
                subprocess.Popen(  # noqa: S603  # our own interpreter and script
                    [sys.executable, __file__, "--serve", folder, url, str(port)]
                )
                for _ in range(options.workers)
            ]
            base = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        httpx.get(f"{base}/api/v1/openapi.json").raise_for_status()
                        break
                    except httpx.HTTPError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.2)
                token = _token(base)
                drive(base, token, wanted, 4, 2.0)  # warm the caches
                for clients in options.clients:
                    f = drive(base, token, wanted, clients, options.seconds)
                    print(
                        f"{options.backend:<11}{size:>10}{clients:>8}{f['searches']:>10.0f}{f['per_s']:>8.0f}"
                        f"{f['p50']:>9.1f}{f['p95']:>9.1f}{f['p99']:>9.1f}{f['failures']:>8.0f}",
                        flush=True,
                    )
            finally:
                for server in servers:
                    server.terminate()
                    server.wait(10)
    print(f"(measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on this machine)")


if __name__ == "__main__":
    main()
