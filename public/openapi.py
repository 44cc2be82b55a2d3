"""The API's OpenAPI 3.1 document, served at /api/v1/openapi.json.

The schemas describe the answers as `public/api.py` and `measures/plan_files/exporting.py`
write them; the tests validate every endpoint's real answers against them, so the document
cannot drift from the API.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from public.api import MAX_PER_PAGE, PER_PAGE, api_endpoint
from public.open_data.tables import (
    AGGREGATIONS,
    OPINION_STATUS_LABELS,
    OPINION_STATUSES,
    UNIT_KINDS,
)

VERSION = "1.0.0"


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
YEAR = {
    "type": "integer",
    "minimum": 1989,
    "maximum": 2100,
    "description": "西暦の年度（令和2年度は2020）",
}
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "十進数（文字列）"}
YEN = _nullable({"type": "integer", "description": "円"})


def _object(properties: dict, *, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


QUANTITY = _nullable(
    _object({"value": _nullable(DECIMAL), "unit": STRING, "text": STRING}),
)
BASELINE = _nullable(
    _object(
        {
            "value": _nullable(DECIMAL),
            "unit": STRING,
            "text": STRING,
            "fiscal_year": _nullable(YEAR),
            "label": STRING,
        }
    )
)
BASIS = {"type": "string", "enum": ["single_year", "cumulative"]}
PILLAR = {
    "type": "object",
    "properties": {
        "code": STRING,
        "title": STRING,
        "aim": STRING,
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Pillar"}},
    },
    "required": ["code", "title", "aim", "children"],
}
MEASURE = _object(
    {
        "code": STRING,
        "sub_number": {"type": "integer", "minimum": 1},
        "mark": STRING,
        "title": STRING,
        "pillar": {"type": "array", "items": STRING, "description": "上位から順の体系の番号"},
        "departments": {
            "type": "array",
            "items": _object(
                {
                    "name": STRING,
                    "role": {"type": "string", "enum": ["lead", "related"]},
                    "primary": {"type": "boolean"},
                }
            ),
        },
        "status": {"type": "string", "enum": ["", "新規", "継続"]},
        "citywide": {"type": "boolean"},
        "sdgs": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 17}},
        "current_situation": STRING,
        "goal": STRING,
        "content": STRING,
        "future_direction": STRING,
        "related_plans": STRING,
        "comprehensive_plan_position": STRING,
        "co_creation": _object({"actors": {"type": "array", "items": STRING}, "text": STRING}),
        "notes": STRING,
        "first_fiscal_year": _nullable(YEAR),
        "last_fiscal_year": _nullable(YEAR),
        "ending": {"type": "string", "enum": ["", "集約", "取組終了", "廃止・休止"]},
        "merged_into": _nullable(_object({"code": STRING, "sub_number": INTEGER})),
        "ending_note": STRING,
        "period_result": _nullable(_object({"grade": STRING, "status": STRING, "summary": STRING})),
        "indicators": {
            "type": "array",
            "items": _object(
                {
                    "name": STRING,
                    "unit": STRING,
                    "direction": {"type": "string", "enum": ["increase", "decrease", "milestone"]},
                    "not_settable": {"type": "boolean"},
                    "description": STRING,
                    "basis": BASIS,
                    "baseline": BASELINE,
                    "years": {
                        "type": "array",
                        "items": _object(
                            {"fiscal_year": YEAR, "target": QUANTITY, "actual": QUANTITY}
                        ),
                    },
                }
            ),
        },
        "steps": {
            "type": "array",
            "items": _object(
                {
                    "title": STRING,
                    "department": STRING,
                    "years": {
                        "type": "array",
                        "items": _object(
                            {
                                "fiscal_year": YEAR,
                                "planned": STRING,
                                "actual": STRING,
                                "progress": STRING,
                                "next": STRING,
                            }
                        ),
                    },
                }
            ),
        },
        "targets": {
            "type": "array",
            "items": _object({"fiscal_year": YEAR, "status": STRING, "goal": STRING}),
        },
        "effects": {
            "type": "array",
            "items": _object(
                {
                    "fiscal_year": YEAR,
                    "planned_revenue": YEN,
                    "planned_saving": YEN,
                    "actual_revenue": YEN,
                    "actual_saving": YEN,
                    "note": STRING,
                    "basis": BASIS,
                }
            ),
        },
        "years": {
            "type": "array",
            "description": "公表された年度の結果",
            "items": _object(
                {
                    "fiscal_year": YEAR,
                    "plan": STRING,
                    "do": STRING,
                    "check": STRING,
                    "action": STRING,
                    "status": STRING,
                    "grade": STRING,
                }
            ),
        },
    }
)
_NAME = {"type": "string", "minLength": 1}
REVIEW_UNIT = _object(
    {
        "id": INTEGER,
        "kind": {"type": "string", "enum": UNIT_KINDS},
        "title": STRING,
        "measure": _nullable(
            _object({"code": STRING, "sub_number": {"type": "integer", "minimum": 1}})
        ),
        "pillar": _nullable(
            {"type": "array", "items": STRING, "description": "上位から順の体系の番号"}
        ),
        "department": _nullable(STRING),
        "grades": {
            "type": "array",
            "description": "観点ごとの委員会の評価と、同じ観点の担当課の自己評価（入力どおり）",
            "items": _object({"viewpoint": _NAME, "grade": _NAME, "self_grade": _nullable(_NAME)}),
        },
        "opinions": {
            "type": "array",
            "description": "委員会の意見、対応方針、担当課と、公表された年度の反映状況",
            "items": _object(
                {
                    "id": INTEGER,
                    "viewpoint": _nullable(_NAME),
                    "text": _NAME,
                    "response": STRING,
                    "responsible_department": _nullable(STRING),
                    "progress": {
                        "type": "array",
                        "items": _object(
                            {
                                "fiscal_year": YEAR,
                                "status": {"type": "string", "enum": OPINION_STATUSES},
                                "status_label": {"type": "string", "enum": OPINION_STATUS_LABELS},
                                "text": STRING,
                            }
                        ),
                    },
                }
            ),
        },
    }
)
REVIEW_BODY = _object(
    {
        "id": INTEGER,
        "name": STRING,
        "unit_kind": {"type": "string", "enum": UNIT_KINDS},
        "aggregation": {"type": "string", "enum": AGGREGATIONS},
        "viewpoints": {
            "type": "array",
            "items": _object({"id": INTEGER, "label": _NAME, "description": STRING}),
        },
        "grade_scheme": {
            "type": "array",
            "description": "委員会の評価区分（良い順）",
            "items": _object({"code": _NAME, "label": STRING, "definition": STRING}),
        },
        "years": {
            "type": "array",
            "description": "評価が確定し、年度が公表された年度（古い順）",
            "items": _object(
                {
                    "fiscal_year": YEAR,
                    "units": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/ReviewUnit"},
                    },
                }
            ),
        },
    }
)
MUNICIPALITY_REF = _object(
    {"code": STRING, "name": STRING, "kana": STRING, "prefecture": STRING, "slug": STRING}
)
PLAN_SUMMARY = _object(
    {
        "id": INTEGER,
        "name": STRING,
        "first_fiscal_year": YEAR,
        "last_fiscal_year": YEAR,
        "url": {"type": "string", "format": "uri"},
    }
)
PAGINATION = _object(
    {
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {"type": "integer", "minimum": 0},
        "pages": {"type": "integer", "minimum": 1},
    }
)
SCHEMAS = {
    "Error": _object(
        {"error": _object({"status": {"type": "integer"}, "message": STRING})},
    ),
    "Pillar": PILLAR,
    "Measure": MEASURE,
    "ReviewBody": REVIEW_BODY,
    "ReviewUnit": REVIEW_UNIT,
    "PlanSummary": PLAN_SUMMARY,
    "MunicipalityList": _object(
        {
            "licence": STRING,
            "municipalities": {
                "type": "array",
                "items": _object(
                    {
                        "code": STRING,
                        "name": STRING,
                        "prefecture": STRING,
                        "url": {"type": "string", "format": "uri"},
                        "plans": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/PlanSummary"},
                        },
                    }
                ),
            },
            "pagination": PAGINATION,
        }
    ),
    "Municipality": _object(
        {
            "licence": STRING,
            "code": {"type": "string", "pattern": "^[0-9]{6}$"},
            "name": STRING,
            "kana": STRING,
            "prefecture": STRING,
            "plans": {"type": "array", "items": {"$ref": "#/components/schemas/PlanSummary"}},
        }
    ),
    "PlanDocument": _object(
        {
            "format": {"type": "string", "const": "reform-plan/1"},
            "licence": STRING,
            "municipality": MUNICIPALITY_REF,
            "plan": {
                "type": "object",
                "required": ["name", "first_fiscal_year", "last_fiscal_year", "level_labels"],
                "properties": {
                    "name": STRING,
                    "first_fiscal_year": YEAR,
                    "last_fiscal_year": YEAR,
                    "level_labels": {
                        "type": "array",
                        "items": STRING,
                        "minItems": 1,
                        "maxItems": 3,
                    },
                    "grade_scheme": {
                        "type": "array",
                        "items": _object(
                            {
                                "code": STRING,
                                "label": STRING,
                                "definition": STRING,
                                "min_ratio": _nullable(DECIMAL),
                                "rated": {"type": "boolean"},
                            }
                        ),
                    },
                    "status_scheme": {"type": "array", "items": STRING},
                    "share_decimal_places": {"type": "integer", "minimum": 0, "maximum": 3},
                    "effect_unit": {"type": "string", "enum": ["円", "千円", "百万円"]},
                    "goals": {
                        "type": "array",
                        "items": _object(
                            {
                                "name": STRING,
                                "target": QUANTITY,
                                "note": STRING,
                                "years": {
                                    "type": "array",
                                    "items": _object(
                                        {
                                            "fiscal_year": YEAR,
                                            "result": QUANTITY,
                                            "cumulative": _nullable(DECIMAL),
                                        }
                                    ),
                                },
                            }
                        ),
                    },
                },
            },
            "departments": {"type": "array", "items": _object({"name": STRING})},
            "pillars": {"type": "array", "items": {"$ref": "#/components/schemas/Pillar"}},
            "measures": {"type": "array", "items": {"$ref": "#/components/schemas/Measure"}},
            "external_reviews": {
                "type": "array",
                "description": "外部評価（委員会）の公表された結果。評価中の年度や公表されていない"
                "年度のもの、委員個人の評価と意見、自己点検の回答は含みません",
                "items": {"$ref": "#/components/schemas/ReviewBody"},
            },
        }
    ),
    "MeasureList": _object(
        {
            "licence": STRING,
            "municipality": MUNICIPALITY_REF,
            "plan": _object({"name": STRING}),
            "measures": {"type": "array", "items": {"$ref": "#/components/schemas/Measure"}},
            "pagination": PAGINATION,
        }
    ),
}

_PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "default": 1},
        "description": "ページ番号",
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": PER_PAGE},
        "description": "1ページの件数",
    },
]
_VALIDATORS = {
    "ETag": {
        "schema": STRING,
        "description": "内容の版。If-None-Match で送ると、変わっていなければ304",
    },
    "Last-Modified": {"schema": STRING, "description": "自治体の公開内容が最後に変わった日時"},
}
_LIST_HEADERS = {
    **_VALIDATORS,
    "Link": {"schema": STRING, "description": "first・prev・next・last のページ（RFC 8288）"},
    "X-Total-Count": {"schema": STRING, "description": "全件数"},
}


def _answer(schema: str, description: str, headers: dict) -> dict:
    return {
        "description": description,
        "headers": headers,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _errors(*statuses: int) -> dict:
    words = {400: "パラメータの誤り", 404: "見つからない、または公開されていない"}
    return {str(status): _answer("Error", words[status], {}) for status in statuses}


def _operation(summary: str, schema: str, *, paged: bool = False, path_parameter=None) -> dict:
    parameters = list(_PAGE_PARAMETERS) if paged else []
    if path_parameter:
        parameters.insert(0, path_parameter)
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": _answer(schema, summary, _LIST_HEADERS if paged else _VALIDATORS),
                "304": {
                    "description": "If-None-Match / If-Modified-Since の内容から変わっていない"
                },
                **_errors(*((400, 404) if paged else (404,))),
            },
        }
    }


def openapi_document(server: str) -> dict:
    plan_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    code = {
        "name": "code",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]{6}$"},
        "description": "全国地方公共団体コード（検査数字を含む6桁）",
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "行政改革推進システム 公開データAPI",
            "version": VERSION,
            "description": "公表された行政改革計画と年度ごとの結果（読み取り専用）。"
            "データは CC BY 4.0。公表されていない内容は含みません。",
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": server}],
        "paths": {
            "/municipalities/": _operation(
                "計画を公開している自治体と、その計画の一覧", "MunicipalityList", paged=True
            ),
            "/municipalities/{code}/": _operation(
                "1つの自治体とその計画", "Municipality", path_parameter=code
            ),
            "/plans/{id}/": _operation(
                "計画の全体（公表された内容と外部評価の結果）",
                "PlanDocument",
                path_parameter=plan_id,
            ),
            "/plans/{id}/measures/": _operation(
                "計画の取組と、公表された年度ごとの結果",
                "MeasureList",
                paged=True,
                path_parameter=plan_id,
            ),
        },
        "components": {"schemas": SCHEMAS},
    }


@api_endpoint
def document(request: HttpRequest) -> JsonResponse:
    server = request.build_absolute_uri(reverse("api:municipalities")).rsplit("municipalities/", 1)[
        0
    ]
    return JsonResponse(
        openapi_document(server.rstrip("/")), json_dumps_params={"ensure_ascii": False}
    )
