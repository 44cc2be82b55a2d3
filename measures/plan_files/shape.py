"""The shape of a plan document (docs/data-format.md): which keys hold an object, a list or a
single value, checked before anything is read.

The importer reads values with `str()`, compares them, uses them as dictionary keys and walks
the lists it expects. A list where text belongs, an object nested a hundred thousand deep, a
number no column can hold or JSON's `1e400` (infinity once parsed) would make that code fail
in ways that say nothing to the person importing. Checked here first, each such value becomes
a problem naming its place: the sheet and row for a spreadsheet, the path in the JSON
document (`measures[0].indicators[1].years[2]`) otherwise. Keys the format does not know are
left alone, as the importer never reads them.

The walk keeps its own stack, so no nesting can exhaust Python's, and it stops once it has
counted more rows (list items) than a file may hold.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# The widest integer column is 64 bits; no number in a plan is anywhere near it.
_LARGEST_INTEGER = 2**63 - 1


@dataclass(frozen=True)
class Single:
    """One value: text, a number, true/false or null. `names_only` admits text alone (a name
    the importer looks up, where even null cannot stand)."""

    names_only: bool = False


@dataclass(frozen=True)
class Record:
    """An object with these keys, each of which may be left out or null; others are not
    read."""

    keys: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ListOf:
    item: Any


@dataclass(frozen=True)
class OneOf:
    """Any of these shapes, told apart by the value's kind: a department by its name or as
    {"name": …}."""

    options: tuple[Any, ...]


VALUE = Single()
NAME = Single(names_only=True)
QUANTITY = OneOf((VALUE, Record({"value": VALUE, "unit": VALUE, "text": VALUE})))
BASELINE = OneOf(
    (
        VALUE,
        Record(
            {
                "value": QUANTITY,
                "unit": VALUE,
                "text": VALUE,
                "fiscal_year": VALUE,
                "label": VALUE,
            }
        ),
    )
)
PILLAR = Record({"code": VALUE, "title": VALUE, "aim": VALUE})
PILLAR.keys["children"] = ListOf(PILLAR)
NAMES = OneOf((NAME, ListOf(NAME)))


def _values(*keys: str) -> dict[str, Single]:
    return dict.fromkeys(keys, VALUE)


MEASURE = Record(
    {
        **_values(
            "code",
            "sub_number",
            "mark",
            "title",
            "status",
            "citywide",
            "current_situation",
            "goal",
            "content",
            "future_direction",
            "related_plans",
            "comprehensive_plan_position",
            "notes",
            "first_fiscal_year",
            "last_fiscal_year",
            "ending",
            "ending_note",
        ),
        "merged_into": Record(_values("code", "sub_number")),
        "period_result": Record(_values("grade", "status", "summary")),
        "pillar": ListOf(VALUE),
        "sdgs": ListOf(VALUE),
        "co_creation": Record({"actors": ListOf(VALUE), "text": VALUE}),
        "departments": ListOf(OneOf((NAME, Record(_values("name", "role", "primary"))))),
        "indicators": ListOf(
            Record(
                {
                    **_values("name", "unit", "direction", "not_settable", "description", "basis"),
                    "baseline": BASELINE,
                    "years": ListOf(
                        Record({"fiscal_year": VALUE, "target": QUANTITY, "actual": QUANTITY})
                    ),
                }
            )
        ),
        "steps": ListOf(
            Record(
                {
                    "title": VALUE,
                    "department": NAMES,
                    "departments": NAMES,
                    "years": ListOf(
                        Record(_values("fiscal_year", "planned", "actual", "progress", "next"))
                    ),
                }
            )
        ),
        "targets": ListOf(Record(_values("fiscal_year", "status", "goal"))),
        "effects": ListOf(
            Record(
                _values(
                    "fiscal_year",
                    "planned_revenue",
                    "planned_saving",
                    "actual_revenue",
                    "actual_saving",
                    "note",
                    "basis",
                )
            )
        ),
        "years": ListOf(
            Record(
                _values(
                    "fiscal_year",
                    "plan",
                    "do",
                    "check",
                    "action",
                    "status",
                    "grade",
                    "proposed_grade",
                    "override_reason",
                    "review_status",
                )
            )
        ),
    }
)

# A unit a committee reviews: a department's name, a measure's code (with its sub-number), or
# a pillar's codes from the top down (as a list, or joined by " > ").
UNIT = {"unit": OneOf((VALUE, ListOf(VALUE))), "sub_number": VALUE}
REVIEW_BODY = Record(
    {
        **_values("name", "unit_kind", "aggregation"),
        "members": ListOf(Record(_values("name", "chair"))),
        "viewpoints": ListOf(Record(_values("label", "description"))),
        "grade_scheme": ListOf(Record(_values("code", "label", "definition"))),
        "units": ListOf(Record(UNIT)),
        "rounds": ListOf(
            Record(
                {
                    **_values("fiscal_year", "status"),
                    "reviews": ListOf(
                        Record(
                            {
                                **UNIT,
                                "grades": ListOf(
                                    Record(
                                        _values(
                                            "viewpoint",
                                            "self_grade",
                                            "grade",
                                            "aggregated_grade",
                                            "member_count",
                                            "set_by_chair",
                                        )
                                    )
                                ),
                                "member_grades": ListOf(
                                    Record(_values("member", "viewpoint", "grade", "comment"))
                                ),
                                "opinions": ListOf(
                                    Record(
                                        {
                                            **_values(
                                                "viewpoint", "text", "response", "department"
                                            ),
                                            "progress": ListOf(
                                                Record(_values("fiscal_year", "status", "text"))
                                            ),
                                        }
                                    )
                                ),
                            }
                        )
                    ),
                }
            )
        ),
    }
)

DOCUMENT = Record(
    {
        "format": VALUE,
        "municipality": Record(_values("code", "name", "kana", "prefecture", "slug")),
        "departments": ListOf(OneOf((NAME, Record(_values("name"))))),
        "plan": Record(
            {
                **_values(
                    "name",
                    "document_title",
                    "framework_name",
                    "framework_first_fiscal_year",
                    "framework_last_fiscal_year",
                    "first_fiscal_year",
                    "last_fiscal_year",
                    "revision_label",
                    "revision_date",
                    "published_on",
                    "vision",
                    "viewpoints",
                    "measure_label",
                    "goal_label",
                    "reform_office",
                    "grade_note",
                    "share_decimal_places",
                    "count_note",
                    "saving_mark",
                    "effect_unit",
                ),
                "goals": ListOf(
                    Record(
                        {
                            "name": VALUE,
                            "target": QUANTITY,
                            "note": VALUE,
                            "years": ListOf(
                                Record(
                                    {
                                        "fiscal_year": VALUE,
                                        "result": QUANTITY,
                                        "cumulative": QUANTITY,
                                    }
                                )
                            ),
                        }
                    )
                ),
                "publications": ListOf(Record(_values("fiscal_year", "published_on"))),
                "sections": ListOf(Record(_values("heading", "body"))),
                "level_labels": ListOf(VALUE),
                "grade_scheme": ListOf(
                    Record(_values("code", "label", "definition", "min_ratio", "rated"))
                ),
                "status_scheme": ListOf(OneOf((VALUE, Record(_values("label"))))),
            }
        ),
        "pillars": ListOf(PILLAR),
        "measures": ListOf(MEASURE),
        "review_bodies": ListOf(REVIEW_BODY),
    }
)

_KINDS = {Single: "値", Record: "オブジェクト", ListOf: "リスト"}


def _options(shape: Any) -> tuple[Any, ...]:
    return shape.options if isinstance(shape, OneOf) else (shape,)


def _matching(shape: Any, value: Any) -> Any | None:
    """The option of `shape` for a value of this kind, or None when there is none."""
    for option in _options(shape):
        if isinstance(value, dict):
            if isinstance(option, Record):
                return option
        elif isinstance(value, list):
            if isinstance(option, ListOf):
                return option
        elif isinstance(option, Single) and (isinstance(value, str) or not option.names_only):
            return option
    return None


def _expected(shape: Any) -> str:
    words = []
    for option in _options(shape):
        if isinstance(option, Single):
            words.append("文字" if option.names_only else "文字・数値・true/false")
        else:
            words.append(_KINDS[type(option)])
    return "または".join(words)


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "数値"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, dict):
        return "オブジェクト"
    if isinstance(value, list):
        return "リスト"
    return type(value).__name__


def _number_out_of_range(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not -_LARGEST_INTEGER - 1 <= value <= _LARGEST_INTEGER
    return isinstance(value, float) and not math.isfinite(value)


def _source_is_valid(source: Any) -> bool:
    return (
        isinstance(source, dict)
        and isinstance(source.get("sheet"), str)
        and isinstance(source.get("row"), int)
        and not isinstance(source.get("row"), bool)
    )


def _place(path: str, data: Any) -> str:
    """Where an object is: its sheet and row when it came from a spreadsheet."""
    source = data.get("_source") if isinstance(data, dict) else None
    if _source_is_valid(source):
        return f"シート「{source['sheet']}」{source['row']}行目"
    return path or "ファイル"


def shape_problems(document: dict, *, max_rows: int) -> Iterator[tuple[str, str, str]]:
    """(place, key, message) for each value whose kind the format does not allow there, in
    the order of the document; and one, ending the walk, when the document has more rows
    (list items: measures, years, values …) than `max_rows`, the limit of a spreadsheet."""
    # Each entry: the value, its shape, its path, the place to name and its key there.
    stack: list[tuple[Any, Any, str, str, str]] = [(document, DOCUMENT, "", "ファイル", "")]
    rows = 0
    while stack:
        value, shape, path, place, key = stack.pop()
        if value is None and key:
            continue  # a key left null is a key left out
        option = _matching(shape, value)
        if option is None:
            expected, found = _expected(shape), _kind_of(value)
            yield place, key, f"{expected}で書いてください（{found}になっています）。"
            continue
        if isinstance(option, Single):
            if _number_out_of_range(value):
                yield place, key, "扱える範囲を超える数値です（64ビットの整数・有限の小数まで）。"
            continue
        children = []
        if isinstance(option, Record):
            here = _place(path, value)
            if "_source" in value and not _source_is_valid(value["_source"]):
                yield here, "_source", "シートと行の情報の形が正しくありません。"
                continue
            for name, child_shape in option.keys.items():
                if name in value:
                    child_path = f"{path}.{name}" if path else name
                    children.append((value[name], child_shape, child_path, here, name))
        else:
            rows += len(value)
            if rows > max_rows:
                yield place, key, f"行（リストの要素）の数が上限（{max_rows:,}行）を超えています。"
                return
            for index, item in enumerate(value):
                item_path = f"{path}[{index}]"
                children.append((item, option.item, item_path, _place(item_path, item), ""))
        stack.extend(reversed(children))
