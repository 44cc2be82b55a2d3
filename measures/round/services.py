"""The yearly round: opening it, department entries, review, publication.

Every function here writes several rows in one transaction and records who did it; the
history of each row is kept by django-simple-history.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from measures.models import (
    EffectAmount,
    Evaluation,
    Grade,
    Indicator,
    IndicatorValue,
    Measure,
    PeriodResult,
    Plan,
    PlanGoalResult,
    Report,
    Round,
    Step,
    StepYear,
)
from measures.plan_files.exporting import plan_document, plan_queryset
from measures.publication import report_years
from measures.round import notifications
from measures.round.grading import suggest_grade
from measures.values import Quantity
from municipalities import content_version
from municipalities.models import Department

Status = Evaluation.ReviewStatus


class EditConflict(Exception):
    """Someone else saved the entry after this form was opened."""

    def __init__(self, current: Evaluation):
        self.current = current
        super().__init__("the entry was changed by someone else")


class EntryLocked(Exception):
    """The entry cannot be changed by its department now (submitted, approved, closed)."""


def prefilled_plan_text(measure: Measure, fiscal_year: int) -> str:
    """Plan (計画内容) for a year: the year's target and what each step plans for the year."""
    lines = []
    target = next((t for t in measure.targets.all() if t.fiscal_year == fiscal_year), None)
    if target and target.goal:
        lines.append(target.goal)
    for step in measure.steps.all():
        year = next((y for y in step.years.all() if y.fiscal_year == fiscal_year), None)
        if year and year.planned:
            lines.append(f"・{step.title}：{year.planned}" if step.title else f"・{year.planned}")
    return "\n".join(lines)


@dataclass(frozen=True)
class RoundOpening:
    """What opening a round did: the entries it created, the measures it skipped because
    they are not carried that year (not started yet, ended, merged), and the entries that
    were there already (imported or published results), left as they were."""

    round: Round
    created: int
    skipped_inactive: int
    existing: int


@transaction.atomic
@content_version.batch()
def open_year(*, plan: Plan, fiscal_year: int, deadline: datetime.date, by) -> RoundOpening:
    """Open a fiscal year for entry: every measure carried that year gets its evaluation,
    with Plan prefilled from the year's target and the steps' planned text. Evaluations that
    already exist (imported or published results) are left as they are."""
    round_ = Round(plan=plan, fiscal_year=fiscal_year, deadline=deadline, opened_by=by)
    round_.full_clean()
    round_.save()
    measures = list(
        plan.measures.prefetch_related(
            "targets", Prefetch("steps", queryset=Step.objects.prefetch_related("years"))
        )
    )
    existing = set(
        Evaluation.objects.filter(measure__plan=plan, fiscal_year=fiscal_year).values_list(
            "measure_id", flat=True
        )
    )
    active = [measure for measure in measures if measure.is_active(fiscal_year)]
    new = [
        Evaluation(
            measure=measure,
            fiscal_year=fiscal_year,
            plan_text=prefilled_plan_text(measure, fiscal_year),
            review_status=Status.NOT_STARTED,
        )
        for measure in active
        if measure.pk not in existing
    ]
    bulk_create_with_history(new, Evaluation, batch_size=500, default_user=by)
    content_version.changed([plan.municipality_id])  # bulk writes send no signals
    return RoundOpening(
        round=round_,
        created=len(new),
        skipped_inactive=len(measures) - len(active),
        existing=len(active) - len(new),
    )


def open_round(*, plan: Plan, fiscal_year: int, deadline: datetime.date, by) -> Round:
    """open_year, for callers that need only the round."""
    return open_year(plan=plan, fiscal_year=fiscal_year, deadline=deadline, by=by).round


@dataclass
class EntryData:
    """What a department enters for one measure and year (cleaned by the entry form)."""

    do_text: str = ""
    check_text: str = ""
    action_text: str = ""
    proposed_grade: Grade | None = None
    status_id: int | None = None
    indicator_actuals: dict[int, Quantity | None] = field(default_factory=dict)
    step_actuals: dict[int, tuple[str, str]] = field(default_factory=dict)
    step_next: dict[int, str] = field(default_factory=dict)
    actual_revenue: int | None = None
    actual_saving: int | None = None


def round_for(evaluation: Evaluation) -> Round | None:
    return Round.objects.filter(
        plan_id=evaluation.measure.plan_id, fiscal_year=evaluation.fiscal_year
    ).first()


@transaction.atomic
@content_version.batch()
def save_entry(
    *,
    evaluation_id: int,
    version: int,
    data: EntryData,
    by,
    submit: bool = False,
    on_behalf_of: Department | None = None,
) -> Evaluation:
    """Save a department's entry as a draft, or submit it.

    `on_behalf_of` is the department the reform office enters for (代理入力); the entry
    records who entered it and for whom, and is reviewed like any other once submitted.

    The row is locked while it is written and its version must be the one the form was
    opened with: a second editor's save is refused with EditConflict, never overwriting.
    Every row written is validated first (ValidationError), so nothing the database would
    refuse or round is ever sent to it.
    """
    evaluation = (
        Evaluation.objects.select_for_update().select_related("measure__plan").get(pk=evaluation_id)
    )
    if evaluation.version != version:
        raise EditConflict(evaluation)
    round_ = round_for(evaluation)
    if round_ is None or not round_.is_open or not evaluation.editable_by_department:
        raise EntryLocked
    evaluation.do_text = data.do_text
    evaluation.check_text = data.check_text
    evaluation.action_text = data.action_text
    evaluation.proposed_grade = data.proposed_grade
    evaluation.entered_by = by
    evaluation.entered_for = on_behalf_of
    if data.status_id is not None:
        evaluation.status_id = data.status_id
    _save_actuals(evaluation, data)
    measure = Measure.objects.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values"))
    ).get(pk=evaluation.measure_id)
    evaluation.measure = measure
    evaluation.computed_grade = suggest_grade(evaluation).grade
    evaluation.review_status = Status.SUBMITTED if submit else Status.DRAFT
    if submit:
        evaluation.submitted_by = by
        evaluation.submitted_at = timezone.now()
    evaluation.version += 1
    evaluation.full_clean()
    evaluation.save()
    if submit:
        notifications.entry_submitted(evaluation)
    return evaluation


def _save_actuals(evaluation: Evaluation, data: EntryData) -> None:
    year = evaluation.fiscal_year
    for indicator_id, quantity in data.indicator_actuals.items():
        current = IndicatorValue.objects.filter(
            indicator_id=indicator_id, kind=IndicatorValue.Kind.ACTUAL, fiscal_year=year
        ).first()
        if quantity is None or quantity.is_empty:
            if current is not None:
                current.delete()
            continue
        row = current or IndicatorValue(
            indicator_id=indicator_id, kind=IndicatorValue.Kind.ACTUAL, fiscal_year=year
        )
        if (row.value, row.unit, row.text) != (quantity.value, quantity.unit, quantity.text):
            row.value, row.unit, row.text = quantity.value, quantity.unit, quantity.text
            row.full_clean()
            row.save()
    for step_id, (actual, progress) in data.step_actuals.items():
        row = StepYear.objects.filter(step_id=step_id, fiscal_year=year).first()
        # A caller that does not send 今後の取組・課題 leaves it as it was.
        next_steps = data.step_next.get(step_id, row.next_steps if row else "")
        if row is None:
            if not (actual or progress or next_steps):
                continue
            row = StepYear(step_id=step_id, fiscal_year=year)
        if (row.actual, row.progress, row.next_steps) != (actual, progress, next_steps):
            row.actual, row.progress, row.next_steps = actual, progress, next_steps
            row.full_clean()
            row.save()
    effect = EffectAmount.objects.filter(measure_id=evaluation.measure_id, fiscal_year=year).first()
    if effect is None and data.actual_revenue is None and data.actual_saving is None:
        return
    effect = effect or EffectAmount(measure_id=evaluation.measure_id, fiscal_year=year)
    if (effect.actual_revenue, effect.actual_saving) != (data.actual_revenue, data.actual_saving):
        effect.actual_revenue, effect.actual_saving = data.actual_revenue, data.actual_saving
        effect.full_clean()
        effect.save()


def _review_check(evaluation: Evaluation, *allowed: str) -> None:
    if evaluation.review_status not in allowed:
        raise ValidationError(
            f"{evaluation.get_review_status_display()}の入力は、この操作の対象ではありません。"
        )


@transaction.atomic
def return_entry(*, evaluation: Evaluation, by, comment: str) -> Evaluation:
    """Send a submitted entry back to its department with the reviewer's comment."""
    if not comment.strip():
        raise ValidationError("差し戻すときは、直してほしい点をコメントに書いてください。")
    _review_check(evaluation, Status.SUBMITTED, Status.APPROVED)
    evaluation.review_comment = comment.strip()
    evaluation.record_review(Status.RETURNED, by)
    evaluation.save()
    notifications.entry_returned(evaluation)
    return evaluation


@transaction.atomic
def approve_entry(
    *, evaluation: Evaluation, by, final_grade: Grade | None = None, reason: str | None = None
) -> Evaluation:
    """Approve an entry and set its final grade (the proposed one unless another is given).

    A final grade that differs from the computed one needs a reason."""
    _review_check(evaluation, Status.SUBMITTED)
    evaluation.final_grade = final_grade or evaluation.final_grade or evaluation.proposed_grade
    if reason is not None:
        evaluation.override_reason = reason.strip()
    if evaluation.grade_differs and not evaluation.override_reason:
        raise ValidationError(
            f"確定した評価（{evaluation.final_grade}）が指標から算出した評価"
            f"（{evaluation.computed_grade}）と異なります。理由を書いてください。"
        )
    evaluation.record_review(Status.APPROVED, by)
    evaluation.full_clean()
    evaluation.save()
    notifications.entry_approved(evaluation)
    return evaluation


@content_version.batch()
def bulk_approve(*, evaluations, by) -> tuple[int, list[str]]:
    """Approve each submitted entry that can be approved as it is; report the others."""
    approved, skipped = 0, []
    for evaluation in evaluations:
        try:
            approve_entry(evaluation=evaluation, by=by)
            approved += 1
        except ValidationError as error:
            skipped.append(f"{evaluation.measure}: {' '.join(error.messages)}")
    return approved, skipped


@transaction.atomic
@content_version.batch()
def publish_year(*, plan: Plan, fiscal_year: int, by, note: str = "") -> Report:
    """Publish the year's progress report as a frozen revision and lock the year's entries.

    Every entry of the year must be approved (or already published, for a correction). A
    plan measured only in 効果額 or by plan-level goals may have no entries: its year is
    published with the figures the office entered. A correction after the first
    publication needs a note of what changed and why."""
    evaluations = Evaluation.objects.select_for_update().filter(
        measure__plan=plan, fiscal_year=fiscal_year
    )
    pending = evaluations.exclude(review_status__in=[Status.APPROVED, Status.PUBLISHED])
    if pending.exists():
        raise ValidationError(
            f"承認されていない入力が{pending.count()}件あります。すべて承認してから公表してください。"
        )
    if not evaluations.exists() and not _has_office_figures(plan, fiscal_year):
        raise ValidationError("この年度の入力も効果額・主要目標の実績もありません。")
    last = Report.objects.filter(plan=plan, fiscal_year=fiscal_year).order_by("-revision").first()
    revision = last.revision + 1 if last else 1
    if revision > 1 and not note.strip():
        raise ValidationError("訂正して公表するときは、何をなぜ直したかを書いてください。")
    now = timezone.now()
    for evaluation in evaluations.filter(review_status=Status.APPROVED):
        evaluation.review_status = Status.PUBLISHED
        evaluation.published_at = now
        evaluation.version += 1
        evaluation.save()
    if fiscal_year == plan.last_fiscal_year:
        # Results over the whole period are reported with the plan's last year.
        PeriodResult.objects.filter(measure__plan=plan, published_at__isnull=True).update(
            published_at=now
        )
    Round.objects.filter(plan=plan, fiscal_year=fiscal_year).update(status=Round.Status.PUBLISHED)
    content_version.changed([plan.municipality_id])
    content = plan_document(
        plan_queryset().get(pk=plan.pk),
        published_only=True,
        reported=report_years(plan) | {fiscal_year},
    )
    content["fiscal_year"] = fiscal_year
    content.update(_review_part(plan, fiscal_year, publishing=[fiscal_year]))
    report = Report(
        plan=plan,
        fiscal_year=fiscal_year,
        revision=revision,
        published_at=now,
        published_by=by,
        note=note.strip(),
        content=content,
    )
    report.full_clean()
    report.save()
    _write_report_files([report])
    return report


def _review_part(plan: Plan, fiscal_year: int, *, publishing: Iterable[int]) -> dict:
    """The year's public external review for the revision's content: a "reviews" key only
    where there is one, so the content of a plan without review stays as it was (an import
    that publishes nothing new writes no new revision)."""
    from public.reports.review import review_content

    review = review_content(plan, fiscal_year, publishing=publishing)
    return {"reviews": review} if review else {}


def _write_report_files(reports: list[Report]) -> None:
    """The PDFs of the new revisions, written after the publication commits."""
    from public.reports.pdf import write_files_on_commit

    if reports:
        write_files_on_commit(reports)


def _has_office_figures(plan: Plan, fiscal_year: int) -> bool:
    """Whether the year has figures that need no entry: effect results, goal results, or
    (in the plan's last year) results over the whole period."""
    return (
        EffectAmount.objects.filter(measure__plan=plan, fiscal_year=fiscal_year)
        .exclude(actual_revenue=None, actual_saving=None)
        .exists()
        or PlanGoalResult.objects.filter(goal__plan=plan, fiscal_year=fiscal_year).exists()
        or (
            fiscal_year == plan.last_fiscal_year
            and PeriodResult.objects.filter(measure__plan=plan).exists()
        )
    )


def record_publication(
    *,
    plan: Plan,
    by=None,
    note: str = "",
    years: Iterable[int] = (),
    dates: dict[int, datetime.date] | None = None,
) -> list[Report]:
    """A report revision for each published year whose published content is not yet the
    latest revision's (used when results published elsewhere are imported).

    The published years are those with published entries or reports, and `years` (a plan
    measured only in 効果額 has no entries). A first revision is dated with the city's own
    publication date from `dates` where the file gives one."""
    dates = dates or {}
    published = set(
        Evaluation.objects.filter(measure__plan=plan, review_status=Status.PUBLISHED).values_list(
            "fiscal_year", flat=True
        )
    )
    reported = report_years(plan) | published | set(years)
    if not reported:
        return []
    content = plan_document(
        plan_queryset().get(pk=plan.pk), published_only=True, reported=frozenset(reported)
    )
    created = []
    now = timezone.now()
    for year in sorted(reported):
        year_content = {
            **content,
            "fiscal_year": year,
            **_review_part(plan, year, publishing=reported),
        }
        last = Report.objects.filter(plan=plan, fiscal_year=year).order_by("-revision").first()
        if last is not None and last.content == year_content:
            continue
        published_at = now
        if last is None and year in dates:
            published_at = datetime.datetime.combine(
                dates[year], datetime.time(), tzinfo=timezone.get_current_timezone()
            )
        report = Report(
            plan=plan,
            fiscal_year=year,
            revision=last.revision + 1 if last else 1,
            published_at=published_at,
            published_by=by,
            note=note or ("" if last is None else "公表済み資料の取り込みによる更新"),
            content=year_content,
        )
        report.full_clean()
        report.save()
        created.append(report)
    _write_report_files(created)
    return created


@transaction.atomic
@content_version.batch()
def reopen_year(*, plan: Plan, fiscal_year: int, by) -> int:
    """Unlock a published year for correction: its entries become approved again, so the
    reform office can change them or return them to their departments; the published
    revisions stay as they were until the year is published again."""
    count = 0
    for evaluation in Evaluation.objects.select_for_update().filter(
        measure__plan=plan, fiscal_year=fiscal_year, review_status=Status.PUBLISHED
    ):
        evaluation.review_status = Status.APPROVED
        evaluation.version += 1
        evaluation.save()
        count += 1
    if fiscal_year == plan.last_fiscal_year:
        PeriodResult.objects.filter(measure__plan=plan).update(published_at=None)
    Round.objects.filter(plan=plan, fiscal_year=fiscal_year).update(status=Round.Status.OPEN)
    content_version.changed([plan.municipality_id])
    return count


def round_overview(round_: Round) -> list[dict]:
    """Per lead department, how many of the round's entries are in each review status."""
    rows: dict[str, dict] = {}
    evaluations = Evaluation.objects.filter(
        measure__plan_id=round_.plan_id, fiscal_year=round_.fiscal_year
    ).prefetch_related("measure__department_links__department")
    for evaluation in evaluations:
        leads = [
            link.department.name
            for link in evaluation.measure.department_links.all()
            if link.role == "lead"
        ] or ["（担当課なし）"]
        for name in leads:
            row = rows.setdefault(name, {"department": name, **dict.fromkeys(Status.values, 0)})
            row[evaluation.review_status] += 1
    return [rows[name] for name in sorted(rows)]


def send_reminders(*, round_: Round, today: datetime.date) -> int:
    """E-mail each department that still has entries to submit in the round, now; returns
    how many e-mails were sent. Departments without an address are skipped. The daily
    reminders in stages are notifications.send_due_reminders."""
    return notifications.send_reminders_now(round_=round_, today=today)
