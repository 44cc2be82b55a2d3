from pathlib import Path

"""Checks for fixtures/352161-sanyo-onoda.json."""

import json
import re
from collections import Counter

d = json.load(
    open(Path(__file__).resolve().parents[3] / "fixtures/352161-sanyo-onoda.json", encoding="utf-8")
)
ok = True


def fail(msg):
    global ok
    ok = False
    print("FAIL", msg)


expected = {
    2019: {"A": 4, "B": 3, "C": 9, "D": 5, "": 4},
    2020: {"A": 5, "B": 7, "C": 8, "D": 1, "": 4},
}
for fy, exp in expected.items():
    c = Counter()
    for m in d["measures"]:
        ys = [y for y in m["years"] if y["fiscal_year"] == fy]
        c[(ys[0].get("grade") or "") if ys else ""] += 1
    got = {k: c.get(k, 0) for k in exp}
    print(fy, got)
    if got != exp:
        fail(f"grades {fy}: {got} != {exp}")

# pillar paths
paths = set()


def walk(nodes, prefix):
    for n in nodes:
        p = [*prefix, n["code"]]
        paths.add(tuple(p))
        walk(n.get("children", []), p)


walk(d["pillars"], [])
for m in d["measures"]:
    if tuple(m["pillar"]) not in paths:
        fail(f"pillar path {m['pillar']} of measure {m['code']}")

# codes
codes = [m["code"] for m in d["measures"]]
if codes != [str(i) for i in range(1, 26)]:
    fail(f"codes {codes}")

# not settable
ns = [m["code"] for m in d["measures"] if any(i.get("not_settable") for i in m["indicators"])]
print("not_settable", ns)
if ns != ["4", "9", "13", "16"]:
    fail("not_settable set")
for m in d["measures"]:
    if m["code"] in ns and any(y.get("grade") for y in m["years"]):
        fail(f"graded not_settable {m['code']}")


# spot values
def ind(code):
    return next(m for m in d["measures"] if m["code"] == code)["indicators"][0]


def yv(i, fy, k):
    return next(y for y in i["years"] if y["fiscal_year"] == fy)[k]


for code, base, act, tgt, dirn in [
    ("1", "982百万円", "835百万円", "700百万円", "decrease"),
    ("5", "31,133千円", "164,687千円", "150,000千円", "increase"),
    ("24", "739人", "752人", "731人", "decrease"),
]:
    i = ind(code)
    got = (i["baseline"]["value"], yv(i, 2020, "actual"), yv(i, 2022, "target"), i["direction"])
    if got != (base, act, tgt, dirn):
        fail(f"indicator {code}: {got}")
    if i["baseline"]["fiscal_year"] != 2017:
        fail(f"baseline year {code}")


# no HTML, no stray tabs
def strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for v in x.values():
            yield from strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from strings(v)


for s in strings(d):
    if re.search(r"<[A-Za-z/][^>]*>", s):
        fail("HTML in " + s[:60])
    if "\t" in s:
        fail("tab in " + s[:60])

# step years complete, every measure has steps and a 2020 do
for m in d["measures"]:
    if not m["steps"]:
        fail(f"no steps {m['code']}")
    for st in m["steps"]:
        if [y["fiscal_year"] for y in st["years"]] != [2019, 2020, 2021, 2022]:
            fail(f"step years {m['code']} {st['title']}")
    if not next(y for y in m["years"] if y["fiscal_year"] == 2020).get("do"):
        fail(f"no do {m['code']}")
    for k in ("title", "status", "current_situation", "goal", "comprehensive_plan_position"):
        if not m.get(k):
            fail(f"empty {k} in {m['code']}")
    if m["status"] not in ("新規", "継続"):
        fail(f"status {m['code']}")

print("OK" if ok else "FAILED")
