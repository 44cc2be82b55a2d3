"""Named actors shared by the tests of every app.

A reform officer and two department staff of different departments in one municipality,
an officer of another municipality, a superuser; anonymous citizens need no account.
"""

from django.contrib.auth import get_user_model
from django.test import TestCase

from municipalities.models import Department, Membership, Municipality
from municipalities.services import create_staff_user

PASSWORD = "test-password-2026"


def make_municipality(
    code: str = "282049", name: str = "西宮市", prefecture: str = "兵庫県", slug: str = ""
) -> Municipality:
    return Municipality.objects.create(
        code=code, name=name, prefecture=prefecture, slug=slug or f"city-{code}"
    )


def make_department(municipality: Municipality, name: str, **fields) -> Department:
    return Department.objects.create(municipality=municipality, name=name, **fields)


def make_staff(username: str, municipality: Municipality, departments=(), *, officer=False):
    return create_staff_user(
        username=username,
        password=PASSWORD,
        municipality=municipality,
        role=Membership.Role.REFORM_OFFICE if officer else Membership.Role.DEPARTMENT_STAFF,
        departments=list(departments),
    )


class ActorsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_municipality("282049", "西宮市", "兵庫県", "nishinomiya")
        cls.other_city = make_municipality("352161", "山陽小野田市", "山口県", "sanyo-onoda")
        cls.reform_department = make_department(cls.city, "政策推進課", is_reform_office=True)
        cls.finance = make_department(cls.city, "財政課")
        cls.tax = make_department(cls.city, "税務課")
        cls.other_department = make_department(cls.other_city, "企画課")
        cls.officer = make_staff("officer", cls.city, [cls.reform_department], officer=True)
        cls.finance_staff = make_staff("finance-staff", cls.city, [cls.finance])
        cls.tax_staff = make_staff("tax-staff", cls.city, [cls.tax])
        cls.other_officer = make_staff(
            "other-officer", cls.other_city, [cls.other_department], officer=True
        )
        cls.superuser = get_user_model().objects.create_superuser(
            "root", "root@example.invalid", PASSWORD
        )
