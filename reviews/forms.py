"""Forms of the committee pages: a member's sheet, the chair's grades, a self-evaluation."""

from django import forms
from django.utils.translation import gettext_lazy as _


def _grade_choices(scheme) -> list[tuple[str, str]]:
    return [("", _("未評価"))] + [(str(g.pk), f"{g.code} {g.label}") for g in scheme]


class _VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def _grade(self, name: str):
        value = self.cleaned_data.get(name) or ""
        return self.scheme_by_pk.get(int(value)) if value else None


class MemberSheetForm(_VersionedForm):
    """Per viewpoint, a grade of the body's scheme and a comment."""

    def __init__(self, *args, viewpoints, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewpoints = list(viewpoints)
        self.scheme_by_pk = {g.pk: g for g in scheme}
        for viewpoint in self.viewpoints:
            self.fields[f"grade_{viewpoint.pk}"] = forms.ChoiceField(
                label=_("評価"),
                choices=_grade_choices(scheme),
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{viewpoint.pk}"] = forms.CharField(
                label=_("意見・コメント"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        return [(v, self[f"grade_{v.pk}"], self[f"comment_{v.pk}"]) for v in self.viewpoints]

    def entries(self) -> dict:
        return {
            v.pk: (self._grade(f"grade_{v.pk}"), self.cleaned_data.get(f"comment_{v.pk}", ""))
            for v in self.viewpoints
        }


class ChairGradesForm(_VersionedForm):
    """The chair's grade per viewpoint, for a body whose chair decides."""

    version = None

    def __init__(self, *args, viewpoints, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewpoints = list(viewpoints)
        self.scheme_by_pk = {g.pk: g for g in scheme}
        for viewpoint in self.viewpoints:
            self.fields[f"grade_{viewpoint.pk}"] = forms.ChoiceField(
                label=str(viewpoint),
                choices=_grade_choices(scheme),
                required=False,
            )

    def grades(self) -> dict:
        return {v.pk: self._grade(f"grade_{v.pk}") for v in self.viewpoints}


class SelfEvaluationForm(_VersionedForm):
    """The department's own grade per viewpoint and its answers to the self-check."""

    def __init__(self, *args, viewpoints, scheme, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewpoints = list(viewpoints)
        self.questions = list(questions)
        self.scheme_by_pk = {g.pk: g for g in scheme}
        for viewpoint in self.viewpoints:
            self.fields[f"grade_{viewpoint.pk}"] = forms.ChoiceField(
                label=str(viewpoint), choices=_grade_choices(scheme), required=False
            )
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def grade_fields(self):
        return [self[f"grade_{v.pk}"] for v in self.viewpoints]

    def answer_fields(self):
        return [self[f"answer_{q.pk}"] for q in self.questions]

    def grades(self) -> dict:
        return {v.pk: self._grade(f"grade_{v.pk}") for v in self.viewpoints}

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"answer_{q.pk}", "") for q in self.questions}
