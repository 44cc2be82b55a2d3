"""A small plan document to import in tests, and helpers to change it."""

import copy

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
