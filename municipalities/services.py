"""Writes that set up municipalities and their staff accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from municipalities.models import Department, Membership, Municipality

REFORM_OFFICE_GROUP = "行政改革担当"

# What a reform officer may do in the admin: run the plans of their own municipality. The
# admin's scoping keeps them inside it; superusers manage municipalities and accounts.
_REFORM_OFFICE_PERMISSIONS = {
    "municipalities": {"department": ("view", "add", "change"), "municipality": ("view",)},
    "measures": {
        model: ("view", "add", "change", "delete")
        for model in (
            "plan",
            "plansection",
            "grade",
            "implementationstatus",
            "pillar",
            "measure",
            "measuredepartment",
            "step",
            "stepyear",
            "yearlytarget",
            "indicator",
            "indicatorvalue",
            "evaluation",
            "effectamount",
            "periodresult",
            "plangoal",
            "plangoalresult",
            "reportlayout",
            "reportcolumn",
        )
    }
    | {
        "sustainabledevelopmentgoal": ("view",),
        "cocreationactor": ("view", "add"),
        "round": ("view", "add", "change"),
        "report": ("view", "add"),
    },
    "reviews": {
        model: ("view", "add", "change", "delete")
        for model in (
            "reviewbody",
            "reviewmember",
            "viewpoint",
            "reviewgrade",
            "selfcheckquestion",
            "reviewunit",
            "reviewround",
            "selfevaluation",
            "selfgrade",
            "selfcheckanswer",
            "opinion",
            "opinionprogress",
        )
    }
    | {"conclusion": ("view",), "membersheet": ("view",), "membergrade": ("view",)},
}


def reform_office_group() -> Group:
    """The group holding a reform officer's admin permissions, brought up to date."""
    group, _ = Group.objects.get_or_create(name=REFORM_OFFICE_GROUP)
    wanted = []
    for app_label, models in _REFORM_OFFICE_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
    group.permissions.set(wanted)
    return group


@transaction.atomic
def create_staff_user(
    *,
    username: str,
    password: str = "",
    password_hash: str = "",
    municipality: Municipality,
    role: str,
    departments: list[Department] | None = None,
    display_name: str = "",
):
    """Create or reset a staff account with its membership.

    Reform-office members get admin access (is_staff) through the reform office group;
    department staff work in the staff pages only. `password_hash` (from make_password)
    may stand for `password`, so that many accounts with one password are hashed once.
    """
    departments = departments or []
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username)
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    user.last_name = display_name
    user.is_staff = role == Membership.Role.REFORM_OFFICE
    user.is_superuser = False
    user.save()
    membership, _ = Membership.objects.update_or_create(
        user=user, defaults={"municipality": municipality, "role": role}
    )
    membership.check_departments(departments)
    membership.full_clean()
    membership.departments.set(departments)
    if role == Membership.Role.REFORM_OFFICE:
        user.groups.add(reform_office_group())
    else:
        user.groups.clear()
    return user
