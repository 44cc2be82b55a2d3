"""HTTP benchmark: gunicorn on the database in DATABASE_URL, driven by wrk with 50
concurrent connections; prints requests/s, p50/p95/p99 latency and errors per page, each
also as a ratio to a static file served by whitenoise and to the smallest Django view.

Three passes: with the page cache as deployed (each page is rendered once per content
version, then served from the cache); with the cache off (PAGE_CACHE_SECONDS=0), so that
pages at their canonical addresses come from the stored pages (public/stored_pages.py; the
warm-up's first request renders and stores each) and pages with a query are rendered, which
is what a worker with a cold cache serves; and with both off (STORED_PAGES=0 as well), where
every request renders, which is what a page nobody has asked for since the last change
costs. Set CACHE_URL to run the app servers on a shared Redis cache instead of each
worker's local memory.

    apt-get install wrk
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_scale \\
        .venv/bin/python manage.py generate_scale_data          # once, about 5 minutes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_scale \\
        .venv/bin/python benchmarks/http_load.py [--seconds 20] [--connections 50]

Only addresses on this machine are used (127.0.0.1); every run is bounded in time.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
PORT = 8811
# The two limits every page is compared with.
LIMITS = ("static file (whitenoise)", "minimal Django view")


def pick_urls() -> dict[str, str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")
    import django

    django.setup()
    from django.urls import reverse

    from measures.models import Measure, Plan, Report

    rng = random.Random(7)
    ids = list(Plan.objects.public().values_list("pk", flat=True))
    plan = Plan.objects.select_related("municipality").get(pk=rng.choice(ids))
    slug = plan.municipality.slug
    measure = Measure.objects.get(
        pk=rng.choice(list(Measure.objects.filter(plan=plan).values_list("pk", flat=True)))
    )
    year = (
        Report.objects.filter(plan=plan)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .first()
    )
    return {
        "static file (whitenoise)": "/static/css/site.css",
        "minimal Django view": reverse("municipalities:ping"),
        "plan page": reverse("public:plan", args=[slug, plan.pk]),
        "pillar page": reverse("public:pillar", args=[slug, plan.pk, measure.pillar_id]),
        "measure page": reverse("public:measure", args=[slug, plan.pk, measure.pk]),
        "filtered search": reverse("public:search", args=[slug, plan.pk]) + "?q=見直し&grade=B",
        "report page": reverse("public:report", args=[slug, plan.pk, year]),
        "compare grades": reverse("public:compare_grades") + "?size=50k-100k",
        "compare effects": reverse("public:compare_effects") + "?sort=population-desc",
        "compare measures": reverse("public:compare_measures") + "?match=any&q=事務+見直し",
        "JSON API (plan)": reverse("api:plan", args=[plan.pk]),
        "JSON API (measures, page 1)": reverse("api:measures", args=[plan.pk]),
        "JSON API (municipality)": reverse("api:municipality", args=[plan.municipality.code]),
    }


def run_wrk(url: str, seconds: int, connections: int) -> dict:
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(BASE_DIR / "benchmarks" / "latency.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    line = [row for row in result.stdout.splitlines() if row.startswith("{")][-1]
    data = json.loads(line)
    data["rps"] = data["requests"] / data["seconds"]
    return data


@contextmanager
def gunicorn(env: dict, args):
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "reform.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            *(["--workers", str(args.workers)] if args.workers else []),
            *(["--threads", str(args.threads)] if args.threads else []),
            "--access-logfile",
            "/dev/null",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(urls: dict[str, str], args) -> dict[str, dict]:
    results = {}
    for name, path in urls.items():
        url = f"http://127.0.0.1:{PORT}{quote(path, safe='/?=&')}"
        run_wrk(url, 3, args.connections)  # warm up
        results[name] = r = run_wrk(url, args.seconds, args.connections)
        print(
            f"{name}: {r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
            f"p99 {r['p99_ms']:.1f} ms, errors {r['errors']}",
            flush=True,
        )
    return results


def resident_mb(master: int) -> float:
    """Resident memory of the gunicorn master and its workers, in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in [master, *map(int, children)]:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def table(title: str, results: dict[str, dict], static: dict, minimal: dict) -> None:
    print(f"\n{title}\n")
    print(
        "| page | req/s | p50 ms | p95 ms | p99 ms | errors | req/s vs static | req/s vs minimal view |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['errors']} | {r['rps'] / static['rps']:.2f} | {r['rps'] / minimal['rps']:.2f} |"
        )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024**2:.0f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py")
    parser.add_argument("--threads", type=int, default=None, help="default: gunicorn.conf.py")
    parser.add_argument("--only", nargs="*", help="page names to run (default: all)")
    parser.add_argument(
        "--no-rendered", action="store_true", help="skip the passes with the page cache off"
    )
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to the database loaded with generate_scale_data.")
    env = {
        **os.environ,
        "SECRET_KEY": os.environ.get(
            "SECRET_KEY", "benchmark-only-secret-key-not-for-production-use"
        ),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # wrk talks plain HTTP to gunicorn, where production settings would redirect to HTTPS.
        "SECURE_SSL_REDIRECT": "0",
    }
    os.environ.update({k: env[k] for k in ("SECRET_KEY", "ALLOWED_HOSTS", "LOG_LEVEL")})
    urls = {
        name: path
        for name, path in pick_urls().items()
        if not args.only or name in args.only or name in LIMITS
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    print("== page cache on (a page is rendered once per content version)", flush=True)
    with gunicorn(env, args) as master:
        cached = measure(urls, args)
        memory = {"page cache on": resident_mb(master)}
    static, minimal = (cached[name] for name in LIMITS)
    passes = {}
    if not args.no_rendered:
        pages = {name: path for name, path in urls.items() if name not in LIMITS}
        for title, extra in (
            (
                "Page cache off: canonical addresses from the stored pages, the others rendered",
                {"PAGE_CACHE_SECONDS": "0"},
            ),
            (
                "Page cache and stored pages off: every request renders its page",
                {"PAGE_CACHE_SECONDS": "0", "STORED_PAGES": "0"},
            ),
        ):
            print(f"== {title}", flush=True)
            with gunicorn({**env, **extra}, args) as master:
                passes[title] = measure(pages, args)
                memory[title.split(":")[0]] = resident_mb(master)
    table("Page cache on", cached, static, minimal)
    for title, results in passes.items():
        table(title, results, static, minimal)
    print(
        "\ngunicorn resident memory after the pass (master and workers): "
        + ", ".join(f"{name} {mb:.0f} MB" for name, mb in memory.items())
    )
    print(
        f"\n{machine()}; {args.connections} connections, {args.seconds} s per page after 3 s "
        f"warm-up; gunicorn workers {args.workers or 'default'}, threads "
        f"{args.threads or 'default'}; cache {os.environ.get('CACHE_URL') or 'local memory'}; "
        "URLs: " + json.dumps(urls, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
