from django import template

from municipalities.history_display import history_type_label

register = template.Library()


@register.filter
def history_type(record) -> str:
    """追加 / 変更 / 削除 of a recorded version."""
    return history_type_label(record.history_type)
