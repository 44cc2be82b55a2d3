"""Sanity checks for fixtures/102113-annaka.json."""

import json
import re
import sys
from pathlib import Path

path = Path(
    sys.argv[1]
    if len(sys.argv) > 1
    else Path(__file__).resolve().parents[3] / "fixtures" / "102113-annaka.json"
)
data = json.loads(path.read_text(encoding="utf-8"))
errors = []

if data.get("format") != "reform-plan/1":
    errors.append("format")
mun = data["municipality"]
assert (mun["code"], mun["name"], mun["slug"]) == ("102113", "安中市", "annaka"), mun

# check digit of the local government code
digits = [int(c) for c in mun["code"][:5]]
check = (11 - sum(d * w for d, w in zip(digits, [6, 5, 4, 3, 2], strict=False)) % 11) % 10
if check != int(mun["code"][5]):
    errors.append(f"check digit {check}")

pillars = data["pillars"]
if [p["code"] for p in pillars] != ["1", "2", "3", "4", "5"]:
    errors.append("top pillars")
paths = {(p["code"], c["code"]) for p in pillars for c in p["children"]}
print("pillars:", len(pillars), "second level:", len(paths))

measures = data["measures"]
if len(measures) != 36:
    errors.append(f"{len(measures)} measures")
if [m["code"] for m in measures] != [str(n) for n in range(1, 37)]:
    errors.append("measure codes")
used = set()
for m in measures:
    if tuple(m["pillar"]) not in paths:
        errors.append(f"measure {m['code']}: pillar {m['pillar']} missing")
    used.add(tuple(m["pillar"]))
    if (
        not m["title"]
        or not m["departments"]
        or not any(d["role"] == "lead" for d in m["departments"])
    ):
        errors.append(f"measure {m['code']}: title/lead")
    if [t["fiscal_year"] for t in m["targets"]] != [2020, 2021, 2022, 2023, 2024]:
        errors.append(f"measure {m['code']}: target years")
    for t in m["targets"]:
        if t["status"] and t["status"] not in data["plan"]["status_scheme"]:
            errors.append(f"measure {m['code']}: status {t['status']}")
        if not t["goal"]:
            errors.append(f"measure {m['code']} {t['fiscal_year']}: empty goal")
print("pillar paths without a measure:", sorted(paths - used))

# no markup anywhere
TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*[\s>/]")


def walk(node, where):
    if isinstance(node, dict):
        for k, v in node.items():
            walk(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(v, f"{where}[{i}]")
    elif isinstance(node, str):
        if TAG.search(node) or "style=" in node:
            errors.append(f"markup at {where}: {node[:60]}")
        if node != node.strip():
            errors.append(f"untrimmed at {where}")


walk(data, "$")

status_counts = {}
for m in measures:
    for t in m["targets"]:
        status_counts[t["status"] or "(空欄)"] = status_counts.get(t["status"] or "(空欄)", 0) + 1
print("status counts:", status_counts)
print(
    "indicators:",
    sum(len(m["indicators"]) for m in measures),
    "in",
    sum(1 for m in measures if m["indicators"]),
    "measures",
)

for m in measures:
    for ind in m["indicators"]:
        if ind["name"] == "女性参加率":
            print(
                "女性参加率 (measure",
                m["code"],
                m["mark"],
                m["pillar"],
                ") baseline",
                ind["baseline"]["value"],
                "targets",
                [(y["fiscal_year"], y["target"]) for y in ind["years"]],
            )

if errors:
    print("ERRORS:")
    for e in errors:
        print(" ", e)
    sys.exit(1)
print("OK")
