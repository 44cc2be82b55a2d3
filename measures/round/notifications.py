"""E-mails of the yearly round.

- to the department, when the office returns or approves one of its entries;
- to the reform office, when a department submits an entry;
- reminders to departments with entries still to submit, in stages around the deadline:
  a week before, the day before, the day after (all to the department's staff), and a week
  after, to the department head's address as well. Each stage goes once to a department
  (ReminderSent), so the daily command may run any number of times.

Every mail names the measure and links to it with an absolute address from SITE_URL. Mails
are written in the site's language (Japanese), whatever language the sender's page used.
Mails about a review are sent once the review is committed; a mail server that fails is
logged and does not undo the review.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from measures.fiscal_years import fiscal_year_display
from measures.models import Evaluation, MeasureDepartment, Plan, ReminderSent, Round
from municipalities.models import Department, Membership

logger = logging.getLogger(__name__)

Stage = ReminderSent.Stage


@dataclass(frozen=True)
class ReminderStage:
    stage: str
    days_after_deadline: int  # negative: before the deadline
    to_head: bool


def reminder_stages(days_before: int = 7) -> tuple[ReminderStage, ...]:
    """The stages in the order they come due."""
    return (
        ReminderStage(Stage.WEEK_BEFORE, -days_before, False),
        ReminderStage(Stage.DAY_BEFORE, -1, False),
        ReminderStage(Stage.OVERDUE, 1, False),
        ReminderStage(Stage.ESCALATED, 7, True),
    )


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def staff_entry_url(evaluation: Evaluation) -> str:
    return absolute_url(reverse("measures:entry", args=[evaluation.pk]))


def office_entry_url(evaluation: Evaluation) -> str:
    return absolute_url(reverse("admin:measures_evaluation_change", args=[evaluation.pk]))


def _measure_name(evaluation: Evaluation) -> str:
    measure = evaluation.measure
    return f"{measure.display_code} {measure.title}".strip()


def department_addresses(department: Department) -> list[str]:
    """Where a department's mail goes: its own address, or else its staff members'."""
    if department.email:
        return [department.email]
    members = Membership.objects.filter(
        departments=department, role=Membership.Role.DEPARTMENT_STAFF
    ).exclude(user__email="")
    return sorted({m.user.email for m in members.select_related("user")})


def lead_departments(evaluation: Evaluation) -> list[Department]:
    links = MeasureDepartment.objects.filter(
        measure_id=evaluation.measure_id, role=MeasureDepartment.Role.LEAD
    ).select_related("department")
    return [link.department for link in links]


def office_addresses(plan: Plan) -> list[str]:
    """The plan's reform office: its department's address, the municipality's reform-office
    departments', or else the reform officers' own."""
    if plan.reform_office_id and plan.reform_office.email:
        return [plan.reform_office.email]
    offices = Department.objects.filter(
        municipality_id=plan.municipality_id, is_reform_office=True
    ).exclude(email="")
    addresses = sorted({d.email for d in offices})
    if addresses:
        return addresses
    officers = Membership.objects.filter(
        municipality_id=plan.municipality_id, role=Membership.Role.REFORM_OFFICE
    ).exclude(user__email="")
    return sorted({m.user.email for m in officers.select_related("user")})


def _entry_recipients(evaluation: Evaluation) -> list[str]:
    addresses = {a for d in lead_departments(evaluation) for a in department_addresses(d)}
    if not addresses and evaluation.submitted_by_id and evaluation.submitted_by.email:
        addresses.add(evaluation.submitted_by.email)
    return sorted(addresses)


def _send(subject: str, body: str, recipients: Iterable[str]) -> bool:
    recipients = list(recipients)
    if not recipients:
        return False
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # a mail server's failure must not undo the work it reports
        logger.exception("mail %r to %s could not be sent", subject, recipients)
        return False
    return True


def _after_commit(send) -> None:
    def run():
        with translation.override(settings.LANGUAGE_CODE):
            send()

    transaction.on_commit(run)


def entry_returned(evaluation: Evaluation) -> None:
    """Tell the department its entry came back, with the office's comment."""

    def send():
        year = fiscal_year_display(evaluation.fiscal_year)
        measure = _measure_name(evaluation)
        _send(
            _("【行政改革】差戻し: %(measure)s（%(year)s）") % {"measure": measure, "year": year},
            _(
                "「%(measure)s」の%(year)sの入力が、行政改革担当から差し戻されました。\n\n"
                "審査コメント:\n%(comment)s\n\n"
                "直して、もう一度提出してください。\n%(url)s\n"
            )
            % {
                "measure": measure,
                "year": year,
                "comment": evaluation.review_comment,
                "url": staff_entry_url(evaluation),
            },
            _entry_recipients(evaluation),
        )

    _after_commit(send)


def entry_approved(evaluation: Evaluation) -> None:
    """Tell the department its entry was approved, with the final grade."""

    def send():
        year = fiscal_year_display(evaluation.fiscal_year)
        measure = _measure_name(evaluation)
        grade = evaluation.final_grade.code if evaluation.final_grade else _("なし")
        reason = (
            _("\n算出値と異なる理由: %(reason)s") % {"reason": evaluation.override_reason}
            if evaluation.override_reason
            else ""
        )
        _send(
            _("【行政改革】承認: %(measure)s（%(year)s）") % {"measure": measure, "year": year},
            _(
                "「%(measure)s」の%(year)sの入力が承認されました。\n\n"
                "確定した評価: %(grade)s%(reason)s\n\n%(url)s\n"
            )
            % {
                "measure": measure,
                "year": year,
                "grade": grade,
                "reason": reason,
                "url": staff_entry_url(evaluation),
            },
            _entry_recipients(evaluation),
        )

    _after_commit(send)


def _person(user) -> str:
    if user is None:
        return str(_("行政改革担当"))
    return user.get_full_name() or user.get_username()


def entry_submitted(evaluation: Evaluation) -> None:
    """Tell the reform office an entry waits for its review; an entry the office entered on
    a department's behalf (代理入力) is also told to that department, so that it knows what
    was submitted in its name."""

    def send():
        year = fiscal_year_display(evaluation.fiscal_year)
        measure = _measure_name(evaluation)
        url = office_entry_url(evaluation)
        recipients = office_addresses(evaluation.measure.plan)
        if evaluation.entered_for_id:
            entered_for = Department.objects.get(pk=evaluation.entered_for_id)
            body = _(
                "%(person)sが%(department)sに代わって入力し、「%(measure)s」の%(year)sの入力を"
                "提出しました。審査してください。\n\n%(url)s\n"
            ) % {
                "person": _person(evaluation.entered_by),
                "department": entered_for.name,
                "measure": measure,
                "year": year,
                "url": url,
            }
            recipients = [*recipients, *department_addresses(entered_for)]
        else:
            departments = "、".join(d.name for d in lead_departments(evaluation)) or "—"
            body = _(
                "%(departments)sが「%(measure)s」の%(year)sの入力を提出しました。"
                "審査してください。\n\n%(url)s\n"
            ) % {"departments": departments, "measure": measure, "year": year, "url": url}
        _send(
            _("【行政改革】提出: %(measure)s（%(year)s）") % {"measure": measure, "year": year},
            body,
            list(dict.fromkeys(recipients)),
        )

    _after_commit(send)


def _due_stage(round_: Round, today: datetime.date, days_before: int) -> ReminderStage | None:
    """The latest stage that has come due; earlier ones missed are not sent late."""
    due = [
        stage
        for stage in reminder_stages(days_before)
        if round_.deadline + datetime.timedelta(days=stage.days_after_deadline) <= today
    ]
    return due[-1] if due else None


def outstanding_by_department(round_: Round) -> dict[Department, list[Evaluation]]:
    """Each lead department's entries of the round still to submit."""
    entries = (
        Evaluation.objects.filter(measure__plan_id=round_.plan_id, fiscal_year=round_.fiscal_year)
        .outstanding()
        .select_related("measure")
        .prefetch_related(
            Prefetch(
                "measure__department_links",
                queryset=MeasureDepartment.objects.filter(
                    role=MeasureDepartment.Role.LEAD
                ).select_related("department"),
                to_attr="leads",
            )
        )
        .order_by("measure__order", "measure_id")
    )
    found: dict[Department, list[Evaluation]] = {}
    for entry in entries:
        for link in entry.measure.leads:
            found.setdefault(link.department, []).append(entry)
    return found


def _reminder(round_: Round, department: Department, entries: list[Evaluation], stage, today):
    year = fiscal_year_display(round_.fiscal_year)
    days = (round_.deadline - today).days
    if days > 0:
        when = _("入力期限まであと%(days)d日") % {"days": days}
    elif days == 0:
        when = _("入力期限は今日です")
    else:
        when = _("入力期限を%(days)d日過ぎています") % {"days": -days}
    lines = "\n".join(
        f"・{_measure_name(e)}（{e.get_review_status_display()}）\n  {staff_entry_url(e)}"
        for e in entries
    )
    head_note = (
        _("所属長の方へ: 期限を過ぎても提出されていないため、お知らせしています。\n\n")
        if stage.to_head
        else ""
    )
    subject = _("【行政改革】%(year)sの入力: %(when)s（%(count)d件）") % {
        "year": year,
        "when": when,
        "count": len(entries),
    }
    body = _(
        "%(department)s 御中\n\n%(head_note)s%(plan)sの%(year)sの実績入力が、次の%(count)d件で"
        "まだ提出されていません。期限は%(deadline)sです。\n\n%(lines)s\n"
    ) % {
        "department": department.name,
        "head_note": head_note,
        "plan": round_.plan.name,
        "year": year,
        "count": len(entries),
        "deadline": f"{round_.deadline:%Y年%m月%d日}",
        "lines": lines,
    }
    return subject, body


def send_due_reminders(*, round_: Round, today: datetime.date, days_before: int = 7) -> int:
    """Send the reminder stage that has come due to each department with entries still to
    submit, once per stage; returns how many mails went out."""
    stage = _due_stage(round_, today, days_before)
    if stage is None or not round_.is_open:
        return 0
    already = set(
        ReminderSent.objects.filter(round=round_, stage=stage.stage).values_list(
            "department_id", flat=True
        )
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for department, entries in sorted(
            outstanding_by_department(round_).items(), key=lambda item: item[0].name
        ):
            if department.pk in already:
                continue
            recipients = department_addresses(department)
            if stage.to_head and department.head_email:
                recipients = sorted({*recipients, department.head_email})
            subject, body = _reminder(round_, department, entries, stage, today)
            if not _send(subject, body, recipients):
                continue  # no address, or the server failed: tried again tomorrow
            ReminderSent.objects.create(
                round=round_,
                department=department,
                stage=stage.stage,
                recipients=", ".join(recipients),
                entry_count=len(entries),
            )
            sent += 1
    return sent


def send_reminders_now(*, round_: Round, today: datetime.date) -> int:
    """A reminder sent by hand from the admin to every department with entries still to
    submit, whatever the stage (not recorded as one)."""
    stage = ReminderStage("manual", 0, False)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for department, entries in sorted(
            outstanding_by_department(round_).items(), key=lambda item: item[0].name
        ):
            subject, body = _reminder(round_, department, entries, stage, today)
            if _send(subject, body, department_addresses(department)):
                sent += 1
    return sent
