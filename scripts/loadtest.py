"""Load test: gunicorn with 4 workers on the xl synthetic province, driven by many clients.

    .venv/bin/python scripts/loadtest.py [--clients 16] [--duration 30] [--scale xl] [--workers 4]

Builds the province into a throwaway PostgreSQL database (a temporary SQLite file when
PostgreSQL on 127.0.0.1 does not answer), logs the cast in by creating their sessions, starts
gunicorn on a free loopback port with DEBUG off, and drives it from a second process with a
bounded number of clients for a bounded time: first over the main pages (the bench's page list,
each as its roles open it) with one request in twenty a PDF (the covenant, ballot papers, the
draft minutes, the council list), then over /healthz, the framework's floor. Prints requests
per second, p50/p95/p99 latency, errors (must be 0), the pages/healthz throughput ratio (budget
0.10) and the peak memory of each worker, then stops gunicorn and drops the database.
Nothing listens on anything but 127.0.0.1.
"""

import argparse
import http.client
import ipaddress
import itertools
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
# Static files are not part of the page path measured here; the manifest storage used with
# DEBUG off needs `collectstatic`, so the load test serves pages with the plain storage.
SETTINGS_OVERLAY = """\
from pathlib import Path

from portal.settings import *  # noqa: F403

STATIC_ROOT = Path(__file__).resolve().parent / "static"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""


# The driver (second process; no Django) ------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


DOCUMENT_EVERY = 20  # one request in twenty is a PDF (5 % of the mix)
THROUGHPUT_RATIO_BUDGET = 0.10  # pages (PDFs included) per second over /healthz per second


def pick(turn: int, pages: list, documents: list, every: int = DOCUMENT_EVERY):
    """The target of request number `turn`: every `every`-th a document, in turn; the others the
    pages in turn, so each page and each document comes round as often as its peers."""
    if documents and turn % every == every - 1:
        return documents[(turn // every) % len(documents)]
    return pages[(turn - turn // every) % len(pages)] if documents else pages[turn % len(pages)]


def drive(port: int, targets: list[dict], clients: int, duration: float, documents=()) -> dict:
    """`clients` threads request `targets` (and `documents`, one request in twenty) for
    `duration` seconds; latencies in ms."""
    deadline = time.monotonic() + duration
    turn = itertools.count()
    documents = list(documents)
    latencies: dict[str, list[float]] = {t["name"]: [] for t in [*targets, *documents]}
    errors: list[str] = []
    lock = threading.Lock()

    def client():
        while time.monotonic() < deadline:
            target = pick(next(turn), targets, documents)
            headers = {"Connection": "close", "Host": f"{LOOPBACK}:{port}"}
            if target.get("cookie"):
                headers["Cookie"] = target["cookie"]
            started = time.perf_counter()
            connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
            try:
                connection.request("GET", target["url"], headers=headers)
                response = connection.getresponse()
                response.read()
                problem = None if response.status == 200 else f"HTTP {response.status}"
            except OSError as error:
                problem = f"{type(error).__name__}: {error}"
            finally:
                connection.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if problem:
                    errors.append(f"{target['name']} {target['url']}: {problem}")
                else:
                    latencies[target["name"]].append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = [sample for samples in latencies.values() for sample in samples]
    return {
        "seconds": round(elapsed, 2),
        "requests": len(every),
        "requests_per_second": round(len(every) / elapsed, 1),
        "p50_ms": round(percentile(every, 0.50) or 0, 1),
        "p95_ms": round(percentile(every, 0.95) or 0, 1),
        "p99_ms": round(percentile(every, 0.99) or 0, 1),
        "errors": len(errors),
        "error_samples": errors[:5],
        "per_page_p95_ms": {
            name: round(percentile(samples, 0.95) or 0, 1) for name, samples in latencies.items()
        },
    }


def driver_main(args) -> None:
    plan = json.loads(Path(args.drive).read_text(encoding="utf-8"))
    documents = plan["documents"] if args.target == "pages" else []
    result = drive(plan["port"], plan[args.target], args.clients, args.duration, documents)
    print(json.dumps(result))


# The orchestrator ------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    if host in ("", "localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_remote_database() -> None:
    """The load test only ever talks to loopback addresses, its database server included."""
    url = os.environ.get("DATABASE_URL", "")
    host = urlsplit(url).hostname or ""
    if url.startswith("postgres") and not is_loopback(host):
        sys.exit(f"The load test only uses a loopback database server, not {host!r}.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces; the parent pid follows the closing parenthesis.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of a process, in KiB."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


def warm_up(port: int, targets: list[dict], rounds: int) -> None:
    """Open every page a few times first so each worker has loaded its code and templates."""
    for _ in range(rounds):
        for target in targets:
            connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
            try:
                connection.request("GET", target["url"], headers={"Cookie": target["cookie"]})
                connection.getresponse().read()
            finally:
                connection.close()


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before answering; see its output above.")
        try:
            connection = http.client.HTTPConnection(LOOPBACK, port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"gunicorn did not answer /healthz within {timeout:.0f} s.")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def build(scale_name: str, log) -> tuple[list[dict], object]:
    """Build the province in the active database and log its cast in; return the page and the
    document targets and the province."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from emulation.models import User
    from portal.bench.pages import DOCUMENTS, PAGES, page_visits
    from portal.bench.province import build_province
    from portal.bench.scales import SCALES

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    province = build_province(SCALES[scale_name])
    log(
        f"built the {scale_name} province: {province.total_rows} rows in "
        f"{time.perf_counter() - started:.1f} s ({', '.join(province.layers)})"
    )
    cookies = {}
    for role, user_id in province.users.items():
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        cookies[role] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    targets, documents = (
        [
            {"name": f"{page.name}.{role}", "url": url, "cookie": cookies[role]}
            for page, role, url in page_visits(province, pages)
        ]
        for pages in (PAGES, DOCUMENTS)
    )
    return targets, documents, province


def run_driver(plan_path: Path, target: str, args, workers: list[int], peaks: dict) -> dict:
    """Run the driver process for one target list while sampling the workers' memory."""
    command = [
        sys.executable,
        __file__,
        "--drive",
        str(plan_path),
        "--target",
        target,
        "--clients",
        str(args.clients),
        "--duration",
        str(args.duration),
    ]
    driver = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    while driver.poll() is None:
        for pid in workers:
            rss = memory_kib(pid).get("VmRSS", 0)
            peaks[pid] = max(peaks.get(pid, 0), rss)
        time.sleep(0.5)
    output = driver.stdout.read()
    if driver.returncode != 0:
        sys.exit(f"The load driver failed ({driver.returncode}).")
    return json.loads(output)


def report(result: dict, args, province, server_label: str, as_json: bool) -> None:
    pages, health = result["pages"], result["healthz"]
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(
        f"\nLoad test: {args.clients} clients × {args.duration:.0f} s per phase, "
        f"{args.workers} gunicorn workers, {server_label}, scale {args.scale} "
        f"({province.total_rows} rows; layers {', '.join(province.layers)}); "
        f"{os.cpu_count()} CPUs"
    )
    print(f"{'':10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'requests':>9} errors")
    for label, phase in (("pages", pages), ("/healthz", health)):
        print(
            f"{label:10} {phase['requests_per_second']:>8.1f} {phase['p50_ms'] or 0:>8.1f} "
            f"{phase['p95_ms'] or 0:>8.1f} {phase['p99_ms'] or 0:>8.1f} "
            f"{phase['requests']:>9} {phase['errors']}"
        )
        for sample in phase["error_samples"]:
            print(f"    error: {sample}")
    verdict = "ok" if (result["ratio_throughput"] or 0) >= THROUGHPUT_RATIO_BUDGET else "UNDER"
    print(
        f"page/healthz: p50 latency × {result['ratio_p50']}, throughput × "
        f"{result['ratio_throughput']} (budget ≥ {THROUGHPUT_RATIO_BUDGET}: {verdict})"
    )
    print("p95 per page and document (ms): ")
    for name, value in pages["per_page_p95_ms"].items():
        print(f"    {name:40} {value:>8.1f}")
    for pid, memory in result["workers"].items():
        print(
            f"worker {pid}: peak RSS {memory['peak_rss_mib']} MiB (VmHWM {memory['vmhwm_mib']} MiB)"
        )


def ratio(page_value, healthz_value) -> float | None:
    if not page_value or not healthz_value:
        return None
    return round(page_value / healthz_value, 3)


def main(args) -> None:
    refuse_remote_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # Sessions created here must be readable by gunicorn: both sign with the same key.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from portal.bench import database

    def log(line):
        print(line, file=sys.stderr, flush=True)

    base = database.choose_server("auto")
    server_label = database.vendor_of(base)
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    (workdir / "loadtest_settings.py").write_text(SETTINGS_OVERLAY, encoding="utf-8")
    (workdir / "static").mkdir()
    server = None
    try:
        with database.throwaway(base, "loadtest") as target:
            with database.activate(target):
                server_label = database.server_version()
                targets, documents, province = build(args.scale, log)
            port = free_port()
            plan_path = workdir / "plan.json"
            plan = {
                "port": port,
                "pages": targets,
                "documents": documents,
                "healthz": [{"name": "healthz", "url": "/healthz"}],
            }
            plan_path.write_text(json.dumps(plan), encoding="utf-8")
            environment = {
                **os.environ,
                "DATABASE_URL": database.database_url(target),
                "DJANGO_SETTINGS_MODULE": "loadtest_settings",
                "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
                "DEBUG": "0",
                "ALLOWED_HOSTS": LOOPBACK,
                "SECURE_SSL_REDIRECT": "0",
            }
            gunicorn = Path(sys.executable).parent / "gunicorn"
            server = subprocess.Popen(
                [
                    str(gunicorn),
                    "portal.wsgi:application",
                    "--workers",
                    str(args.workers),
                    "--bind",
                    f"{LOOPBACK}:{port}",
                    "--chdir",
                    str(ROOT),
                    "--log-level",
                    "warning",
                    "--timeout",
                    "120",
                ],
                env=environment,
            )
            wait_until_up(port, server)
            workers = children_of(server.pid)
            log(f"gunicorn {server.pid} with workers {workers} on {LOOPBACK}:{port}")
            warm_up(port, [*targets, *documents], rounds=args.workers)
            peaks: dict[int, int] = {}
            log(
                f"driving {len(targets)} page visits and {len(documents)} PDFs (1 request in "
                f"{DOCUMENT_EVERY}) with {args.clients} clients"
            )
            pages = run_driver(plan_path, "pages", args, workers, peaks)
            log("driving /healthz")
            health = run_driver(plan_path, "healthz", args, workers, peaks)
            memory = {
                pid: {
                    "peak_rss_mib": round(peaks.get(pid, 0) / 1024, 1),
                    "vmhwm_mib": round(memory_kib(pid).get("VmHWM", 0) / 1024, 1),
                }
                for pid in workers
            }
            stop(server)
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        "scale": args.scale,
        "clients": args.clients,
        "duration_s": args.duration,
        "database": server_label,
        "pages": pages,
        "healthz": health,
        "ratio_p50": ratio(pages["p50_ms"], health["p50_ms"]),
        "ratio_throughput": ratio(pages["requests_per_second"], health["requests_per_second"]),
        "workers": memory,
    }
    report(result, args, province, server_label, args.json)
    if pages["errors"] or health["errors"]:
        sys.exit(1)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="Concurrent clients (16).")
    parser.add_argument("--duration", type=float, default=30, help="Seconds per phase (30).")
    parser.add_argument("--scale", default="xl", choices=["tiny", "small", "large", "xl"])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4).")
    parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
    parser.add_argument("--drive", metavar="PLAN", help=argparse.SUPPRESS)
    parser.add_argument("--target", default="pages", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 256:
        parser.error("--clients must be between 1 and 256.")
    if not 1 <= args.duration <= 600:
        parser.error("--duration must be between 1 and 600 seconds.")
    if not 1 <= args.workers <= 16:
        parser.error("--workers must be between 1 and 16.")
    return args


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.drive:
        driver_main(arguments)
    else:
        main(arguments)
