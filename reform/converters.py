"""Path converters shared by the URL configurations; importing this module registers them
(`<id:pk>`), so a URL configuration that uses one imports it first."""

from django.urls import register_converter


class IdConverter:
    """A row id: digits that fit the 64-bit id columns.

    Django's `int` converter takes any number of digits; a larger number is no row's id,
    and some databases' drivers refuse to send it (SQLite raises OverflowError), so it is
    answered 404 here instead of reaching a query.
    """

    regex = "[0-9]{1,19}"
    largest = 2**63 - 1

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > self.largest:
            # ValueError makes the pattern not match, which the resolver answers with 404.
            raise ValueError(f"{value} is larger than any id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
