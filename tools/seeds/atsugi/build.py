"""Build fixtures/142123-atsugi.json from seed 003 (第7次厚木市行政改革大綱 第2期実施計画).

Parses the tab-separated PDF extraction; hand-written overrides are kept below and listed in
the report.  Run: python tools/seeds/atsugi/build.py
"""

import json
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[4] / "shared" / "seeds/003_8970a07ee260d7b6.txt"
OUT = Path(__file__).resolve().parents[3] / "fixtures" / "142123-atsugi.json"

YEARS = [2024, 2025, 2026]
NONE = {"", "-", "－", "—", "―"}
ROMAN = {"I": "Ⅰ", "Ⅰ": "Ⅰ", "II": "Ⅱ", "Ⅱ": "Ⅱ", "III": "Ⅲ", "Ⅲ": "Ⅲ"}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
FOOTMARK = re.compile(r"\s*[¹²³]\s*")

# footnotes printed below the measure pages (mark -> text)
FOOTNOTES = {}


def clean(s):
    s = re.sub(r"<[^>]+>", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def as_list(cell):
    """Cell text -> plain text; ・ items (after HTML removal) become one line each."""
    s = clean(cell)
    if not s:
        return ""
    # an item starts with ・ at the beginning or after a space (・ inside words has none)
    parts = [p.strip() for p in re.split(r"(?:^|\s)・\s*", s)]
    if s.startswith("・"):
        return "\n".join("・" + p for p in parts if p)
    return s


def cells(line):
    return [c.strip() for c in line.split("\t")]


def value(s):
    s = clean(s)
    return None if s in NONE else s


lines = SRC.read_text(encoding="utf-8").splitlines()

# --- footnotes -------------------------------------------------------------------------
for ln in lines:
    m = re.match(r"^([¹²³])\s*(.+)$", ln.strip())
    if m:
        FOOTNOTES[m.group(1)] = m.group(2).strip()


# --- plan sections ---------------------------------------------------------------------
def section(start, end):
    i = lines.index(start)
    j = lines.index(end)
    return "\n".join(l.strip() for l in lines[i + 1 : j] if l.strip())


sections = [
    {"heading": "1 実施計画の趣旨", "body": section("1 実施計画の趣旨", "2 取組期間")},
    {"heading": "2 取組期間", "body": section("2 取組期間", "3 推進体制")},
    {"heading": "3 推進体制", "body": section("3 推進体制", "4 進捗状況の公表")},
    {"heading": "4 進捗状況の公表", "body": section("4 進捗状況の公表", "5 実施計画体系図")},
]

# --- measure pages ---------------------------------------------------------------------
body_start = lines.index("5 実施計画体系図")
pillars = {}  # roman -> {"title", "children": {code: title}}
pillar_order = []
measures = []
cur_top = cur_sub = None
m = None
mode = None

for raw in lines[body_start + 1 :]:
    line = raw.rstrip("\n")
    s = line.strip()
    c = cells(line)
    if not s or re.fullmatch(r"[-\t ]+", s):
        if not s:
            mode = None if mode in ("steps", "indicators") else mode
        continue
    if re.match(r"^[¹²³]", s):
        continue
    top = re.match(r"^(III|II|I|Ⅲ|Ⅱ|Ⅰ)\s+(.+)$", s)
    if top and "\t" not in s:
        cur_top = ROMAN[top.group(1)]
        if cur_top not in pillars:
            pillars[cur_top] = {"title": top.group(2).strip(), "children": {}}
            pillar_order.append(cur_top)
        continue
    sub = re.match(r"^\((\d)\)\s+(.+)$", s)
    if sub and "\t" not in s:
        cur_sub = f"({sub.group(1)})"
        pillars[cur_top]["children"].setdefault(cur_sub, sub.group(2).strip())
        continue
    if c[0] == "SDGs":
        continue
    if c[0] == "取組項目":
        mark, title = c[1].split(" ", 1)
        notes = [FOOTNOTES[k] for k in FOOTNOTES if k in title]
        title = FOOTMARK.sub("", title).strip()
        m = {
            "code": f"{cur_top}-{cur_sub}-{mark}",
            "sub_number": 1,
            "mark": mark,
            "title": title,
            "pillar": [cur_top, cur_sub],
            "departments": [],
            "sdgs": [],
            "goal": "",
            "current_situation": "",
            "related_plans": "",
            "indicators": [],
            "steps": [],
            "_title_notes": notes,
        }
        measures.append(m)
        mode = None
        continue
    if c[0] == "目指す姿":
        m["goal"] = as_list(c[1])
        continue
    if c[0] == "課題":
        m["current_situation"] = as_list(c[1])
        continue
    if c[0] == "年次計画":
        continue
    if c[0] == "取組内容":
        assert c[2:5] == ["令和6年度", "令和7年度", "令和8年度"], c
        mode = "steps"
        continue
    if c[0] == "成果指標":
        mode = "indicators"
        continue
    if c[0] == "" and c[2:5] == ["令和6年度", "令和7年度", "令和8年度"]:
        continue
    if c[0] == "関連計画":
        m["related_plans"] = clean(c[1])
        mode = None
        continue
    if c[0] == "備考" and mode == "indicators":
        m["indicators"][-1]["description"] = as_list(c[1])
        continue
    if mode == "steps":
        c = c + [""] * (5 - len(c))
        text = clean(c[0])
        assert text[0] in CIRCLED, text
        dept = clean(c[1])
        depts = dept.split(" ")
        for d in depts:
            if d not in [x["name"] for x in m["departments"]]:
                m["departments"].append({"name": d, "role": "lead"})
        years = []
        for fy, cell in zip(YEARS, c[2:5], strict=False):
            t = clean(cell)
            if re.fullmatch(r"[—―－-]+→", t):
                t = "→"  # long drawn arrow, meaning "continues"
            if t:
                years.append({"fiscal_year": fy, "planned": t})
        m["steps"].append(
            {
                "title": text[1:].strip(),
                "department": "、".join(depts),
                "years": years,
            }
        )
        continue
    if mode == "indicators":
        c = c + [""] * (5 - len(c))
        name = clean(c[0])
        name = re.sub(f"^[{CIRCLED}]", "", name)
        desc = ""
        for k, note in FOOTNOTES.items():
            if k in name:
                desc = note
        name = FOOTMARK.sub("", name).strip()
        m["indicators"].append(
            {
                "name": name,
                "description": desc,
                "_baseline": value(c[1]),
                "_targets": [value(x) for x in c[2:5]],
            }
        )
        continue
    raise SystemExit(f"unparsed line: {line!r}")

# --- hand fixes ------------------------------------------------------------------------
# wrapped word inside a cell ("見直し項目等の 検討")
for mm in measures:
    for ind in mm["indicators"]:
        ind["_targets"] = [t.replace("等の 検討", "等の検討") if t else t for t in ind["_targets"]]
    # related plans printed on separate lines inside one cell
    if mm["code"] == "Ⅲ-(2)-イ":
        rp = mm["related_plans"]
        parts = [
            "委託化等導入に関するガイドライン・アクションプラン",
            "指定管理者制度導入（更新施設・新規導入施設）に係る基本方針",
            "PPP/PFI手法導入の優先的検討に関する要綱",
        ]
        assert rp == " ".join(parts), rp
        mm["related_plans"] = "\n".join(parts)

# footnote text: drop spaces the extraction put around Latin letters / digits
for k in FOOTNOTES:
    FOOTNOTES[k] = re.sub(
        r"(?<=[^\x00-\x7f]) (?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) (?=[^\x00-\x7f])", "", FOOTNOTES[k]
    )

# --- directions / units ----------------------------------------------------------------
DECREASE = {"職員一人当たりの時間外勤務時間数（選挙を除く）", "保存文書量（職員一人当たり）"}
NUM = re.compile(r"^[\d,.]+\s*(.*)$")


def unit_of(vals):
    units = set()
    for v in vals:
        if v is None or v == "備考に記載":
            continue
        mt = NUM.match(v)
        if not mt:
            return None  # text milestone
        units.add(mt.group(1).strip())
    return units.pop() if len(units) == 1 else ""


for mm in measures:
    for ind in mm["indicators"]:
        b, ts = ind.pop("_baseline"), ind.pop("_targets")
        u = unit_of([b, *ts])
        if u is None:
            ind["direction"] = "milestone"
            ind["unit"] = ""
        else:
            ind["direction"] = "decrease" if ind["name"] in DECREASE else "increase"
            ind["unit"] = u
        ind["baseline"] = {"value": b, "label": "現状値"} if b else None
        ind["years"] = [
            {"fiscal_year": fy, "target": t, "actual": None}
            for fy, t in zip(YEARS, ts, strict=False)
        ]
        # key order
        ind_sorted = {
            k: ind[k] for k in ("name", "unit", "direction", "description", "baseline", "years")
        }
        ind.clear()
        ind.update(ind_sorted)
    # fix footnote descriptions after space clean-up
    for ind in mm["indicators"]:
        if ind["name"] == "保存文書量（職員一人当たり）":
            ind["description"] = FOOTNOTES["²"]
    mm.pop("_title_notes")

plan = {
    "format": "reform-plan/1",
    "municipality": {
        "code": "142123",
        "name": "厚木市",
        "kana": "あつぎし",
        "prefecture": "神奈川県",
        "slug": "atsugi",
    },
    "plan": {
        "name": "第7次厚木市行政改革大綱 第2期実施計画",
        "document_title": "第7次厚木市行政改革大綱 第2期実施計画",
        "framework_name": "第7次厚木市行政改革大綱",
        "framework_first_fiscal_year": 2021,
        "framework_last_fiscal_year": 2026,
        "first_fiscal_year": 2024,
        "last_fiscal_year": 2026,
        "sections": sections,
        "level_labels": ["重点目標", "取組の柱"],
        "measure_label": "取組項目",
        "goal_label": "目指す姿",
        "reform_office": "行政経営課",
        "grade_scheme": [],
        "status_scheme": [],
    },
    "pillars": [
        {
            "code": r,
            "title": pillars[r]["title"],
            "aim": "",
            "children": [
                {"code": k, "title": v, "children": []} for k, v in pillars[r]["children"].items()
            ],
        }
        for r in pillar_order
    ],
    "measures": measures,
}

OUT.write_text(json.dumps(plan, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(
    f"wrote {OUT}: {len(measures)} measures, "
    f"{sum(len(x['indicators']) for x in measures)} indicators, "
    f"{sum(len(x['steps']) for x in measures)} steps"
)
print("footnotes:", FOOTNOTES)
