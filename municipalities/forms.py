"""The sign-in forms of the staff pages and the admin."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class _UsernameLengthMixin:
    """Refuse a user name longer than any account's before it is authenticated.

    Django's sign-in form only sets the field's maxlength attribute, so a longer name reached
    authenticate(), and django-axes then tried to record the failure in a 255-character
    column, which PostgreSQL refuses (a server error). No account has such a name, so it is
    a form error and nothing is recorded.
    """

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if limit is not None and len(username) > limit:
            raise ValidationError(
                _("ユーザー名は%(limit)d文字以内で入力してください。"),
                code="max_length",
                params={"limit": limit},
            )
        return username


class LoginForm(_UsernameLengthMixin, AuthenticationForm):
    pass


class AdminLoginForm(_UsernameLengthMixin, AdminAuthenticationForm):
    pass
