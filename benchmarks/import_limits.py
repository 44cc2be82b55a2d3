"""Import limits benchmark: how long `import_plan --dry-run` takes, and how much memory, on a
hostile workbook and on the largest legitimate plan file.

    .venv/bin/python benchmarks/import_limits.py                 # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_bench .venv/bin/python benchmarks/import_limits.py

The hostile workbook is the one of the security review: five sheets of 199,999 rows each,
every row naming a measure the file does not have, about 5 MB as xlsx. The legitimate file
is what benchmarks/import_rows.py builds with --rows 50000 (about 50,000 rows), as xlsx and
as JSON. The hostile workbook is refused from its zip directory (its unpacked size), so the
same workbook cut to three sheets, under that limit, shows the row limit counted while the
sheets stream. Each file is imported by `manage.py import_plan --dry-run` in a fresh process of
its own (this script again, with --child); the script prints the wall time, that process's
peak resident memory (VmHWM, read by the process itself at its end, so that the memory of
the script that built the files does not count), the exit status and the last lines the
command printed. Last, gunicorn (one worker, as configured in gunicorn.conf.py otherwise) is
started and a signed-in superuser uploads to the admin's import form 200 MB streamed without
line breaks, the three-sheet hostile workbook and the largest real plan as xlsx: the script
prints each answer, its time and the worker's peak memory before and after. Nothing here is
a test: the figures go into docs/performance.md.
"""

import argparse
import http.client
import http.cookiejar
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

HOSTILE_SHEETS = ("担当課", "年度目標", "効果額", "年度評価", "指標")
HOSTILE_ROWS = 199_999


def hostile_workbook(sheets: int = len(HOSTILE_SHEETS)) -> bytes:
    """The 計画 sheet of a real plan, then up to five sheets of rows for measures that are
    not there: each row alone is a problem, and each sheet stays just under the old
    per-sheet limit of 200,000 rows. openpyxl's write-only mode, like some other tools,
    leaves out a sheet's <dimension>, so openpyxl parses each whole sheet when it opens the
    file: only the unpacked size bounds that."""
    from openpyxl import Workbook

    from measures.plan_files.workbook.template import SHEETS_BY_NAME
    from measures.plan_files.workbook.writing import document_to_tables
    from measures.tests.documents import small_document

    workbook = Workbook(write_only=True)
    plan_sheet = workbook.create_sheet("計画")
    plan_sheet.append(SHEETS_BY_NAME["計画"].headers)
    for row in document_to_tables(small_document())["計画"]:
        plan_sheet.append(row)
    for name in HOSTILE_SHEETS[:sheets]:
        sheet = workbook.create_sheet(name)
        headers = SHEETS_BY_NAME[name].headers
        sheet.append(headers)
        for _ in range(HOSTILE_ROWS):
            sheet.append(["99", 1])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def legitimate_files() -> dict[str, bytes]:
    sys.path.insert(0, str(BASE_DIR / "benchmarks"))
    from import_rows import make_document

    from measures.plan_files.workbook.files import write_xlsx
    from measures.plan_files.workbook.writing import document_to_tables

    document = make_document(50_000)
    return {
        "plan-50000-rows.xlsx": write_xlsx(document_to_tables(document)),
        "plan-50000-rows.json": json.dumps(document, ensure_ascii=False).encode(),
    }


def _unpacked_mb(content: bytes) -> float:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(member.file_size for member in archive.infolist()) / 1e6


def run_dry_import(path: Path, env: dict[str, str]) -> dict:
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    lines = process.stdout.strip().splitlines() + process.stderr.strip().splitlines()
    peak = [line for line in lines if line.startswith("peak memory ")]
    lines = [line for line in lines if line not in peak]
    return {
        "seconds": seconds,
        "peak_mb": int(peak[-1].split()[2]) / 1024 if peak else float("nan"),
        "status": process.returncode,
        "lines": len(lines),
        "tail": lines[-3:],
    }


def child(path: str) -> None:
    """Run `manage.py import_plan --dry-run PATH` here, then report this process's peak
    resident memory in kilobytes."""
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["manage.py", "import_plan", "--dry-run", path])
    finally:
        status = Path("/proc/self/status").read_text().splitlines()
        peak_kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        print(f"peak memory {peak_kb} kB", file=sys.stderr)


UPLOAD_BYTES = 200_000_000
_PASSWORD = "benchmark-only-password-2026"


class _Upload:
    """A multipart body of one file, produced while it is sent: the file's bytes, or `size`
    bytes without a line break."""

    def __init__(self, boundary: str, token: str, filename: str, content: bytes | int):
        self.head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.content = io.BytesIO(content) if isinstance(content, bytes) else None
        self.left = content if isinstance(content, int) else 0
        size = content if isinstance(content, int) else len(content)
        self.length = len(self.head) + size + len(self.tail)

    def read(self, size: int = 65536) -> bytes:
        if self.head:
            chunk, self.head = self.head, b""
            return chunk
        if self.content is not None and (chunk := self.content.read(size)):
            return chunk
        if self.left:
            count = min(size, self.left)
            self.left -= count
            return b"x" * count
        chunk, self.tail = self.tail, b""
        return chunk


def _peak_mb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status)[1]) // 1024


def _outcome(page: str) -> str:
    if error := re.search(r'<ul class="errorlist"[^>]*><li>([^<]+)', page):
        return f"on the form: {error[1]}"
    if "まだ何も書き込んでいません" in page:
        return "the preview"
    if problems := re.search(r"(\d[\d,]*件の問題があるため、取り込みませんでした。)", page):
        return problems[1] + " " + " ".join(re.findall(r"<li>([^<]{0,80})", page)[:1])
    return "(unrecognised page)"


def admin_uploads(env: dict[str, str], uploads: dict[str, bytes | int]) -> list[str]:
    """Upload each file to the admin's import form of a one-worker gunicorn, as a signed-in
    superuser; one line per upload."""
    subprocess.run(
        [
            sys.executable,
            str(BASE_DIR / "manage.py"),
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            "User.objects.filter(username='limits-bench').delete(); "
            f"User.objects.create_superuser('limits-bench', 'bench@example.invalid', '{_PASSWORD}')",
        ],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
            "reform.wsgi",
        ],
        cwd=BASE_DIR,
        # DEBUG serves the admin's static files without collectstatic.
        env={**env, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_COOKIES": "0", "DEBUG": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        worker = int(subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0])
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def csrf_token(path: str) -> str:
            page = browser.open(base + path).read().decode()
            return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

        form = {"username": "limits-bench", "password": _PASSWORD, "next": "/admin/"}
        form["csrfmiddlewaretoken"] = csrf_token("/admin/login/")
        browser.open(f"{base}/admin/login/", urllib.parse.urlencode(form).encode()).close()
        path = "/admin/measures/plan/import/"
        lines = []
        for filename, content in uploads.items():
            body = _Upload("limitsbenchboundary", csrf_token(path), filename, content)
            before = _peak_mb(worker)
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "multipart/form-data; boundary=limitsbenchboundary",
                    "Content-Length": str(body.length),
                    "Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar),
                    "Referer": base + path,
                },
            )
            response = connection.getresponse()
            page = response.read().decode()
            seconds = time.perf_counter() - started
            lines.append(
                f"admin upload of {filename} ({body.length / 1e6:.1f} MB): HTTP "
                f"{response.status} in {seconds:.1f} s, worker peak memory {before} MB before, "
                f"{_peak_mb(worker)} MB after; {_outcome(page)}"
            )
        return lines
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")
        child(args.child)
        return
    workdir = Path(tempfile.mkdtemp(prefix="reform-limits-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-use")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    files = {
        "hostile.xlsx": hostile_workbook(),
        "hostile-3-sheets.xlsx": hostile_workbook(3),
        **legitimate_files(),
    }
    print(f"files built in {time.perf_counter() - started:.0f} s")
    print(
        f"database: {connection.vendor}; limits: {settings.IMPORT_MAX_BYTES:,} bytes, "
        f"{settings.IMPORT_MAX_UNPACKED_BYTES:,} bytes unpacked, {settings.IMPORT_MAX_ROWS:,} rows, "
        f"{settings.IMPORT_MAX_CELLS:,} cells, {settings.IMPORT_MAX_PROBLEMS:,} problems listed"
    )
    connection.close()
    for name, content in files.items():
        path = workdir / name
        path.write_bytes(content)
        result = run_dry_import(path, {**os.environ})
        outcome = "imported (dry run)" if result["status"] == 0 else "refused"
        unpacked = _unpacked_mb(content) if name.endswith(".xlsx") else len(content) / 1e6
        print(
            f"{name}: {len(content) / 1e6:.1f} MB ({unpacked:.1f} MB unpacked); "
            f"{outcome} in {result['seconds']:.1f} s, "
            f"peak memory {result['peak_mb']:.0f} MB, exit status {result['status']}, "
            f"{result['lines']:,} lines printed"
        )
        for line in result["tail"]:
            print(f"    {line[:160]}")
    uploads = {
        "over-the-limit.xlsx": UPLOAD_BYTES,
        "hostile-3-sheets.xlsx": files["hostile-3-sheets.xlsx"],
        "plan-50000-rows.xlsx": files["plan-50000-rows.xlsx"],
    }
    for line in admin_uploads({**os.environ}, uploads):
        print(line)


if __name__ == "__main__":
    main()
