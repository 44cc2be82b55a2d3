"""Build fixtures/102113-annaka.json from the text extraction of
第3次安中市行政改革大綱 実施計画 (初版 令和2年3月, 改訂1版 令和3年4月).

Usage: python tools/seeds/annaka/build.py [source.txt] [out.json]

The text, departments and yearly rows are parsed from the source; the indicators, whose
cells are laid out differently on nearly every sheet, are declared per measure below and
every value is checked to occur in that measure's sheet.
"""

import json
import re
import sys
from pathlib import Path

SRC = Path(
    sys.argv[1]
    if len(sys.argv) > 1
    else str(Path(__file__).resolve().parents[4] / "shared" / "seeds/002_958463c6e2069eab.txt")
)
OUT = Path(
    sys.argv[2]
    if len(sys.argv) > 2
    else Path(__file__).resolve().parents[3] / "fixtures" / "102113-annaka.json"
)

YEARS = [2020, 2021, 2022, 2023, 2024]
MARKS = "①②③④⑤⑥⑦⑧⑨⑩"

# Pillar titles as the sheets print them (the 目次 spaces out Latin letters: "P D C A").
# Pillar 1: the 目次 and half of the sheet headings print 「総動」, the other sheet headings and the
# body text (「総働」により共にまちづくりを進める) print 「総働」; the body's word is used.
PILLAR_TITLE_FIX = {"市民ニーズの把握と「総動」": "市民ニーズの把握と「総働」"}


def squash_latin(s: str) -> str:
    """'P D C Aサイクル' -> 'PDCAサイクル', 'A I 、R P A' -> 'AI、RPA' (目次 letter spacing)."""
    s = re.sub(r"(?<=[A-Z]) (?=[A-Z])", "", s)
    return re.sub(r"(?<=[A-Z]) (?=[、])", "", s)


# ---------------------------------------------------------------- text cleaning


def _split_ul(body: str) -> list[str]:
    body = body.strip()
    if not body:
        return []
    if "・" in body and re.search(r"(^|\s)・", body):
        parts = re.split(r"\s+(?=・)", body)
    else:
        # <li> boundaries were lost: items are separated by a space; a space between two
        # Latin letters ("P D C A") is not a boundary.
        parts = re.split(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])", body)
    out = []
    for p in parts:
        p = p.strip()
        if not p:
            continue
        out.append(p if p.startswith("・") else "・" + p)
    return out


def _split_plain(body: str) -> list[str]:
    body = body.strip()
    if not body:
        return []
    parts = re.split(r"\s+(?=・)", body)
    out = []
    for p in parts:
        # sentences printed as separate lines come out joined by a space after 。
        out.extend(x.strip() for x in re.split(r"(?<=。)\s+", p) if x.strip())
    return out


def clean(cell: str) -> str:
    """A cell's text with the HTML fragments turned into plain lines."""
    s = cell.strip()
    s = re.sub(r"<table.*?</table>", " ", s, flags=re.S)  # duplicate of 現状の数値/目標の数値 (23)
    lines: list[str] = []
    pos = 0
    for m in re.finditer(r"<p>(.*?)</p>|<ul[^>]*>(.*?)(?=<ul[^>]*>|<p>|$)", s, flags=re.S):
        before = s[pos : m.start()]
        lines += _split_plain(before)
        if m.group(1) is not None:
            lines += _split_plain(m.group(1))
        else:
            lines += _split_ul(m.group(2))
        pos = m.end()
    lines += _split_plain(s[pos:])
    text = "\n".join(lines)
    text = re.sub(r"(?<=[A-Z]) (?=[A-Z])", "", text)  # letter-spaced "P D C A" (19)
    assert not re.search(r"<\s*/?\s*[a-zA-Z]", text), text
    return text


# ---------------------------------------------------------------- source

raw = SRC.read_text(encoding="utf-8").split("\n")

# 目次 (lines "1 title", "(1) title", "①title<TAB>n")
toc_start = raw.index("目 次")
pillars: list[dict] = []
toc_measures: list[tuple[str, str, str, list[str]]] = []  # (code, mark, title, path)
i = toc_start + 1
while True:
    line = raw[i].rstrip("\t ")
    i += 1
    if not line:
        if toc_measures and len(toc_measures) == 36:
            break
        continue
    m = re.match(r"^(\d) (.+)$", line)
    if m:
        title = squash_latin(m.group(2).strip())
        title = PILLAR_TITLE_FIX.get(title, title)
        pillars.append({"code": m.group(1), "title": title, "aim": "", "children": []})
        continue
    m = re.match(r"^(\(\d\)) (.+)$", line)
    if m:
        pillars[-1]["children"].append(
            {"code": m.group(1), "title": squash_latin(m.group(2).strip()), "children": []}
        )
        continue
    m = re.match(rf"^([{MARKS}])(.+)\t(\d+)$", line)
    assert m, line
    toc_measures.append(
        (
            m.group(3),
            m.group(1),
            squash_latin(m.group(2).strip()),
            [pillars[-1]["code"], pillars[-1]["children"][-1]["code"]],
        )
    )
body_start = i

# Sheets: each starts at a line "① title"
sheet_starts = [k for k in range(body_start, len(raw)) if re.match(rf"^[{MARKS}] \S", raw[k])]
assert len(sheet_starts) == 36, len(sheet_starts)
sheets = []
for n, k in enumerate(sheet_starts):
    end = sheet_starts[n + 1] if n + 1 < len(sheet_starts) else len(raw)
    lines = raw[k:end]
    # drop the repeated pillar headings of the next sheet
    while lines and (not lines[-1].strip() or re.match(r"^(\d|\(\d\)) ", lines[-1])):
        lines.pop()
    sheets.append(lines)


def label(cell: str) -> str:
    return re.sub(r"\s", "", cell)


ROW_LABELS = {"年次計画", "年度", "進捗状況", "年度目標", "数値"}


DROPPED: list = []


def year_cells(cells: list[str]) -> list[str]:
    """Five cells R2..R6 from what follows the row label (merged cells lost in extraction)."""
    vals = [c.strip() for c in cells]
    while vals and not vals[-1]:
        vals.pop()
    if len(vals) == 1:  # one cell merged across all years
        return vals * 5
    if len(vals) == 6:
        # the extraction pads a row to the grid with an empty cell or a copy of its neighbour
        DROPPED.append(vals)
        if vals[0] == "" and vals[5] != "":
            vals = vals[1:]
        elif vals[5] in ("", vals[4]):
            vals = vals[:5]
        elif vals[0] == vals[1]:
            vals = vals[1:]
        else:
            raise ValueError(vals)
    if len(vals) > 6:
        raise ValueError(vals)
    return (vals + [""] * 5)[:5]


def parse_sheet(lines: list[str]) -> dict:
    head = re.match(rf"^([{MARKS}]) (.+)$", lines[0])
    out = {"mark": head.group(1), "title": head.group(2).strip(), "rows": {}, "extra": []}
    for line in lines[1:]:
        if not line.strip():
            continue
        cells = line.split("\t")
        lab = label(cells[0])
        if lab.startswith("担当課"):
            rest = [c.strip() for c in cells[1:] if c.strip()]
            joined = " ".join(rest)
            lead, _, related = (
                re.split(r"(関\s*係\s*課)", joined, maxsplit=1)
                if re.search(r"関\s*係\s*課", joined)
                else (joined, "", "")
            )
            out["lead"] = lead.strip()
            out["related"] = related.strip()
            continue
        if lab in ("現状と課題", "取組内容", "目標の状態"):
            out["rows"][lab] = cells[1] if len(cells) > 1 else ""
            out["rows"][lab + "_rest"] = cells[2:]
            continue
        # yearly rows: skip leading label cells
        k = 0
        labs = []
        while k < len(cells) and (
            label(cells[k]) in ROW_LABELS or (not cells[k].strip() and k < 2 and not labs)
        ):
            if cells[k].strip():
                labs.append(label(cells[k]))
            k += 1
        if labs and labs[-1] in ("進捗状況", "年度目標", "数値"):
            out["rows"][labs[-1]] = year_cells(cells[k:])
            continue
        if (labs and labs[-1] == "年度") or label(line).startswith("年次計画年度"):
            continue
        out["extra"].append(line)
    return out


parsed = [parse_sheet(s) for s in sheets]

# ---------------------------------------------------------------- indicators
# per measure: list of indicators; "pattern" picks the value out of each 数値 cell.


def ind(
    name,
    unit="",
    direction=None,
    baseline=None,
    baseline_fy=None,
    baseline_label=None,
    pattern=None,
    target_2024=None,
    years_from=None,
    description="",
):
    return dict(
        name=name,
        unit=unit,
        direction=direction,
        baseline=baseline,
        baseline_fy=baseline_fy,
        baseline_label=baseline_label,
        pattern=pattern,
        target_2024=target_2024,
        years_from=years_from,
        description=description,
    )


INDICATORS = {
    "1": [
        ind(
            "HPアクセス数",
            "件",
            "increase",
            "456,456件",
            2019,
            "R2.1.15現在",
            r"HPアクセス数 (\S+)",
            "510,000件",
        )
    ],
    "4": [
        ind("しみんの声回答発送まで", "日", "decrease", "平均19.1日", pattern=r"回答発送まで (\S+)")
    ],
    "5": [
        ind(
            "女性参加率", "%", "increase", "29.2%", pattern=r"女性参加率 (\S+)", target_2024="36.0%"
        )
    ],
    "8": [
        ind(
            "里親となる登録団体数",
            "団体",
            "increase",
            "15団体 (321人)",
            pattern=r"^(\S+団体)$",
            description="目標の数値：16団体 (320人)",
        )
    ],
    "11": [ind("成績反映", "%", None, "0%")],
    "12": [
        ind("時間外", "人", "decrease", "23人", 2018, pattern=r"時間外(\S+人)", target_2024="0人"),
        ind(
            "年休取得",
            "日",
            "increase",
            "11.9日",
            2018,
            pattern=r"年休取得(\S+日)",
            target_2024="15日",
        ),
    ],
    "14": [
        ind("大綱を知っている職員", "%", "increase", pattern=r"大綱を知っている職員 (\S+)"),
        ind("内容を把握している職員", "%", "increase", pattern=r"内容を把握している職員 (\S+)"),
    ],
    "16": [
        ind(
            "次年度組織の方向性を確定する時期",
            "",
            "milestone",
            "3月",
            pattern=r"^(.+)$",
            description="目標の数値：12月",
        )
    ],
    "23": [
        ind(
            "N年度決算分の公表時期",
            "",
            "milestone",
            "N年度決算分をN+2年6月に公表",
            target_2024="N年度決算分をN+1年12月に公表",
        )
    ],
    "24": [
        ind(
            "収納率",
            "%",
            "increase",
            "95.45%",
            2018,
            pattern=r"収納率：(\S+)",
            target_2024="97.50%",
        )
    ],
    "25": [
        ind(
            "一部税外債権における滞納処分件数",
            "件",
            "increase",
            pattern=r"一部税外債権における滞納処分件数 (\S+)",
        )
    ],
    "30": [
        ind("常勤医師", "人", "increase", "9人", pattern=r"常勤医師(\d+人)", target_2024="9人"),
        ind("病床", "床", "decrease", "199床", pattern=r"病床(\d+床)", target_2024="149床"),
        ind("稼働率", "%", "increase", "約54%", pattern=r"稼働率(約\d+%)", target_2024="約60%"),
        ind("在院日数", "日", "increase", "26日", pattern=r"在院日数(\d+日)", target_2024="30日"),
    ],
    "32": [
        ind("AI-OCR使用案件", "件", "increase", "0件", pattern=r"AI-OCR使用案件 (\S+)"),
        ind("RPAの使用事務", "件", "increase", "0件", pattern=r"RPAの使用事務 (\S+)"),
    ],
    "34": [
        ind(
            "オンラインで可能な行政手続数",
            "件",
            "increase",
            "6件",
            pattern=r"オンラインで可能な行政手続数 (\S+)",
            target_2024="14件",
        )
    ],
    "35": [
        ind(
            "オープンデータの公開数",
            "件",
            "increase",
            "0件",
            pattern=r"オープンデータの公開数 (\S+)",
            target_2024="10件",
        )
    ],
}


# ---------------------------------------------------------------- departments


def split_names(s: str) -> list[str]:
    return [x.strip() for x in re.split(r"[・、,，]", s) if x.strip()]


# ---------------------------------------------------------------- measures

measures = []
for (code, mark, toc_title, path), p, lines in zip(toc_measures, parsed, sheets, strict=False):
    sheet_text = "\n".join(lines)
    assert p["mark"] == mark, (code, p["mark"], mark)
    title = p["title"]
    assert squash_latin(title).replace(" ", "") == toc_title.replace(" ", ""), (
        code,
        title,
        toc_title,
    )
    rows = p["rows"]
    depts = [{"name": n, "role": "lead"} for n in split_names(p["lead"])]
    depts += [{"name": n, "role": "related"} for n in split_names(p.get("related", ""))]
    current = clean(rows.get("現状と課題", ""))
    content = clean(rows.get("取組内容", ""))
    goal = clean(rows.get("目標の状態", ""))
    if code == "18":
        # The 取組内容 label is lost in the extraction: the two unlabeled paragraphs between
        # 現状と課題 and the (empty) 目標の状態 row are the sheet's 取組内容.
        assert not content and not goal
        content = "\n".join(clean(l) for l in p["extra"] if "区長" in l or "各課の依頼" in l)
        p["extra"] = [l for l in p["extra"] if not ("区長" in l or "各課の依頼" in l)]
    status = rows.get("進捗状況", [""] * 5)
    goals = [clean(g) for g in rows.get("年度目標", [""] * 5)]
    if code == "6":
        # four cells for five years: R2 and R3 (検討) differ from R4.., whose two cells are equal;
        # so R4, R5 and R6 all read 「支援体制の整備」.
        raw_goal_cells = [
            c.strip() for c in next(l for l in lines if "年度目標" in l).split("\t")[2:]
        ]
        assert len(raw_goal_cells) == 4 and raw_goal_cells[2] == raw_goal_cells[3]
        goals = [clean(c) for c in raw_goal_cells] + [clean(raw_goal_cells[3])]
    if code == "13":
        assert goals[4].startswith("・第3次行政改革大綱と実施計画の総括"), goals
    values = rows.get("数値", [""] * 5)
    targets = []
    for fy, st, g in zip(YEARS, status, goals, strict=False):
        targets.append({"fiscal_year": fy, "status": st, "goal": g})
    indicators = []
    for spec in INDICATORS.get(code, []):
        for key in ("baseline", "target_2024"):
            v = spec[key]
            if v:
                assert v in sheet_text, (code, key, v)
        if spec["description"]:
            assert spec["description"].split("：", 1)[1] in sheet_text, (code, spec["description"])
        years = []
        for fy, cell in zip(YEARS, values, strict=False):
            target = None
            if spec["pattern"] and cell:
                m = re.search(spec["pattern"], cell.replace("・", " ").strip())
                target = m.group(1) if m else None
            if fy == 2024 and spec["target_2024"] and not target:
                target = spec["target_2024"]
            if target:
                years.append({"fiscal_year": fy, "target": target, "actual": None})
        entry = {"name": spec["name"], "unit": spec["unit"]}
        if spec["direction"]:
            entry["direction"] = spec["direction"]
        entry["not_settable"] = False
        entry["description"] = spec["description"]
        if spec["baseline"]:
            b = {"value": spec["baseline"]}
            if spec["baseline_fy"]:
                b["fiscal_year"] = spec["baseline_fy"]
            if spec["baseline_label"]:
                b["label"] = spec["baseline_label"]
            entry["baseline"] = b
        entry["years"] = years
        indicators.append(entry)
    measures.append(
        {
            "code": code,
            "sub_number": 1,
            "mark": mark,
            "title": title,
            "pillar": path,
            "departments": depts,
            "current_situation": current,
            "content": content,
            "goal": goal,
            "indicators": indicators,
            "targets": targets,
            "_extra": p["extra"],
        }
    )

# Anything not consumed by the parser must be indicator cells (現状の数値 / 目標の数値 lines).
for m in measures:
    for l in m.pop("_extra"):
        text = l.strip()
        ok = (
            not text
            or text in ("現状の数値", "目標の数値")
            or any(i.get("baseline", {}).get("value", "\0") in text for i in m["indicators"])
            or any(i["name"] in text for i in m["indicators"])
            or text.startswith("N年度決算分")
        )
        assert ok, (m["code"], l)

plan = {
    "name": "第3次安中市行政改革大綱 実施計画",
    "document_title": "第3次 安中市行政改革大綱 実施計画 令和2年度～令和6年度",
    "framework_name": "第3次安中市行政改革大綱",
    "first_fiscal_year": 2020,
    "last_fiscal_year": 2024,
    "revision_label": "改訂1版",
    "revision_date": "2021-04",
    "sections": [
        {"heading": "策定・改訂", "body": "令和2年3月（初版）\n令和3年4月（改訂1版）"},
    ],
    "level_labels": ["大項目", "中項目"],
    "measure_label": "項目",
    "goal_label": "目標の状態",
    "reform_office": "秘書政策課",
    "grade_scheme": [],
    "status_scheme": [],
}
seen = []
for m in measures:
    for t in m["targets"]:
        if t["status"] and t["status"] not in seen:
            seen.append(t["status"])
plan["status_scheme"] = seen

data = {
    "format": "reform-plan/1",
    "municipality": {
        "code": "102113",
        "name": "安中市",
        "kana": "あんなかし",
        "prefecture": "群馬県",
        "slug": "annaka",
    },
    "plan": plan,
    "pillars": pillars,
    "measures": measures,
}
OUT.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(f"wrote {OUT}: {len(pillars)} pillars, {len(measures)} measures")
