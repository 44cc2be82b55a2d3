"""The external review's sheets (委員会 … 反映状況) ⇄ the document's `review_bodies`.

Every row names its committee by 委員会; the rows of a year's results also name the year and
the unit (評価の対象, with 枝番 for a measure), and 反映状況 names its opinion by 意見番号.
The reader groups them into the nested document the importer reads; it checks only what a
sheet alone can tell (a committee the 委員会 sheet lacks, an opinion number that 意見と対応方針
lacks). Units, viewpoints, grades and members are checked by the importer against the plan.
"""

from typing import Any

from measures.plan_files.workbook.template import (
    AGGREGATION_WORDS,
    OPINION_STATUS_WORDS,
    ROUND_STATUS_WORDS,
    UNIT_KIND_WORDS,
)

REVIEW_SHEETS = (
    "委員会",
    "委員",
    "評価の観点",
    "委員会の評価区分",
    "評価の対象",
    "外部評価の年度",
    "委員会の評価",
    "委員の評価",
    "意見と対応方針",
    "反映状況",
)


def review_bodies_from_rows(rows: dict[str, list]) -> list[dict] | None:
    """The committees of the review sheets, or None when none of them has a row (a file of
    the plan alone, which leaves the review data as it is)."""
    if not any(rows[name] for name in REVIEW_SHEETS):
        return None
    bodies: dict[str, dict] = {}
    for row in rows["委員会"]:
        name = row.text("委員会")
        if not name:
            row.problem("委員会", "委員会の名称がありません。")
            continue
        if name in bodies:
            row.problem("委員会", f"委員会「{name}」は先の行にもあります。")
            continue
        bodies[name] = {
            "name": name,
            "unit_kind": row.word("評価の単位", UNIT_KIND_WORDS, ""),
            "aggregation": row.word("評価の決め方", AGGREGATION_WORDS, "mean"),
            "members": [],
            "viewpoints": [],
            "grade_scheme": [],
            "units": [],
            "rounds": [],
            "_source": row.source,
            "_rounds": {},
        }

    def body_of(row) -> dict | None:
        name = row.text("委員会")
        body = bodies.get(name)
        if body is None:
            if name:
                row.problem("委員会", f"委員会「{name}」は「委員会」シートにありません。")
            else:
                row.problem("委員会", "委員会の名称がありません。")
        return body

    for row in rows["委員"]:
        if (body := body_of(row)) is not None:
            body["members"].append(
                {"name": row.text("氏名"), "chair": row.flag("委員長"), "_source": row.source}
            )
    for row in rows["評価の観点"]:
        if (body := body_of(row)) is not None:
            body["viewpoints"].append(
                {"label": row.text("観点"), "description": row.text("説明"), "_source": row.source}
            )
    for row in rows["委員会の評価区分"]:
        if (body := body_of(row)) is not None:
            body["grade_scheme"].append(
                {
                    "code": row.text("記号"),
                    "label": row.text("名称"),
                    "definition": row.text("基準"),
                    "_source": row.source,
                }
            )
    for row in rows["評価の対象"]:
        if (body := body_of(row)) is not None:
            body["units"].append({**_unit_of(row), "_source": row.source})

    def round_of(row, body: dict) -> dict | None:
        year = row.year("年度")
        if year is None:
            if not row.text("年度"):
                row.problem("年度", "年度がありません。")
            return None
        found = body["_rounds"].get(year)
        if found is None:
            found = {"fiscal_year": year, "reviews": [], "_reviews": {}, "_source": row.source}
            body["_rounds"][year] = found
            body["rounds"].append(found)
        return found

    def review_of(row) -> dict | None:
        body = body_of(row)
        found = round_of(row, body) if body is not None else None
        if found is None:
            return None
        unit = _unit_of(row)
        key = (unit["unit"], unit.get("sub_number") or 1)
        review = found["_reviews"].get(key)
        if review is None:
            review = {**unit, "grades": [], "member_grades": [], "opinions": []}
            review["_source"] = row.source
            found["_reviews"][key] = review
            found["reviews"].append(review)
        return review

    for row in rows["外部評価の年度"]:
        body = body_of(row)
        found = round_of(row, body) if body is not None else None
        status = row.word("状況", ROUND_STATUS_WORDS, "concluded")
        if found is not None and status is not None:
            found["status"] = status
            found["_source"] = row.source
    for row in rows["委員会の評価"]:
        if (review := review_of(row)) is not None:
            grade: dict[str, Any] = {
                "viewpoint": row.text("観点"),
                "self_grade": row.text("自己評価"),
                "grade": row.text("委員会の評価"),
                "aggregated_grade": row.text("委員の評価の集計"),
                "member_count": row.integer("評価した委員の数"),
                "set_by_chair": row.flag("委員長が決定"),
                "_source": row.source,
            }
            review["grades"].append(grade)
    for row in rows["委員の評価"]:
        if (review := review_of(row)) is not None:
            review["member_grades"].append(
                {
                    "member": row.text("委員"),
                    "viewpoint": row.text("観点"),
                    "grade": row.text("評価"),
                    "comment": row.text("コメント"),
                    "_source": row.source,
                }
            )
    for row in rows["意見と対応方針"]:
        if (review := review_of(row)) is not None:
            number = row.integer("意見番号", len(review["opinions"]) + 1)
            review["opinions"].append(
                {
                    "viewpoint": row.text("観点"),
                    "text": row.text("意見"),
                    "response": row.text("対応方針"),
                    "department": row.text("担当課"),
                    "progress": [],
                    "_number": number,
                    "_source": row.source,
                }
            )
    for row in rows["反映状況"]:
        review = review_of(row)
        number = row.integer("意見番号")
        status = row.word("反映状況", OPINION_STATUS_WORDS, "")
        if review is None or status is None:
            continue
        opinion = next((o for o in review["opinions"] if o["_number"] == number), None)
        if opinion is None:
            row.problem(
                "意見番号",
                f"意見番号 {number or '（空欄）'} の意見は「意見と対応方針」シートにありません。",
            )
            continue
        opinion["progress"].append(
            {
                "fiscal_year": row.year("記録した年度"),
                "status": status,
                "text": row.text("反映の内容"),
                "_source": row.source,
            }
        )
    for body in bodies.values():
        for found in body.pop("_rounds").values():
            found.pop("_reviews")
            for review in found["reviews"]:
                review["opinions"].sort(key=lambda opinion: opinion["_number"] or 0)
                for opinion in review["opinions"]:
                    opinion.pop("_number")
    return list(bodies.values())


def _unit_of(row) -> dict:
    """評価の対象 (and 枝番, which only a measure has) as the document writes a unit."""
    unit: dict[str, Any] = {"unit": row.text("評価の対象")}
    if row.text("枝番"):
        unit["sub_number"] = row.integer("枝番", 1)
    return unit


def _word(words: dict[str, str], value: str | None) -> str:
    """A choice as the sheets write it; anything else passes as it is, for the importer to
    name."""
    return words.get(value or "", value or "")


def unit_cells(review: dict) -> list:
    """A unit as the sheets write it: 評価の対象, and 枝番 for a measure."""
    unit = review.get("unit")
    if isinstance(unit, list):
        unit = " > ".join(str(part) for part in unit)
    return [unit or "", review.get("sub_number")]


def review_tables(bodies: list[dict], tables: dict[str, list]) -> None:
    """Write the document's committees into the review sheets of `tables`."""
    for body in bodies:
        name = body["name"]
        tables["委員会"].append(
            [
                name,
                _word(UNIT_KIND_WORDS, body.get("unit_kind")),
                _word(AGGREGATION_WORDS, body.get("aggregation") or "mean"),
            ]
        )
        for member in body.get("members") or []:
            tables["委員"].append(
                [name, member.get("name", ""), "○" if member.get("chair") else ""]
            )
        for viewpoint in body.get("viewpoints") or []:
            tables["評価の観点"].append(
                [name, viewpoint.get("label", ""), viewpoint.get("description", "")]
            )
        for grade in body.get("grade_scheme") or []:
            tables["委員会の評価区分"].append(
                [name, grade.get("code", ""), grade.get("label", ""), grade.get("definition", "")]
            )
        for unit in body.get("units") or []:
            tables["評価の対象"].append([name, *unit_cells(unit)])
        for found in body.get("rounds") or []:
            year = found["fiscal_year"]
            tables["外部評価の年度"].append(
                [name, year, _word(ROUND_STATUS_WORDS, found.get("status") or "concluded")]
            )
            for review in found.get("reviews") or []:
                key = [name, year, *unit_cells(review)]
                for grade in review.get("grades") or []:
                    tables["委員会の評価"].append(
                        [
                            *key,
                            grade.get("viewpoint", ""),
                            grade.get("self_grade", ""),
                            grade.get("grade", ""),
                            grade.get("aggregated_grade", ""),
                            grade.get("member_count"),
                            "○" if grade.get("set_by_chair") else "",
                        ]
                    )
                for grade in review.get("member_grades") or []:
                    tables["委員の評価"].append(
                        [
                            *key,
                            grade.get("member", ""),
                            grade.get("viewpoint", ""),
                            grade.get("grade", ""),
                            grade.get("comment", ""),
                        ]
                    )
                for number, opinion in enumerate(review.get("opinions") or [], start=1):
                    tables["意見と対応方針"].append(
                        [
                            *key,
                            number,
                            opinion.get("viewpoint", ""),
                            opinion.get("text", ""),
                            opinion.get("response", ""),
                            opinion.get("department", ""),
                        ]
                    )
                    for progress in opinion.get("progress") or []:
                        tables["反映状況"].append(
                            [
                                *key,
                                number,
                                progress.get("fiscal_year"),
                                _word(OPINION_STATUS_WORDS, progress.get("status")),
                                progress.get("text", ""),
                            ]
                        )
