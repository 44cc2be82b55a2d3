"""Sanity checks for fixtures/192082-minami-alps.json."""

import json
import re
from collections import Counter
from pathlib import Path

data = json.loads(
    (Path(__file__).resolve().parents[3] / "fixtures/192082-minami-alps.json").read_text(
        encoding="utf-8"
    )
)
problems = []

paths = set()


def walk(nodes, prefix):
    for n in nodes:
        p = (*prefix, n["code"])
        if p in paths:
            problems.append(f"duplicate pillar path {p}")
        paths.add(p)
        walk(n.get("children", []), p)


walk(data["pillars"], ())

grades = Counter()
keys = set()
for m in data["measures"]:
    g = next((y.get("grade", "") for y in m.get("years", []) if y["fiscal_year"] == 2020), "")
    grades[g or "(none)"] += 1
    print(f"{m['code']:>8} #{m['sub_number']} {g or '-'}  {m['title'][:40]}")
    k = (m["code"], m["sub_number"])
    if k in keys:
        problems.append(f"duplicate code {k}")
    keys.add(k)
    if tuple(m["pillar"]) not in paths:
        problems.append(f"{m['code']}: pillar path {m['pillar']} missing")
    if g and g not in {s["code"] for s in data["plan"]["grade_scheme"]}:
        problems.append(f"{m['code']}: grade {g} not in scheme")

tag = re.compile(r"</?[A-Za-z][^>]*>|&[a-z]+;")


def strings(o, where="$"):
    if isinstance(o, str):
        yield where, o
    elif isinstance(o, dict):
        for k, v in o.items():
            yield from strings(v, f"{where}.{k}")
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield from strings(v, f"{where}[{i}]")


for where, s in strings(data):
    if tag.search(s):
        problems.append(f"HTML in {where}: {s[:60]}")
    if "\t" in s or s != s.strip():
        problems.append(f"whitespace noise in {where}")
    if "【取組達成度】" in s or (
        "取組み結果（令和2年度）" in s and where != "$.plan.document_title"
    ):
        problems.append(f"page header text in {where}")

print(
    "measures:",
    len(data["measures"]),
    "distinct codes:",
    len({m["code"] for m in data["measures"]}),
)
print("grades:", dict(sorted(grades.items())))
print("pillar paths:", len(paths))
print("problems:", problems or "none")

# --- re-read the source: every character of every source data cell must be in the file
SRC = (
    (Path(__file__).resolve().parents[4] / "shared" / "seeds/004_c5e0678bee15d5f0.txt")
    .read_text(encoding="utf-8")
    .split("\n")
)


def norm(s):
    return re.sub(r"\s|<ul[^>]*>|・|●|【取組主管課】|【関係課等】|取組主管課等", "", s)


allfile = norm("".join(s for _, s in strings(data)))
missing = []
for i, l in enumerate(SRC, 1):
    for c in l.split("\t"):
        c = c.strip()
        if not c or c in "-—" or len(c) == 1:
            continue
        if norm(c) and norm(c) not in allfile:
            missing.append((i, c[:50]))
# anything from the page furniture is expected to be absent
furniture = (
    "基本方針",
    "取組みの方針",
    "取組みの項目",
    "No.",
    "具体的な取組み項目",
    "取組主管課",
    "今後の取組方向",
    "関係する計画等",
    "令和2年度の達成目標",
    "計画内容",
    "取組状況",
    "取組工程",
    "見直し、改善事項",
    "令和2年度",
    "取組",
    "A：",
    "B：",
    "C：",
    "D：",
    "→",
    "【取組達成度】",
    "第3次南アルプス市行政改革実施計画取組み結果",
    "令和3年11月",
    "南アルプス市",
)
# department cells are checked by the listing below; line 44 holds pillar ③ + title
dept_names = "".join(d["name"] for m in data["measures"] for d in m["departments"])
real = [
    (i, c)
    for i, c in missing
    if not c.startswith(furniture)
    and not (
        "取組主管課" in c
        and all(
            norm(x) in dept_names
            for x in re.split(r"[●・]", re.sub(r"【[^】]*】|取組主管課等", "", c))
            if x.strip()
        )
    )
    and not (i == 44 and all(norm(x) in allfile for x in c.split(" ")))
]
print("source cells not found in file:", real or "none")
for m in data["measures"]:
    print(
        m["code"],
        m["sub_number"],
        [
            ("●" if d.get("primary") else "")
            + d["name"]
            + ("" if d["role"] == "lead" else "(関係)")
            for d in m["departments"]
        ],
    )
