"""A small plan document to import in tests, and helpers to change it."""

import copy
import io
import zipfile

from measures.plan_files.workbook.files import write_xlsx
from measures.plan_files.workbook.writing import document_to_tables

SMALL_DOCUMENT = {
    "format": "reform-plan/1",
    "municipality": {
        "code": "282049",
        "name": "西宮市",
        "prefecture": "兵庫県",
        "slug": "nishinomiya",
    },
    "departments": [{"name": "税務課"}, {"name": "財政課"}, {"name": "企画課"}],
    "plan": {
        "name": "第一次行政改革プラン",
        "first_fiscal_year": 2019,
        "last_fiscal_year": 2022,
        "level_labels": ["基本項目", "個別項目"],
        "measure_label": "行動計画",
        "reform_office": "企画課",
        "grade_scheme": [
            {"code": "A", "label": "100%以上", "min_ratio": "1.00"},
            {"code": "B", "label": "75%以上", "min_ratio": "0.75"},
            {"code": "C", "label": "50%以上", "min_ratio": "0.50"},
            {"code": "D", "label": "50%未満"},
        ],
        "status_scheme": ["実施", "検討"],
    },
    "pillars": [
        {
            "code": "I",
            "title": "経営的視点に立った行財政運営",
            "children": [{"code": "①", "title": "持続可能な財政運営"}],
        }
    ],
    "measures": [
        {
            "code": "1",
            "title": "公金収納対策の強化",
            "pillar": ["I", "①"],
            "departments": [
                {"name": "税務課", "role": "lead"},
                {"name": "財政課", "role": "related"},
            ],
            "status": "継続",
            "indicators": [
                {
                    "name": "未収債権額",
                    "unit": "百万円",
                    "direction": "decrease",
                    "baseline": {"value": "982百万円", "fiscal_year": 2017, "label": "H29(当初)"},
                    "years": [
                        {"fiscal_year": 2020, "actual": "835百万円"},
                        {"fiscal_year": 2022, "target": "700百万円"},
                    ],
                }
            ],
            "steps": [
                {
                    "title": "滞納債権の整理・回収",
                    "years": [{"fiscal_year": 2019, "planned": "実施", "actual": "実施"}],
                }
            ],
            "targets": [{"fiscal_year": 2020, "status": "実施", "goal": "滞納の縮減"}],
            "effects": [{"fiscal_year": 2020, "actual_revenue": "1,200千円"}],
            "years": [
                {"fiscal_year": 2019, "grade": "C"},
                {"fiscal_year": 2020, "do": "未収債権835百万円。", "grade": "C"},
            ],
        },
        {
            "code": "2",
            "title": "ネーミングライツの推進",
            "pillar": ["I", "①"],
            "departments": [{"name": "財政課", "role": "lead"}],
            "years": [{"fiscal_year": 2020, "grade": "B"}],
        },
    ],
}


def small_document(**changes) -> dict:
    document = copy.deepcopy(SMALL_DOCUMENT)
    document.update(changes)
    return document


def every_key_document() -> dict:
    """The small document with every optional key of the format filled in as well, so that a
    test walking its keys reaches each one the importer reads (docs/data-format.md)."""
    document = small_document()
    document["municipality"]["kana"] = "にしのみやし"
    document["departments"].append("広報課")
    plan = document["plan"]
    plan.update(
        document_title="第一次行政改革プラン 行動計画",
        framework_name="第一次行政改革大綱",
        framework_first_fiscal_year=2019,
        framework_last_fiscal_year=2028,
        revision_label="改訂1版",
        revision_date="2021-04-01",
        published_on="2021-11",
        vision="持続可能な行財政運営",
        viewpoints="・市民目線\n・成果重視",
        sections=[{"heading": "1 趣旨", "body": "計画の趣旨"}],
        goal_label="目標の状態",
        grade_note="※斜線は設定困難",
    )
    plan["grade_scheme"][0].update(definition="達成状況が100%以上", rated=True)
    plan["status_scheme"].append({"label": "達成"})
    document["pillars"][0]["aim"] = "●歳出の見直し"
    document["pillars"][0]["children"][0]["children"] = []
    measure = document["measures"][0]
    measure.update(
        sub_number=1,
        mark="ア",
        citywide=True,
        sdgs=[8, 16],
        current_situation="未収債権が多い",
        goal="未収債権の縮減",
        content="・督促\n・催告",
        future_direction="継続",
        related_plans="財政計画",
        comprehensive_plan_position="39 健全な財政運営",
        co_creation={"actors": ["行政"], "text": "行政単独で実施する取組"},
        notes="¹ 注記",
    )
    measure["departments"][0]["primary"] = True
    measure["departments"].append("企画課")
    indicator = measure["indicators"][0]
    indicator.update(not_settable=False, description="年度末の残高")
    indicator["years"][0]["target"] = {"value": "850", "unit": "百万円", "text": "850百万円"}
    step = measure["steps"][0]
    step["department"] = "税務課"
    step["years"][0].update(progress="順調", next="継続して実施")
    measure["steps"].append({"title": "口座振替の推進", "departments": ["財政課"], "years": []})
    measure["effects"][0].update(
        planned_revenue=1_000_000, planned_saving="2百万円", actual_saving=0, note="見込み"
    )
    measure["years"][1].update(
        plan="滞納整理の強化",
        check="概ね順調",
        action="体制を見直す",
        status="実施",
        proposed_grade="B",
        override_reason="目標を上回る見込み",
        review_status="approved",
    )
    return document


def xlsx_with_raw_text(old: str, new: str) -> bytes:
    """The workbook with text of the 取組 sheet's XML replaced, for what openpyxl will not
    write (it writes that sheet as xl/worksheets/sheet7.xml, strings inline)."""
    source = zipfile.ZipFile(io.BytesIO(write_xlsx(document_to_tables(small_document()))))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet7.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode(), 1)
            target.writestr(item, data)
    return output.getvalue()
