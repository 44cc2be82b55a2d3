"""Build fixtures/192082-minami-alps.json from seed 004 (南アルプス市 R2 results).

Row layout is irregular in the PDF extraction, so each data line is mapped by hand below.
"""

import json
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[4] / "shared" / "seeds/004_c5e0678bee15d5f0.txt"
OUT = Path(__file__).resolve().parents[3] / "fixtures/192082-minami-alps.json"

LINES = SRC.read_text(encoding="utf-8").split("\n")


def cells(lineno):
    return [c.strip() for c in LINES[lineno - 1].split("\t") if c.strip()]


def text(s):
    """Plain text; bullets (・ after a space) and section labels start new lines."""
    s = (s or "").strip()
    if s in ("-", "—", "－", "―"):
        return ""
    s = re.sub(r"\s+(?=・)", "\n", s)
    s = re.sub(r"\s+(?=\[|【|※|○|<主な)", "\n", s)
    return s


def depts(s):
    out = []
    s = s.strip()
    lead, _, related = s.partition("【関係課等】")
    lead = lead.replace("【取組主管課】", "").replace("取組主管課等", "")
    for mark, name in re.findall(r"([●・])\s*([^●・\s]+)", lead):
        d = {"name": name, "role": "lead"}
        if mark == "●":
            d["primary"] = True
        out.append(d)
    for mark, name in re.findall(r"([●・])\s*([^●・\s]+)", related):
        out.append({"name": name, "role": "related"})
    return out


# Level-3 (取組みの項目) cells printed in the extraction, keyed by line
KOUMOKU = {
    41: "市税等の徴収率の向上に向けた取組みの推進",
    108: "民間への業務委託等の推進",
    110: "計画的な再配置の実施",
    112: "計画的な保全・長寿命化の推進",
}

# line -> (基本方針, 取組みの方針, No. printed or None, sub_number)
ROWS = [
    (23, "1", "①", "1", 1),
    (24, "1", "①", "2", 1),
    (25, "1", "①", "3", 1),
    (26, "1", "①", "4", 1),
    (27, "1", "①", "5", 1),
    (41, "1", "②", "1", 1),
    (42, "1", "②", "2", 1),
    (43, "1", "②", "3", 1),
    (44, "1", "③", "1", 1),
    (58, "1", "③", "2", 1),
    (59, "1", "③", "3", 1),
    (60, "1", "③", "3", 2),
    (61, "1", "③", "3", 3),
    (75, "1", "③", "3", 4),
    (91, "2", "①", "1", 1),
    (92, "2", "①", None, 1),
    (93, "2", "①", None, 1),
    (94, "2", "①", None, 1),
    (108, "2", "②", "1", 1),
    (109, "2", "②", "2", 1),
    (110, "2", "③", "1", 1),
    (111, "2", "③", "2", 1),
    (112, "2", "③", "3", 1),
    (113, "2", "③", "4", 1),
    (127, "2", "④", "1", 1),
    (128, "2", "④", "2", 1),
    (129, "2", "④", "3", 1),
    (143, "2", "④", "4", 1),
    (159, "3", "①", "1", 1),
    (160, "3", "①", "2", 1),
    (161, "3", "②", "1", 1),
    (162, "3", "②", "2", 1),
    (176, "3", "②", "3", 1),
    (192, "4", "①", "1", 1),
    (193, "4", "①", "2", 1),
    (194, "4", "②", "1", 1),
    (195, "4", "③", "1", 1),
    (196, "4", "③", "2", 1),
]
CUT_SHORT = {160, 162, 193, 195}

# Fields after the department cell, in column order, per line where the extraction
# dropped cells (default: full set).
FULL = ["future_direction", "related_plans", "goal", "plan", "do", "check", "grade", "action"]
LAYOUT = {
    # one cell lost: the first text cell reports results (Do), the second evaluates
    # (Check, with 実績整備面積); the Plan cell is missing
    58: ["future_direction", "related_plans", "goal", "do", "check", "grade", "action"],
    # 関係する計画等 cell absent
    61: ["future_direction", "goal", "plan", "do", "check", "grade", "action"],
    # one cell lost; the text after the grade is an evaluation of the year (Check);
    # the Action cell is missing
    194: ["future_direction", "related_plans", "goal", "plan", "do", "grade", "check"],
    # Do and Action cells lost; plan cell also holds 「協働推進本部会議を2回開催した。」
    196: ["future_direction", "related_plans", "goal", "plan", "grade", "check"],
}

# <ul><li> cells of line 75 (li boundaries lost in the extraction; rebuilt as ・ lines)
UL75 = {
    "do": [
        "令和2年8月6日（木）第1回目協議 県：観光資源課長他3人 市：課長、課長補佐",
        "令和3年1月7日（木）第2回目協議 県：観光資源課長他3人 市：課長、課長補佐",
        "庁内検討委員会、ワーキングによる検討 10月よりワーキングを5回、検討委員会を1回開催し、運営方針の検討を行った。",
    ],
}


def ul_items(s):
    s = re.sub(r"<ul[^>]*>", "", s).replace("</ul>", "").strip()
    parts = [p.strip() for p in re.split(r"(?<=。)\s+", s) if p.strip()]
    return parts


def main():
    pillars = {
        "1": {
            "code": "1",
            "title": "財政の健全化",
            "aim": cells(21)[0].lstrip("●"),
            "children": [],
        },
        "2": {
            "code": "2",
            "title": "行政経営システムの見直し",
            "aim": cells(90)[0].lstrip("●"),
            "children": [],
        },
        "3": {
            "code": "3",
            "title": "人材育成と時代に即応した組織の見直し",
            "aim": cells(158)[0].lstrip("●"),
            "children": [],
        },
        "4": {
            "code": "4",
            "title": "市民との協働により取り組む「多様な協働」の推進",
            "aim": cells(191)[0].lstrip("●"),
            "children": [],
        },
    }
    assert cells(20)[0] == "1 財政の健全化"
    assert cells(89)[0] == "2 行政経営システムの見直し"
    assert cells(157)[0] == "3 人材育成と時代に即応した組織の見直し"
    assert cells(190)[0] == "4 市民との協働により取り組む「多様な協働」の推進"
    hoshin = [
        ("1", "①", "歳出構造の見直し"),
        ("1", "②", "歳入確保の取組推進"),
        ("1", "③", "公営企業等の健全経営"),
        ("2", "①", "マネジメントシステムの強化"),
        ("2", "②", "民間活力の活用"),
        ("2", "③", "公共施設の見直し"),
        ("2", "④", "市民とのコミュニケーションの充実"),
        ("3", "①", "定員の適正化及び組織の見直し"),
        ("3", "②", "人材育成の推進"),
        ("4", "①", "地域自治の推進"),
        ("4", "②", "市民活動の推進"),
        ("4", "③", "取り組み推進のための環境整備"),
    ]
    src = SRC.read_text(encoding="utf-8")
    nodes = {}
    for k, c, t in hoshin:
        assert c + t in src, (c, t)
        n = {"code": c, "title": t, "children": []}
        pillars[k]["children"].append(n)
        nodes[(k, c)] = n

    measures = []
    for line, kihon, hou, no, sub in ROWS:
        cs = cells(line)
        path = [kihon, hou]
        if line in KOUMOKU:
            kt = KOUMOKU[line]
            assert kt in cs
            nodes[(kihon, hou)]["children"].append({"code": kt, "title": kt, "children": []})
            path.append(kt)
        code_no = no
        if no is None:  # No. not in the extraction: position within the 方針
            code_no = str(sum(1 for m in measures if m["pillar"][:2] == [kihon, hou]) + 1)
        m = {"code": f"{kihon}-{hou}-{code_no}", "sub_number": sub}
        if no:
            m["mark"] = no
        if line in CUT_SHORT:
            # only No. (and title) survived
            title = cs[-1] if line != 195 else ""
            if line == 195:
                assert cs == ["③取り組み推進のための環境整備", "1"]
            else:
                assert cs[0] == no
            m.update({"title": title, "pillar": path, "departments": []})
            measures.append(m)
            continue
        di = next(i for i, c in enumerate(cs) if "取組主管課" in c)
        pre = cs[:di]
        # title = last cell before departments (strip pillar text merged into it on line 44)
        title = pre[-1]
        if line == 44:
            assert title.startswith("③公営企業等の健全経営 ")
            title = title.split(" ", 1)[1]
        if no:
            assert no in pre, (line, pre)
        m["title"] = title
        m["pillar"] = path
        m["departments"] = depts(cs[di])
        rest = cs[di + 1 :]
        layout = LAYOUT.get(line, FULL)
        assert len(rest) == len(layout), (line, len(rest), rest)
        f = dict(zip(layout, rest, strict=False))
        assert f["grade"] in "ABCD" and len(f["grade"]) == 1, (line, f["grade"])
        if line == 75:
            f = dict(f)
            do = "\n".join("・" + x for x in UL75["do"])
            assert re.sub(r"\s", "", "".join(UL75["do"])) == re.sub(r"\s|<ul[^>]*>", "", f["do"])
            f["do"] = do
            f["check"] = "\n".join("・" + x for x in ul_items(f["check"]))
            f["action"] = "\n".join("・" + x for x in ul_items(f["action"]))
        m["goal"] = ""
        m["future_direction"] = text(f.get("future_direction", ""))
        m["related_plans"] = text(f.get("related_plans", ""))
        goal = text(f.get("goal", ""))
        if goal:
            m["targets"] = [{"fiscal_year": 2020, "goal": goal}]
        m["years"] = [
            {
                "fiscal_year": 2020,
                "plan": text(f.get("plan", "")),
                "do": text(f.get("do", "")),
                "check": text(f.get("check", "")),
                "action": text(f.get("action", "")),
                "grade": f["grade"],
            }
        ]
        measures.append(m)

    # add measures' 3rd-level node order: keep nodes in document order (already appended in order)
    data = {
        "format": "reform-plan/1",
        "municipality": {
            "code": "192082",
            "name": "南アルプス市",
            "kana": "みなみあるぷすし",
            "prefecture": "山梨県",
            "slug": "minami-alps",
        },
        "plan": {
            "name": "第3次南アルプス市行政改革実施計画",
            "document_title": "第3次南アルプス市行政改革実施計画取組み結果（令和2年度）",
            "first_fiscal_year": 2020,
            "last_fiscal_year": 2020,
            "published_on": "2021-11",
            "level_labels": ["基本方針", "取組みの方針", "取組みの項目"],
            "measure_label": "具体的な取組み項目",
            "goal_label": "達成目標",
            "grade_scheme": [
                {"code": "A", "label": "目標を達成", "definition": "目標を達成", "rated": True},
                {
                    "code": "B",
                    "label": "目標はほぼ達成しているが取組に課題または改善の余地あり",
                    "definition": "目標はほぼ達成しているが取組に課題または改善の余地あり\n→（次年度へ作業を残したもの）",
                    "rated": True,
                },
                {
                    "code": "C",
                    "label": "目標は未達成で取組に課題または改善の余地あり",
                    "definition": "目標は未達成で取組に課題または改善の余地あり\n→（新たに課題が発生するなど計画どおり進んでいないもの）",
                    "rated": True,
                },
                {
                    "code": "D",
                    "label": "目標は未達成で取組困難なもの",
                    "definition": "目標は未達成で取組困難なもの",
                    "rated": True,
                },
            ],
        },
        "pillars": list(pillars.values()),
        "measures": measures,
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("wrote", OUT, len(measures), "measures")


if __name__ == "__main__":
    main()
