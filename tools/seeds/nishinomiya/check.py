"""Sanity checks for fixtures/282049-nishinomiya.json."""

import json
import re
import sys
from collections import Counter
from pathlib import Path

P = Path(__file__).resolve().parents[3] / "fixtures/282049-nishinomiya.json"
d = json.loads(P.read_text(encoding="utf-8"))
errors = []

# every 通番 1–78 present, sub_numbers 1..n contiguous and unique
codes = Counter(m["code"] for m in d["measures"])
missing = [c for c in range(1, 79) if str(c) not in codes]
extra = [c for c in codes if not c.isdigit() or not 1 <= int(c) <= 78]
if missing or extra:
    errors.append(f"codes missing {missing} extra {extra}")
for c, n in codes.items():
    subs = [m["sub_number"] for m in d["measures"] if m["code"] == c]
    if subs != list(range(1, n + 1)):
        errors.append(f"code {c}: sub_numbers {subs}")
order = [int(m["code"]) for m in d["measures"]]
if order != sorted(order):
    errors.append("measures not in document order")
multi = {c: n for c, n in codes.items() if n > 1}

# pillar paths
paths = set()


def walk(nodes, prefix):
    for n in nodes:
        p = (*prefix, n["code"])
        paths.add(p)
        walk(n.get("children", []), p)


walk(d["pillars"], ())
for m in d["measures"]:
    if tuple(m["pillar"]) not in paths:
        errors.append(f"measure {m['code']}-{m['sub_number']}: unknown pillar {m['pillar']}")
    if not m["title"] or m["title"].startswith("◎"):
        errors.append(f"measure {m['code']}-{m['sub_number']}: bad title {m['title']!r}")
    if not m["departments"]:
        errors.append(f"measure {m['code']}-{m['sub_number']}: no department")
    for ind in m.get("indicators", []):
        if ind["name"].startswith(("■", "・")):
            errors.append(f"measure {m['code']}: indicator name {ind['name']!r}")
        if ind["direction"] not in ("increase", "decrease", "milestone"):
            errors.append(f"measure {m['code']}: direction {ind['direction']}")
        for y in ind["years"]:
            for k in ("target", "actual"):
                if y.get(k) in ("—", "－", "-", ""):
                    errors.append(f"measure {m['code']}: empty value kept in {k}")


# no HTML, no header noise, anywhere
def strings(o):
    if isinstance(o, str):
        yield o
    elif isinstance(o, dict):
        for v in o.values():
            yield from strings(v)
    elif isinstance(o, list):
        for v in o:
            yield from strings(v)


for s in strings(d):
    if re.search(r"</?[a-zA-Z][^>]*>", s):
        errors.append(f"HTML in {s[:60]!r}")
    if "\t" in s or "計画値\t" in s or s.startswith("通番"):
        errors.append(f"noise in {s[:60]!r}")

# the brief's spot check
m22 = next(m for m in d["measures"] if m["code"] == "22")
y = next(y for y in m22["indicators"][0]["years"] if y["fiscal_year"] == 2020)
if (y.get("target"), y.get("actual")) != ("100.5万件", "109.2万件"):
    errors.append(f"#22 values {y}")

inds = [i for m in d["measures"] for i in m.get("indicators", [])]
with_vals = [i for i in inds if any(y.get("target") or y.get("actual") for y in i["years"])]
print("measure rows:", len(d["measures"]), "distinct codes:", len(codes))
print(
    "codes with several rows:",
    dict(sorted(multi.items(), key=lambda kv: int(kv[0]))),
    "extra rows:",
    sum(n - 1 for n in multi.values()),
)
print("citywide rows:", sum(m["citywide"] for m in d["measures"]))
print(
    "measures with indicators:",
    sum(bool(m.get("indicators")) for m in d["measures"]),
    "indicators:",
    len(inds),
    "with a value:",
    len(with_vals),
)
print("pillars:", len(d["pillars"]), "sub-pillars:", sum(len(p["children"]) for p in d["pillars"]))
if errors:
    print("\n".join(errors))
    sys.exit(1)
print("OK")
