"""Build fixtures/282049-nishinomiya.json from the seed text (西宮市 進捗状況 R2).

Rows are parsed mechanically; indicator cells that hold several indicators in one
cell, notes or baselines are written by hand in INDICATORS below (checked against
the source line by line).
"""

import json
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[4] / "shared" / "seeds/000_edf98e7c29a73ecb.txt"
OUT = Path(__file__).resolve().parents[3] / "fixtures/282049-nishinomiya.json"

ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ"}
NOVAL = {"—", "－", "-", ""}

lines = SRC.read_text(encoding="utf-8").splitlines()


def clean(s):
    return s.strip()


def listify(text):
    """Bulleted cell text → ・ lines separated by \n (data-format rule)."""
    text = clean(text)
    if re.search(r"\s+・", text) or text.startswith("・"):
        text = re.sub(r"\s+・", "\n・", text)
        text = re.sub(r"\s+※", "\n※", text)
    return text


def norm_dept(s):
    s = re.sub(r"\s*\(", "（", s)
    s = s.replace(")", "）")
    return s


def split_depts(cell):
    cell = norm_dept(clean(cell))
    out, buf, depth = [], "", 0
    for ch in cell:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
        if depth == 0 and (ch in "、" or ch.isspace()):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
            continue
        buf += ch
    if buf.strip():
        out.append(buf.strip())
    return out


# ---------------------------------------------------------------- indicators
# (code, sub_number) -> list of indicators. Each: name, direction, description,
# baseline, years {fy: (target, actual)}. Values exactly as written.
def ind(
    name, direction, target=None, actual=None, description="", baseline=None, years=None, unit=None
):
    d = {"name": name, "direction": direction, "not_settable": False, "description": description}
    if unit:
        d["unit"] = unit
    if baseline:
        d["baseline"] = baseline
    ys = years if years is not None else {2020: (target, actual)}
    d["years"] = []
    for fy, (t, a) in sorted(ys.items()):
        y = {"fiscal_year": fy}
        if t not in NOVAL and t is not None:
            y["target"] = t
        if a not in NOVAL and a is not None:
            y["actual"] = a
        d["years"].append(y)
    return d


INDICATORS = {
    ("2", 1): [
        ind(
            "外部委員による棚卸し事業数",
            "increase",
            "160事業",
            None,
            description="（※3年間で全事業の見直し完了）",
            unit="事業",
        )
    ],
    ("3", 1): [ind("補助金定期見直しの実施件数", "increase", "45件", None, unit="件")],
    ("7", 1): [ind("施設利用者数", "increase", None, None, description="令和2年度比20%増")],
    ("9", 1): [ind("データ分析の実施件数", "increase", "2件", "2件", unit="件")],
    ("10", 1): [ind("効率化（削減）時間", "increase")],
    ("11", 1): [
        ind("総合コールセンター導入により軽減された電話による市民対応時間の推測値", "increase"),
        ind("総合コールセンターの利用者満足度目標値", "increase"),
    ],
    ("13", 1): [
        ind("工事監理に係る業務削減時間(令和元年度比)", "increase", "210時間", None, unit="時間")
    ],
    ("20", 1): [ind("スマート自治体に向けた取組事例", "increase", "1件", None, unit="件")],
    ("21", 1): [ind("年間削減時間", "increase", "500時間", "2989時間", unit="時間")],
    ("22", 1): [
        ind(
            "電子申請利用件数",
            "increase",
            "100.5万件",
            "109.2万件",
            description="(H30年度実績：92.9万件)",
            unit="万件",
            baseline={"value": "92.9万件", "fiscal_year": 2018, "label": "H30年度実績"},
        )
    ],
    ("23", 1): [
        ind("オープンデータ公開に取り組む課の数", "increase", "40課", "38課", unit="課"),
        ind(
            "データ活用に関する外部連携事業数",
            "increase",
            "3事業",
            "7事業",
            unit="事業",
            description="外部連携事業数の指標はR1年度からの累積件数による評価",
        ),
    ],
    ("24", 1): [
        ind("市税の収入率の向上", "increase", "99.51%", "99.05%", unit="%"),
        ind(
            "税務部職員の業務従事に係る超過勤務時間",
            "decrease",
            "23,550時間",
            "21,840時間",
            unit="時間",
        ),
    ],
    ("25", 1): [
        ind(
            "本庁証明書年間受付窓口件数(税務証明書を除く)",
            "decrease",
            "70,000件",
            "67,814件",
            unit="件",
        )
    ],
    ("32", 1): [
        ind("延床面積", "decrease", description="延床面積を令和4年度までに平成21年度比で20%縮減")
    ],
    ("33", 1): [
        ind(
            "公共施設用地への転用又は売却・貸付等の利活用が図られた未利用地の合計面積",
            "increase",
            description="(3年毎に集計)",
        )
    ],
    ("34", 1): [ind("年間削減時間", "increase")],
    ("35", 1): [
        ind("現地建替団地着手数 (累積)", "increase", "2団地", "2団地", unit="団地"),
        ind("廃止団地着手数 (累積)", "increase", "2団地", "2団地", unit="団地"),
    ],
    ("36", 1): [ind("新規広告媒体数", "increase", "1件", "1件", unit="件")],
    ("37", 1): [
        ind("本市へのふるさと納税に対する返礼品数", "increase", "150品目", "161品"),
        ind("本市への個人からの寄付金額", "increase", "65,000千円", "41,918千円", unit="千円"),
    ],
    ("38", 1): [
        ind("収入率", "increase", "97.78%", "98.25%", description="(収入済額/調定額)", unit="%"),
        ind(
            "収入未済額",
            "decrease",
            "51.8億円",
            "49.3億円",
            description="(調定額-収入済額-不納欠損額)",
            unit="億円",
        ),
    ],
    ("39", 1): [ind("使用料の改定に伴う効果額（平成30年度比）", "increase")],
    ("40", 1): [
        ind("変動型最低制限価格制度による入札件数", "increase", "50件", "工事 30件", unit="件")
    ],
    ("41", 1): [
        ind("新たな公民連携手法の導入事例数", "increase", "1件", None, unit="件"),
        ind("企業との包括連携協定数", "increase", None, "2件", unit="件"),
    ],
    ("44", 1): [ind("年間従事時間", "decrease", "144時間", None, unit="時間")],
    ("45", 1): [
        ind("公設公営方式に対して公設民営方式を採用した場合の全事業費（20年間）のVFM", "increase")
    ],
    ("46", 1): [ind("民間駐輪場の整備台数", "increase")],
    ("53", 1): [ind("単年度資金不足額", "decrease", "402,000千円", "4,000千円", unit="千円")],
    ("54", 1): [
        ind(
            "料金回収率",
            "increase",
            "100%",
            "93.45%※",
            unit="%",
            description="料金回収率：供給単価÷給水原価×100",
        )
    ],
    ("55", 1): [
        # The row has one value pair; its unit (千円) belongs to the second indicator.
        ind("流動比率", "increase", description="流動比率：流動資産÷流動負債×100"),
        ind(
            "一般会計繰入金（基準外）の減額累計",
            "decrease",
            "▲520,000千円",
            "▲520,000千円",
            unit="千円",
        ),
    ],
    ("57", 1): [
        ind("法定外繰入金額（赤字分）の削減額", "increase", "1,000万円", "1,000万円", unit="万円")
    ],
    ("60", 1): [ind("職員の参画・協働の取組みに対する認知度", "increase")],
    ("61", 1): [ind("条例に基づく協働事業提案件数", "increase", "9件", "5件", unit="件")],
    ("64", 1): [
        ind("コミュニティ・スクールに移行した学校数", "increase", "12校", "12校", unit="校")
    ],
    ("65", 1): [
        ind(
            "地域住民による公園清掃等管理委託公園数",
            "increase",
            None,
            "255カ所",
            unit="カ所",
            description="(R1：246カ所、R11：300カ所)",
            baseline={"value": "246カ所", "fiscal_year": 2019, "label": "R1"},
        ),
        ind(
            "市民活動花壇箇所数",
            "increase",
            None,
            "121カ所",
            unit="カ所",
            description="(R1：109カ所、R11：140カ所)",
            baseline={"value": "109カ所", "fiscal_year": 2019, "label": "R1"},
        ),
    ],
    ("68", 1): [
        ind("広報広聴に係る研修実施回数", "increase", None, "1回", unit="回"),
        ind("フォロー数(Twitter)", "increase", None, "8,890"),
        ind("いいね!数(Facebook)", "increase", None, "4,176"),
        ind("友だち数(LINE)", "increase", None, "58,069"),
    ],
    ("69", 1): [ind("市民の声ホームページ公開件数", "increase", "70件", None, unit="件")],
    ("73", 1): [
        ind(
            "市の課長級以上の管理職に占める女性割合",
            "increase",
            "14.00%",
            "13.20%",
            unit="%",
            description="(R1:13.1%、R7:20%)",
            baseline={"value": "13.1%", "fiscal_year": 2019, "label": "R1"},
        )
    ],
    ("75", 1): [ind("職員の提案数", "increase", "12件", "15件", unit="件")],
    ("77", 1): [
        ind(
            "職員一人あたり超過勤務時間数",
            "decrease",
            unit="時間",
            description="(H30実績12.2時間)",
            baseline={"value": "12.2時間", "fiscal_year": 2018, "label": "H30実績"},
            years={2019: (None, "11.8 時間"), 2020: ("前年度比 1%減", "10.4 時間")},
        )
    ],
}

# ---------------------------------------------------------------- parse
pillars, measures = [], []
cur_top = cur_sub = None
last_code, sub_no = None, 0
used_ind = set()
raw_ind = {}
start = next(i for i, l in enumerate(lines) if l.startswith("通番"))
for i, line in enumerate(lines[start:], start + 1):
    s = line.rstrip("\t").strip()
    if not s or s.startswith("通番") or s.startswith("---") or s.startswith("※◎"):
        continue
    if set(s.split("\t")) <= {"指標", "説明", "計画値", "実績値", ""}:
        continue
    m = re.match(r"^(I|II|III|IV) (.+)$", s)
    if m and "\t" not in s:
        cur_top = {
            "code": ROMAN[m.group(1)],
            "title": m.group(2).strip(),
            "aim": "",
            "children": [],
        }
        pillars.append(cur_top)
        continue
    m = re.match(r"^(\d+\)) (.+)$", s)
    if m and "\t" not in s:
        cur_sub = {"code": m.group(1), "title": m.group(2).strip(), "children": []}
        cur_top["children"].append(cur_sub)
        continue
    f = line.split("\t")
    assert len(f) == 8, (i, line)
    code, title, dept, plan, do, iname, itgt, iact = [clean(x) for x in f]
    if code:
        assert code.isdigit(), (i, code)
        last_code, sub_no = code, 1
    else:
        sub_no += 1
        code = last_code
    citywide = title.startswith("◎")
    title = title.lstrip("◎").strip()
    meas = {
        "code": code,
        "sub_number": sub_no,
        "title": title,
        "pillar": [cur_top["code"], cur_sub["code"]],
        "departments": [{"name": d, "role": "lead"} for d in split_depts(dept)],
        "citywide": citywide,
        "indicators": [],
        "years": [{"fiscal_year": 2020, "plan": listify(plan), "do": listify(do)}],
    }
    key = (code, sub_no)
    has_ind = not (iname in NOVAL and itgt in NOVAL and iact in NOVAL)
    if has_ind:
        assert key in INDICATORS, (key, iname, itgt, iact)
        meas["indicators"] = INDICATORS[key]
        used_ind.add(key)
        raw_ind[key] = (iname, itgt, iact)
    else:
        assert key not in INDICATORS, key
    measures.append(meas)

assert used_ind == set(INDICATORS), set(INDICATORS) - used_ind


# ---------------------------------------------------------------- plan
def para(a, b):
    return "\n".join(l.strip() for l in lines[a - 1 : b] if l.strip())


plan = {
    "name": "西宮市行政経営改革前期実行計画",
    "document_title": "西宮市行政経営改革前期実行計画の進捗状況について",
    "framework_name": "西宮市行政経営改革基本方針",
    "framework_first_fiscal_year": 2019,
    "framework_last_fiscal_year": 2028,
    "first_fiscal_year": 2020,
    "last_fiscal_year": 2022,
    "vision": "市民と共に新たな価値を生み出す市役所改革",
    "viewpoints": "・OPEN 市民に開かれた市役所へ\n・SMART 合理的で無駄のない市役所へ\n・RELIABLE 市民から信頼される市役所へ",
    "sections": [
        {"heading": lines[5].strip(), "body": para(7, 9)},
        {"heading": lines[9].strip(), "body": para(11, 14)},
        {"heading": lines[15].strip(), "body": para(17, 27)},
    ],
    "level_labels": ["改革の柱", "項目"],
    "measure_label": "取組項目",
    "grade_scheme": [],
}
assert plan["sections"][0]["heading"].startswith("1."), plan["sections"]
assert plan["sections"][2]["heading"].startswith("3."), plan["sections"]

doc = {
    "format": "reform-plan/1",
    "municipality": {
        "code": "282049",
        "name": "西宮市",
        "kana": "にしのみやし",
        "prefecture": "兵庫県",
        "slug": "nishinomiya",
    },
    "plan": plan,
    "pillars": pillars,
    "measures": measures,
}
OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print("measures", len(measures), "codes", len({m["code"] for m in measures}))
for k, v in sorted(raw_ind.items(), key=lambda kv: int(kv[0][0])):
    print(k, v)
