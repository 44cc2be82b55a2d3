"""Select boxes written in Python, with the same HTML as Django's widget templates.

A <select> rendered through Django's templates includes a template per option; the search
form's eight fields cost about 5 ms a page that way, most of the page's rendering. These
widgets take Django's own context for the box (the options, which are selected, the
attributes) and write it out directly; a test compares their HTML with the templates'.
"""

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django_filters.widgets import BooleanWidget


def _text(value) -> str:
    return conditional_escape(value if isinstance(value, str) else localize(value))


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelectMixin:
    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{_text(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickBooleanSelect(QuickSelectMixin, BooleanWidget):
    pass
