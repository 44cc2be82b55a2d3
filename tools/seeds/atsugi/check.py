"""Sanity checks for fixtures/142123-atsugi.json (seed 003, 厚木市)."""

import json
import re
import sys
from pathlib import Path

F = Path(__file__).resolve().parents[3] / "fixtures" / "142123-atsugi.json"
d = json.loads(F.read_text(encoding="utf-8"))
errors = []


def err(msg):
    errors.append(msg)


def strings(o):
    if isinstance(o, str):
        yield o
    elif isinstance(o, dict):
        for v in o.values():
            yield from strings(v)
    elif isinstance(o, list):
        for v in o:
            yield from strings(v)


# municipality code check digit (JIS X 0402)
code = d["municipality"]["code"]
s = sum(int(c) * w for c, w in zip(code[:5], (6, 5, 4, 3, 2), strict=False))
if (11 - s % 11) % 10 != int(code[5]):
    err(f"bad check digit {code}")

tops = d["pillars"]
subs = [c for t in tops for c in t["children"]]
if len(tops) != 3 or [t["code"] for t in tops] != ["Ⅰ", "Ⅱ", "Ⅲ"]:
    err(f"top pillars: {[t['code'] for t in tops]}")
if len(subs) != 9:
    err(f"sub-pillars: {len(subs)}")
paths = {(t["code"], c["code"]) for t in tops for c in t["children"]}

ms = d["measures"]
if len(ms) != 22:
    err(f"measures: {len(ms)}")
keys = set()
# the one 2026 target the document itself leaves as "－"
NO_2026 = {("Ⅰ-(3)-ウ", "キャッシュレス決済導入手続数（累計）")}
for m in ms:
    k = (m["code"], m.get("sub_number", 1))
    if k in keys:
        err(f"duplicate {k}")
    keys.add(k)
    if tuple(m["pillar"]) not in paths:
        err(f"{m['code']}: pillar path {m['pillar']} missing")
    if m["code"] != "-".join(m["pillar"] + [m["mark"]]):
        err(f"{m['code']}: code/path mismatch")
    if not m["steps"]:
        err(f"{m['code']}: no steps")
    if not m["indicators"]:
        err(f"{m['code']}: no indicators")
    step_depts = []
    for st in m["steps"]:
        for dn in st["department"].split("、"):
            if dn not in step_depts:
                step_depts.append(dn)
        for y in st["years"]:
            if y["fiscal_year"] not in (2024, 2025, 2026):
                err(f"{m['code']}: step year {y['fiscal_year']}")
    if [x["name"] for x in m["departments"]] != step_depts:
        err(f"{m['code']}: departments {m['departments']} != {step_depts}")
    for ind in m["indicators"]:
        if re.match(r"^[①-⑩]", ind["name"]) or re.search(r"[¹²³]", ind["name"]):
            err(f"{m['code']}: indicator name noise {ind['name']}")
        if ind["direction"] not in ("increase", "decrease", "milestone"):
            err(f"{m['code']}: direction {ind['direction']}")
        t26 = [y for y in ind["years"] if y["fiscal_year"] == 2026 and y.get("target")]
        if not t26 and (m["code"], ind["name"]) not in NO_2026:
            err(f"{m['code']}: {ind['name']} has no 2026 target")
for st in strings(d):
    if re.search(r"<[^>]+>|&[a-z]+;", st):
        err(f"HTML in {st[:60]!r}")
    # A measure's notes quote its footnote with the mark, as the document prints it.
    if re.search(r"[¹²³]", st) and not st.startswith(("¹", "²", "³")):
        err(f"footnote mark in {st[:60]!r}")
    if st != st.strip():
        err(f"untrimmed {st[:60]!r}")

n_ind = sum(len(m["indicators"]) for m in ms)
n_steps = sum(len(m["steps"]) for m in ms)
print(
    f"pillars {len(tops)} top / {len(subs)} sub, measures {len(ms)}, "
    f"indicators {n_ind}, steps {n_steps}"
)
if errors:
    print("\n".join("ERROR " + e for e in errors))
    sys.exit(1)
print("OK")
