"""A measure's yearly evaluations (sheet 年度評価), and the rule that only publishing
publishes."""

from measures.models import (
    Evaluation,
    PeriodResult,
)
from measures.plan_files.importing.base import same_value


class YearPart:
    """Reads a measure's yearly evaluations and its result over the plan period."""

    def publication_kept(self, existing: Evaluation | None, values: dict, where: str) -> bool:
        """Without the publish option a file neither publishes an entry nor changes a
        published one: publishing belongs to the publish service, which freezes a report
        revision, and a published entry changes only after its year is reopened."""
        published = Evaluation.ReviewStatus.PUBLISHED
        was_published = existing is not None and existing.review_status == published
        if values.get("review_status") == published and not was_published:
            self.problem(
                where,
                "審査状況",
                "「公表済み」にできるのは年度の公表の操作だけです。すでに公表した資料を取り込む"
                "ときは「公表済みとして取り込む」（import_plan --publish）を選んでください。",
            )
            return False
        if not was_published:
            return True
        changed = changed_fields(existing, values)
        if changed:
            self.problem(
                where,
                changed,
                "公表済みの年度評価は取り込みでは変えられません。年度を再開して直すか、"
                "公表済みの資料なら「公表済みとして取り込む」を選んでください。",
            )
            return False
        return True

    def read_years(self, measure, years: list, location: str) -> None:
        # Evaluations are never deleted by an import: a year missing from a file may be one
        # a department is working on.
        existing_rows = self.existing.children("evaluations", measure)
        for data in years:
            fiscal_year = self.fiscal_year(data, self.where(data, location + " の年度評価"))
            if fiscal_year is None:
                continue
            where = self.where(data, f"{location} の{fiscal_year}年度評価")
            final = self.grade(data, "grade", where, "評価")
            proposed = self.grade(data, "proposed_grade", where, "担当課の評価案")
            status = self.status(data, where)
            if final is False or proposed is False or status is False:
                continue
            values = {
                "plan_text": self.text(data, "plan"),
                "do_text": self.text(data, "do"),
                "check_text": self.text(data, "check"),
                "action_text": self.text(data, "action"),
                "final_grade": final,
                "proposed_grade": proposed,
                "status": status,
                "override_reason": self.text(data, "override_reason"),
            }
            existing = existing_rows.get(fiscal_year)
            review_status = data.get("review_status")
            if review_status:
                if review_status not in Evaluation.ReviewStatus.values:
                    self.problem(
                        where, "審査状況", f"{review_status!r} は審査状況の区分にありません。"
                    )
                    continue
                values["review_status"] = review_status
            if self.publish:
                values["review_status"] = Evaluation.ReviewStatus.PUBLISHED
            elif not self.publication_kept(existing, values, where):
                continue
            if values.get("review_status") == Evaluation.ReviewStatus.PUBLISHED:
                values["published_at"] = (
                    existing and existing.published_at
                ) or self.published_at_of(fiscal_year)
            elif existing is None and "review_status" not in values:
                values["review_status"] = Evaluation.ReviewStatus.APPROVED
            self.sync(
                Evaluation,
                where,
                {"measure": measure, "fiscal_year": fiscal_year},
                values,
                existing,
            )

    def read_period_result(self, measure, data: dict | None, location: str) -> None:
        """The measure's result over the whole plan period; null removes it. Published with
        the publish option (as the plan's last year is); a published one changes only then."""
        existing = self.existing.children("period_results", measure).get(None)
        where = self.where(data, f"{location} の計画期間の実績")
        if data is None:
            if existing is not None and not self.publish and existing.published_at:
                self.problem(where, "", "公表済みの計画期間の実績は取り込みでは消せません。")
            elif existing is not None:
                existing.delete()
                self.summary.count("deleted", PeriodResult)
            return
        grade = self.grade(data, "grade", where, "評価")
        status = self.status(data, where)
        if grade is False or status is False:
            return
        values = {"grade": grade, "status": status, "summary": self.text(data, "summary")}
        if self.publish:
            values["published_at"] = (existing and existing.published_at) or self.published_at_of(
                self.plan_last_year
            )
        elif existing is not None and existing.published_at:
            changed = changed_fields(existing, values)
            if changed:
                self.problem(
                    where,
                    changed,
                    "公表済みの計画期間の実績は取り込みでは変えられません。計画の最終年度を再開して"
                    "直すか、公表済みの資料なら「公表済みとして取り込む」を選んでください。",
                )
                return
        self.sync(PeriodResult, where, {"measure": measure}, values, existing)


def changed_fields(row, values: dict) -> str:
    """The labels of the fields `values` would change in `row`, as one text (empty when
    none would)."""
    return "、".join(
        str(type(row)._meta.get_field(name).verbose_name)
        for name, value in values.items()
        if not same_value(row, name, value)
    )
