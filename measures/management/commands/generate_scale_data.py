"""Synthetic data at national scale, for benchmarks: by default 1,741 municipalities, each
with one public plan of 60 measures under three levels of pillars, 2 indicators per measure
and 5 published fiscal years of evaluations with text of realistic length.

Rows are written with COPY (bulk inserts on SQLite) and without history, which is what makes the size
reachable in minutes; it is test data, not a workflow. On PostgreSQL, batches are
written by two processes (`--workers`, each with its own connection), so that on a 2-core
machine the database's share of the work runs beside Python's.
"""

import multiprocessing
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from measures.models import (
    EffectAmount,
    Evaluation,
    Grade,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    Pillar,
    Plan,
    Report,
    Step,
    StepYear,
)
from measures.plan_files.exporting import plan_document, plan_queryset
from municipalities.codes import check_digit
from municipalities.models import PREFECTURES, Department, Municipality
from municipalities.population import apply_population
from reform.bulk_rows import insert, insert_rows

FIRST_YEAR = 2020
YEARS = 5
DEPARTMENTS = (
    "企画",
    "財政",
    "税務",
    "人事",
    "情報政策",
    "市民",
    "福祉",
    "建設",
    "教育総務",
    "行政経営",
)
SENTENCES = [
    "事務事業の見直しを進め、業務の効率化と経費の削減を図った。",
    "関係課と連携し、市民サービスの向上に向けた検討を行った。",
    "前年度の課題を踏まえ、実施方法を改善した。",
    "新型コロナウイルス感染症の影響により一部の取組を延期した。",
    "目標の達成に向けて、進捗を定期的に確認した。",
    "外部の意見を取り入れながら、制度の運用を見直した。",
]


def text(rng: random.Random, sentences: int) -> str:
    return "".join(rng.choice(SENTENCES) for _ in range(sentences))


def codes(count: int):
    """Valid local government codes not used by the real five, in prefecture order."""
    produced = 0
    for number in range(100, 1000):
        for prefecture in range(1, 48):
            first_five = f"{prefecture:02d}{number:03d}"
            yield first_five + str(check_digit(first_five)), PREFECTURES[prefecture - 1]
            produced += 1
            if produced == count:
                return


class Command(BaseCommand):
    help = "ベンチマーク用の大規模データ（既定: 1,741自治体 × 60取組 × 5年度）を作成します。"

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=int, default=1741)
        parser.add_argument("--measures", type=int, default=60)
        parser.add_argument("--batch", type=int, default=50, help="一度に書き込む自治体数")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="並行して書き込むプロセスの数（PostgreSQLのとき。既定は2、トランザクションの中では1）",
        )

    def handle(self, *args, municipalities, measures, batch, seed, workers, **options):
        started = time.perf_counter()
        existing = set(Municipality.objects.values_list("code", flat=True))
        todo = [(c, p) for c, p in codes(municipalities + len(existing)) if c not in existing]
        todo = todo[:municipalities]
        # Each batch draws from its own seed, so the data is the same whatever the workers.
        jobs = [
            (todo[start : start + batch], measures, f"{seed}-{index}")
            for index, start in enumerate(range(0, len(todo), batch))
        ]
        if workers is None:
            workers = 1 if connection.in_atomic_block else 2
        parallel = workers > 1 and connection.vendor == "postgresql"
        if parallel and connection.in_atomic_block:
            raise CommandError("--workers は、トランザクションの外でだけ使えます。")
        done = 0
        if parallel:
            # Each process opens its own connection; none may inherit this one.
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for written in pool.imap_unordered(write_job, jobs):
                    done += written
                    self.progress(done, len(todo), started)
        else:
            for job in jobs:
                done += write_job(job)
                self.progress(done, len(todo), started)
        # Generated codes that are real ones get the census population; the others none.
        with_population = apply_population()
        self.stdout.write(f"人口を設定: {with_population:,}自治体")
        with connection.cursor() as cursor:
            # Statistics for the query planner, as a database in service has them.
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"完了: 取組 {Measure.objects.count():,}件、年度評価 {Evaluation.objects.count():,}件、"
            f"{time.perf_counter() - started:.0f} 秒"
        )

    def progress(self, done: int, total: int, started: float) -> None:
        self.stdout.write(f"{done:,}/{total:,} 自治体（{time.perf_counter() - started:.0f} 秒）")


def write_job(job) -> int:
    batch, measure_count, seed = job
    with transaction.atomic():
        write_batch(batch, measure_count, random.Random(seed))
    return len(batch)


def write_batch(batch, measure_count, rng):
    """One batch of municipalities. Each run of SHARING consecutive plans shares one draw
    of texts, values and grades, so the published report is built once per run and given
    to each of its plans with their own municipality: exactly what building it for each
    plan would give, at a fraction of the cost."""
    now = timezone.now()
    draws = [Draw(rng, measure_count) for _ in range(0, len(batch), SHARING)]
    cities = insert(
        [
            Municipality(
                code=code, name=f"試験市{code}", prefecture=prefecture, slug=f"city-{code}"
            )
            for code, prefecture in batch
        ],
        Municipality,
    )
    departments = insert(
        [
            Department(municipality=city, name=f"{name}課")
            for city in cities
            for name in DEPARTMENTS
        ],
        Department,
    )
    by_city = {}
    for department in departments:
        by_city.setdefault(department.municipality_id, []).append(department)
    plans = insert(
        [
            Plan(
                municipality=city,
                name="第1次行政改革実施計画",
                framework_name="行政改革大綱",
                first_fiscal_year=FIRST_YEAR,
                last_fiscal_year=FIRST_YEAR + YEARS - 1,
                level1_label="基本方針",
                level2_label="取組の方針",
                level3_label="取組の項目",
                vision=draws[i // SHARING].vision,
                is_public=True,
            )
            for i, city in enumerate(cities)
        ],
        Plan,
    )
    grades = insert(
        [
            Grade(plan=plan, order=i, code=code, label=code, min_ratio=ratio)
            for plan in plans
            for i, (code, ratio) in enumerate(GRADES)
        ],
        Grade,
    )
    plan_grades = {}
    for grade in grades:
        plan_grades.setdefault(grade.plan_id, []).append(grade.pk)
    roots = insert(
        [
            Pillar(plan=plan, code=str(i + 1), title=f"基本方針{i + 1}", level=1, order=i)
            for plan in plans
            for i in range(3)
        ],
        Pillar,
    )
    middles = insert(child_pillars(roots, 2, lambda n: f"({n})", "取組の方針"), Pillar)
    leaves = insert(child_pillars(middles, 2, lambda n: "①②"[n - 1], "取組の項目"), Pillar)
    plan_leaves = {}
    for leaf in leaves:
        plan_leaves.setdefault(leaf.plan_id, []).append(leaf)
    new_measures = insert(
        [
            Measure(
                plan=plan,
                pillar=plan_leaves[plan.pk][n % len(plan_leaves[plan.pk])],
                code=str(n + 1),
                title=f"取組{n + 1}：事務事業の見直し",
                order=n,
                continuity=measure.continuity,
                is_citywide=n % 7 == 0,
                current_situation=measure.current_situation,
                goal=measure.goal,
                content=measure.content,
            )
            for i, plan in enumerate(plans)
            for n, measure in enumerate(draws[i // SHARING].measures)
        ],
        Measure,
    )
    draw_of_plan = {plan.pk: draws[i // SHARING] for i, plan in enumerate(plans)}
    drawn = {m.pk: draw_of_plan[m.plan_id].measures[m.order] for m in new_measures}
    plan_city = {plan.pk: plan.municipality_id for plan in plans}
    insert(
        [
            MeasureDepartment(measure=m, department=by_city[plan_city[m.plan_id]][m.order % 10])
            for m in new_measures
        ],
        MeasureDepartment,
    )
    indicators = insert(
        [
            Indicator(measure=m, name=f"指標{j + 1}", unit="件", order=j, direction="increase")
            for m in new_measures
            for j in range(2)
        ],
        Indicator,
    )
    insert_rows(
        IndicatorValue,
        ("indicator", "kind", "fiscal_year", "value", "unit"),
        (
            (indicator.pk, kind, year, value, "件")
            for indicator in indicators
            for kind, year, value in drawn[indicator.measure_id].indicators[indicator.order]
        ),
    )
    steps = insert([Step(measure=m, title="取組の実施") for m in new_measures], Step)
    insert_rows(
        StepYear,
        ("step", "fiscal_year", "planned", "actual"),
        ((s.pk, FIRST_YEAR + y, "実施", "実施") for s in steps for y in range(YEARS)),
    )
    insert_rows(
        EffectAmount,
        ("measure", "fiscal_year", "planned_saving", "actual_saving"),
        (
            (m.pk, FIRST_YEAR + y, planned, actual)
            for m in new_measures
            for y, (planned, actual) in enumerate(drawn[m.pk].effects)
        ),
    )
    published = Evaluation.ReviewStatus.PUBLISHED
    insert_rows(
        Evaluation,
        (
            "measure",
            "fiscal_year",
            "plan_text",
            "do_text",
            "check_text",
            "action_text",
            "final_grade",
            "review_status",
            "published_at",
        ),
        (
            (
                m.pk,
                FIRST_YEAR + y,
                *texts,
                plan_grades[m.plan_id][grade],
                published,
                now,
            )
            for m in new_measures
            for y, (texts, grade) in enumerate(drawn[m.pk].evaluations)
        ),
    )
    last_year = FIRST_YEAR + YEARS - 1
    firsts = plan_queryset().in_bulk([plan.pk for plan in plans[::SHARING]])
    contents = [
        {**plan_document(firsts[plan.pk], published_only=True), "fiscal_year": last_year}
        for plan in plans[::SHARING]
    ]
    insert(
        [
            Report(
                plan=plan,
                fiscal_year=last_year,
                published_at=now,
                content={**contents[i // SHARING], "municipality": municipality_entry(city)},
            )
            for i, (plan, city) in enumerate(zip(plans, cities, strict=True))
        ],
        Report,
    )


GRADES = (("A", 1), ("B", 0.75), ("C", 0.5), ("D", None))
# How many consecutive plans share one draw: enough variety for the comparison pages, few
# enough reports to build.
SHARING = 10


class Draw:
    """The random part of a batch's plans: texts, indicator values, effect amounts and
    grades, drawn once for each measure position."""

    def __init__(self, rng: random.Random, measure_count: int):
        self.vision = text(rng, 3)
        self.measures = [DrawnMeasure(rng) for _ in range(measure_count)]


class DrawnMeasure:
    def __init__(self, rng: random.Random):
        self.continuity = rng.choice(["new", "continuing"])
        self.current_situation = text(rng, 3)
        self.goal = text(rng, 1)
        self.content = text(rng, 2)
        self.indicators = [indicator_values(rng) for _ in range(2)]
        self.effects = [
            (rng.randint(0, 5) * 1_000_000, rng.randint(0, 5) * 1_000_000) for _ in range(YEARS)
        ]
        self.evaluations = [
            ((text(rng, 2), text(rng, 4), text(rng, 3), text(rng, 2)), rng.randrange(len(GRADES)))
            for _ in range(YEARS)
        ]


def municipality_entry(city: Municipality) -> dict:
    """The document's municipality, as plan_document writes it."""
    return {
        "code": city.code,
        "kana": city.kana,
        "name": city.name,
        "slug": city.slug,
        "prefecture": city.prefecture,
    }


def child_pillars(parents: list[Pillar], count: int, code, title: str) -> list[Pillar]:
    """count pillars under each parent, one level down, numbered from 1 by code(n)."""
    return [
        Pillar(
            plan_id=parent.plan_id,
            parent=parent,
            code=code(n),
            title=f"{title}{n}",
            level=parent.level + 1,
            order=parent.order * 10 + n - 1,
        )
        for parent in parents
        for n in range(1, count + 1)
    ]


def indicator_values(rng: random.Random) -> list[tuple[str, int, int]]:
    """A baseline the year before the plan, then a target and an actual for every year, as
    (kind, fiscal year, value)."""
    base = rng.randint(50, 500)
    values = [("baseline", FIRST_YEAR - 1, base)]
    for y in range(YEARS):
        values.append(("target", FIRST_YEAR + y, base + 10 * (y + 1)))
        values.append(("actual", FIRST_YEAR + y, base + rng.randint(0, 12) * (y + 1)))
    return values
