"""HTTP benchmark: gunicorn on the database in DATABASE_URL, driven by wrk with 50
concurrent connections; prints requests/s, p50/p95/p99 latency and errors per page, each
also as a ratio to a static file served by whitenoise and to the smallest Django view.

    apt-get install wrk
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_scale \\
        .venv/bin/python manage.py generate_scale_data          # once, about 25 minutes
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
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
PORT = 8811


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
    measure = Measure.objects.filter(plan=plan).order_by("?").first()
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
        "measure page": reverse("public:measure", args=[slug, plan.pk, measure.pk]),
        "filtered search": reverse("public:search", args=[slug, plan.pk]) + "?q=見直し&grade=B",
        "report page": reverse("public:report", args=[slug, plan.pk, year]),
        "JSON API (plan)": reverse("api:plan", args=[plan.pk]),
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=5)
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
    }
    os.environ.update({k: env[k] for k in ("SECRET_KEY", "ALLOWED_HOSTS", "LOG_LEVEL")})
    urls = pick_urls()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "reform.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
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
        results = {}
        for name, path in urls.items():
            url = f"http://127.0.0.1:{PORT}{quote(path, safe='/?=&')}"
            run_wrk(url, 3, args.connections)  # warm up
            results[name] = run_wrk(url, args.seconds, args.connections)
            r = results[name]
            print(
                f"{name}: {r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
                f"p99 {r['p99_ms']:.1f} ms, errors {r['errors']}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    static, minimal = results["static file (whitenoise)"], results["minimal Django view"]
    print()
    print(
        "| page | req/s | p50 ms | p95 ms | p99 ms | errors | req/s vs static | req/s vs minimal view |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['errors']} | {r['rps'] / static['rps']:.2f} | {r['rps'] / minimal['rps']:.2f} |"
        )
    print(
        f"\n{args.connections} connections, {args.seconds} s per page, gunicorn {args.workers} workers, "
        f"{os.cpu_count()} cores; URLs: " + json.dumps(urls, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
