"""Published plans as a Frictionless Data Package (a zip of datapackage.json and CSV tables).

Rows come from each plan's published document (`public_plan_document`: the plan document
with `published_only=True` and the published external review), so the package shows exactly
what the pages and the API show. Plans are read one at a time and every table is streamed to
its own temporary file before the zip is put together, so a package of the whole country is
built in bounded memory.
"""

import csv
import datetime
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from measures.models import Measure, Plan
from measures.plan_files.exporting import plan_queryset
from public.documents import public_plan_document
from public.open_data.tables import TABLES, TABLES_BY_NAME

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
DIRECTIONS = {"increase": "ascending", "decrease": "descending", "milestone": "qualitative"}


class _Tables:
    """A CSV writer per table, each on its own temporary file."""

    def __init__(self, folder: Path):
        self.files = {}
        self.writers = {}
        self.seen: dict[str, set] = {table.name: set() for table in TABLES}
        for table in TABLES:
            handle = (folder / table.path).open("w", encoding="utf-8", newline="")
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.headers)
            self.files[table.name], self.writers[table.name] = handle, writer

    def add(self, table_name: str, /, **row) -> None:
        table = TABLES_BY_NAME[table_name]
        key = tuple(row[column] for column in table.primary_key)
        if key in self.seen[table_name]:
            return  # a municipality or department named by several plans: written once
        self.seen[table_name].add(key)
        self.writers[table_name].writerow([_cell(row.get(column)) for column in table.headers])

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _period(year: int) -> tuple[str, str]:
    return datetime.date(year, 4, 1).isoformat(), datetime.date(year + 1, 3, 31).isoformat()


def _value(quantity: dict | None) -> tuple[str | None, str]:
    if not quantity:
        return None, ""
    return quantity.get("value"), quantity.get("text") or ""


def add_plan(tables: _Tables, plan: Plan, url: str) -> None:
    """Rows of one public plan's published content."""
    document = public_plan_document(plan)
    city = document["municipality"]
    plan_data = document["plan"]
    measure_ids = {
        (code, sub): pk
        for code, sub, pk in Measure.objects.filter(plan=plan).values_list(
            "code", "sub_number", "pk"
        )
    }
    tables.add(
        "municipalities",
        code=city["code"],
        name=city["name"],
        kana=city["kana"],
        prefecture=city["prefecture"],
    )
    tables.add(
        "plans",
        plan_id=plan.pk,
        municipality_code=city["code"],
        name=plan_data["name"],
        framework_name=plan_data["framework_name"],
        first_fiscal_year=plan_data["first_fiscal_year"],
        last_fiscal_year=plan_data["last_fiscal_year"],
        revision_label=plan_data["revision_label"],
        reform_office=plan_data["reform_office"],
        url=url,
    )
    for department in document["departments"]:
        tables.add("departments", municipality_code=city["code"], name=department["name"])
    for grade in plan_data["grade_scheme"]:
        tables.add("grades", plan_id=plan.pk, **grade)
    for order, label in enumerate(plan_data["status_scheme"]):
        tables.add("statuses", plan_id=plan.pk, label=label, order=order)
    for goal in plan_data.get("goals", []):
        target_value, target_text = _value(goal["target"])
        tables.add(
            "goals",
            plan_id=plan.pk,
            name=goal["name"],
            target_value=target_value,
            target_unit=(goal["target"] or {}).get("unit", ""),
            target_text=target_text,
        )
        for year in goal["years"]:
            value, text = _value(year["result"])
            tables.add(
                "goal_results",
                plan_id=plan.pk,
                goal=goal["name"],
                fiscal_year=year["fiscal_year"],
                value=value,
                unit=(year["result"] or {}).get("unit", ""),
                text=text,
                cumulative=year["cumulative"],
            )
    _add_pillars(tables, plan.pk, document["pillars"], [], None, 1)
    for measure in document["measures"]:
        _add_measure(
            tables, plan.pk, measure, measure_ids[(measure["code"], measure["sub_number"])]
        )
    for body in document["external_reviews"]:
        _add_review_body(tables, plan.pk, city["code"], body, measure_ids)


def _pillar_key(plan_id: int, path: Iterable[str]) -> str:
    return "/".join([str(plan_id), *path])


def _add_pillars(tables, plan_id, nodes, path, parent, level) -> None:
    for node in nodes:
        key_path = [*path, node["code"] or node["title"]]
        key = _pillar_key(plan_id, key_path)
        tables.add(
            "pillars",
            pillar_key=key,
            plan_id=plan_id,
            parent_key=parent,
            level=level,
            code=node["code"],
            title=node["title"],
        )
        _add_pillars(tables, plan_id, node["children"], key_path, key, level + 1)


def _add_measure(tables: _Tables, plan_id: int, measure: dict, measure_id: int) -> None:
    tables.add(
        "measures",
        measure_id=measure_id,
        plan_id=plan_id,
        pillar_key=_pillar_key(plan_id, measure["pillar"]) if measure["pillar"] else None,
        code=measure["code"],
        sub_number=measure["sub_number"],
        title=measure["title"],
        continuity=measure["status"] or None,
        citywide=measure["citywide"],
        goal=measure["goal"],
        content=measure["content"],
        first_fiscal_year=measure["first_fiscal_year"],
        last_fiscal_year=measure["last_fiscal_year"],
        ending=measure["ending"] or None,
    )
    for link in measure["departments"]:
        tables.add(
            "measure_departments",
            measure_id=measure_id,
            department=link["name"],
            role=link["role"],
            primary=link["primary"],
        )
    for order, indicator in enumerate(measure["indicators"], start=1):
        key = f"{measure_id}-{order}"
        baseline = indicator["baseline"] or {}
        tables.add(
            "indicators",
            indicator_key=key,
            measure_id=measure_id,
            title=indicator["name"],
            unit=indicator["unit"],
            measure=DIRECTIONS[indicator["direction"]],
            not_settable=indicator["not_settable"],
            basis=indicator["basis"],
            baseline_year=baseline.get("fiscal_year"),
            baseline_value=baseline.get("value"),
            baseline_text=baseline.get("text", ""),
        )
        for year in indicator["years"]:
            start, end = _period(year["fiscal_year"])
            target_value, target_text = _value(year["target"])
            actual_value, actual_text = _value(year["actual"])
            tables.add(
                "indicator_periods",
                indicator_key=key,
                fiscal_year=year["fiscal_year"],
                period_start=start,
                period_end=end,
                target_value=target_value,
                target_text=target_text,
                actual_value=actual_value,
                actual_text=actual_text,
            )
    for year in measure["years"]:
        tables.add(
            "evaluations",
            measure_id=measure_id,
            fiscal_year=year["fiscal_year"],
            grade=year["grade"],
            status=year["status"],
            plan=year["plan"],
            do=year["do"],
            check=year["check"],
            action=year["action"],
        )
    for effect in measure["effects"]:
        tables.add(
            "effects", measure_id=measure_id, **{k: v for k, v in effect.items() if k != "note"}
        )


def _add_review_body(
    tables: _Tables, plan_id: int, city_code: str, body: dict, measure_ids: dict
) -> None:
    body_id = body["id"]

    def department(name: str | None) -> str | None:
        # A department the committee reviews or makes responsible may lead no measure.
        if name:
            tables.add("departments", municipality_code=city_code, name=name)
        return name

    tables.add(
        "review_bodies",
        review_body_id=body_id,
        plan_id=plan_id,
        name=body["name"],
        unit_kind=body["unit_kind"],
        aggregation=body["aggregation"],
    )
    viewpoint_ids = {}
    for order, viewpoint in enumerate(body["viewpoints"], start=1):
        viewpoint_ids[viewpoint["label"]] = viewpoint["id"]
        tables.add(
            "review_viewpoints",
            viewpoint_id=viewpoint["id"],
            review_body_id=body_id,
            order=order,
            label=viewpoint["label"],
            description=viewpoint["description"],
        )
    for rank, grade in enumerate(body["grade_scheme"], start=1):
        tables.add("review_grades", review_body_id=body_id, rank=rank, **grade)
    for year in body["years"]:
        for unit in year["units"]:
            measure = unit["measure"]
            tables.add(
                "review_units",
                review_unit_id=unit["id"],
                review_body_id=body_id,
                kind=unit["kind"],
                title=unit["title"],
                measure_id=measure_ids[(measure["code"], measure["sub_number"])]
                if measure
                else None,
                pillar_key=_pillar_key(plan_id, unit["pillar"]) if unit["pillar"] else None,
                department=department(unit["department"]),
            )
            for grade in unit["grades"]:
                tables.add(
                    "review_conclusions",
                    review_unit_id=unit["id"],
                    fiscal_year=year["fiscal_year"],
                    viewpoint_id=viewpoint_ids[grade["viewpoint"]],
                    review_body_id=body_id,
                    grade=grade["grade"],
                    self_grade=grade["self_grade"],
                )
            for order, opinion in enumerate(unit["opinions"], start=1):
                tables.add(
                    "review_opinions",
                    opinion_id=opinion["id"],
                    review_unit_id=unit["id"],
                    fiscal_year=year["fiscal_year"],
                    viewpoint_id=viewpoint_ids.get(opinion["viewpoint"]),
                    order=order,
                    text=opinion["text"],
                    response=opinion["response"],
                    responsible_department=department(opinion["responsible_department"]),
                )
                for progress in opinion["progress"]:
                    tables.add("review_opinion_progress", opinion_id=opinion["id"], **progress)


def descriptor(name: str, title: str, sources: list[dict]) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "licenses": [LICENCE],
        "sources": sources,
        "created": timezone.now().isoformat(timespec="seconds"),
        "description": "各自治体が公表した行政改革計画とその年度ごとの結果、外部評価の結果。"
        "利用するときは出典として自治体名と計画名を表示してください（CC BY 4.0）。",
        "resources": [
            {
                "name": table.name,
                "title": table.title,
                "path": table.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table.schema(),
            }
            for table in TABLES
        ],
    }


def write_package(target, plans: Iterator[Plan], *, name: str, title: str, base_url: str) -> int:
    """Write the package of `plans` (public plans, read one at a time) as a zip to the binary
    file `target`; returns how many plans it holds."""
    count = 0
    sources = []
    with tempfile.TemporaryDirectory() as folder:
        tables = _Tables(Path(folder))
        try:
            for plan in plans:
                url = base_url + reverse("public:plan", args=[plan.municipality.slug, plan.pk])
                add_plan(tables, plan, url)
                sources.append({"title": f"{plan.municipality.name} {plan.name}", "path": url})
                count += 1
        finally:
            tables.close()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "datapackage.json",
                json.dumps(descriptor(name, title, sources), ensure_ascii=False, indent=2),
            )
            for table in TABLES:
                archive.write(Path(folder) / table.path, table.path)
    return count


def plan_package(plan: Plan, base_url: str) -> bytes:
    """The package of one public plan, as bytes."""
    buffer = io.BytesIO()
    plan = plan_queryset().get(pk=plan.pk)
    write_package(
        buffer,
        iter([plan]),
        name=f"reform-plan-{plan.municipality.code}-{plan.pk}",
        title=f"{plan.municipality.name} {plan.name}",
        base_url=base_url,
    )
    return buffer.getvalue()


def public_plans_one_by_one() -> Iterator[Plan]:
    """Every public plan with what its document needs, read one plan at a time."""
    for pk in (
        Plan.objects.public().order_by("municipality__code", "pk").values_list("pk", flat=True)
    ):
        yield plan_queryset().get(pk=pk)


NATIONAL_NAME = "open-data/reform-plans-japan.zip"
NATIONAL_INFO = "open-data/reform-plans-japan.json"


def build_national_package(base_url: str) -> dict:
    """Write the package of every public plan to the default storage (replacing the last
    one only once the new one is complete); returns what was built."""
    from django.core.files.base import File
    from django.core.files.storage import default_storage

    started = timezone.now()
    with tempfile.TemporaryFile() as target:
        plans = write_package(
            target,
            public_plans_one_by_one(),
            name="reform-plans-japan",
            title="全国の行政改革計画と年度ごとの結果",
            base_url=base_url,
        )
        size = target.tell()
        target.seek(0)
        if default_storage.exists(NATIONAL_NAME):
            default_storage.delete(NATIONAL_NAME)
        default_storage.save(NATIONAL_NAME, File(target))
    info = {
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "seconds": round((timezone.now() - started).total_seconds(), 1),
        "plans": plans,
        "bytes": size,
    }
    if default_storage.exists(NATIONAL_INFO):
        default_storage.delete(NATIONAL_INFO)
    default_storage.save(NATIONAL_INFO, io.BytesIO(json.dumps(info).encode()))
    return info


def national_package_info() -> dict | None:
    from django.core.files.storage import default_storage

    if not default_storage.exists(NATIONAL_INFO):
        return None
    with default_storage.open(NATIONAL_INFO) as handle:
        return json.loads(handle.read())
