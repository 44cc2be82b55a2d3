"""Import benchmark: generate a plan file of about 10,000 spreadsheet rows, import it, print
rows per second and peak memory growth.

    .venv/bin/python benchmarks/import_rows.py                 # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_bench .venv/bin/python benchmarks/import_rows.py
    .venv/bin/python benchmarks/import_rows.py --rows 50000 --format json

At national scale, point DATABASE_URL at the database filled by `manage.py
generate_scale_data` (docs/performance.md): the plan is imported beside 1,741 others.

Rows are counted as the rows of the xlsx template (one per measure, department link, step
year, target, indicator, indicator year and evaluation). The file is read and imported
exactly as `manage.py import_plan` does; the first import creates everything, the second
imports the same file again (nothing changes).
"""

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak() -> float:
    """Reset the process's peak resident size (Linux) and return the current size in MB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kb("VmRSS") / 1024


def peak_mb() -> float:
    return _status_kb("VmHWM") / 1024


def make_document(target_rows: int) -> dict:
    # Each measure gives 1 + 2 departments + 3 steps x 5 years + 5 targets + 2 indicators
    # + 2 x 5 indicator years + 5 evaluations = 40 rows.
    measures = max(1, target_rows // 40)
    years = list(range(2020, 2025))
    pillars = [
        {
            "code": f"{i + 1}",
            "title": f"改革の柱{i + 1}",
            "children": [{"code": f"({j + 1})", "title": f"項目{j + 1}"} for j in range(4)],
        }
        for i in range(5)
    ]
    text = "業務の進め方を見直し、市民サービスの向上と経費の削減を図る。" * 3
    return {
        "format": "reform-plan/1",
        "municipality": {
            "code": "282049",
            "name": "西宮市",
            "prefecture": "兵庫県",
            "slug": "nishinomiya",
        },
        "departments": [{"name": f"課{i}"} for i in range(40)],
        "plan": {
            "name": "ベンチマーク計画",
            "first_fiscal_year": 2020,
            "last_fiscal_year": 2024,
            "level_labels": ["改革の柱", "項目"],
            "grade_scheme": [{"code": c, "label": c} for c in "ABCD"],
            "status_scheme": ["実施", "検討"],
        },
        "pillars": pillars,
        "measures": [
            {
                "code": str(n + 1),
                "title": f"取組{n + 1}",
                "pillar": [str(n % 5 + 1), f"({n % 4 + 1})"],
                "departments": [
                    {"name": f"課{n % 40}"},
                    {"name": f"課{(n + 1) % 40}", "role": "related"},
                ],
                "current_situation": text,
                "goal": text,
                "steps": [
                    {
                        "title": f"事業{s + 1}",
                        "years": [
                            {"fiscal_year": y, "planned": "実施", "actual": "実施"} for y in years
                        ],
                    }
                    for s in range(3)
                ],
                "targets": [{"fiscal_year": y, "status": "実施", "goal": text} for y in years],
                "indicators": [
                    {
                        "name": f"指標{i + 1}",
                        "unit": "件",
                        "baseline": {"value": "100件", "fiscal_year": 2019},
                        "years": [
                            {
                                "fiscal_year": y,
                                "target": f"{110 + y - 2020}件",
                                "actual": f"{105 + y - 2020}件",
                            }
                            for y in years
                        ],
                    }
                    for i in range(2)
                ],
                "years": [
                    {
                        "fiscal_year": y,
                        "plan": text,
                        "do": text,
                        "check": text,
                        "action": text,
                        "grade": "B",
                    }
                    for y in years
                ],
            }
            for n in range(measures)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["xlsx", "csv", "json"], default="xlsx")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="reform-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-use")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from measures.models import Plan
    from measures.plan_files.formats import read_plan_file
    from measures.plan_files.importing import import_plan_document
    from measures.plan_files.workbook.files import write_csv_zip, write_xlsx
    from measures.plan_files.workbook.writing import document_to_tables

    Plan.objects.filter(name="ベンチマーク計画").delete()
    document = make_document(args.rows)
    tables = document_to_tables(document)
    rows = sum(len(table) for table in tables.values())
    if args.format == "xlsx":
        content, filename = write_xlsx(tables), "bench.xlsx"
    elif args.format == "csv":
        content, filename = write_csv_zip(tables), "bench.zip"
    else:
        import json

        content, filename = json.dumps(document, ensure_ascii=False).encode(), "bench.json"
    del tables, document

    print(
        f"database: {connection.vendor}; file: {args.format}, {len(content) / 1e6:.1f} MB, {rows:,} rows"
    )
    for label in ("first import (creates)", "second import (no change)"):
        gc.collect()
        before = reset_peak()
        started = time.perf_counter()
        parsed = read_plan_file(filename, content)
        read_seconds = time.perf_counter() - started
        summary = import_plan_document(parsed)
        seconds = time.perf_counter() - started
        del parsed
        print(
            f"{label}: {seconds:.2f} s ({read_seconds:.2f} s reading), {rows / seconds:,.0f} rows/s, "
            f"peak memory growth {peak_mb() - before:.0f} MB, changed: {summary.changed}"
        )


if __name__ == "__main__":
    main()
