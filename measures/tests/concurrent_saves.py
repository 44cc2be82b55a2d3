"""Two department staff save the same entry at the same moment, through the whole request
stack, on the database the environment names; prints what each of them was answered.

Run as a program by test_concurrent_saves.py, so that it can use a file-based SQLite database
as the demo does (the test suite's in-memory database locks differently). Both requests are
held inside their save until the other has read the entry too (or a short wait has passed,
where the database makes the second one wait for the first), which is the moment a real
collision happens.
"""

import contextlib
import datetime
import json
import os
import sys
import threading
from unittest import mock


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from measures.models import Evaluation
    from measures.plan_files.importing import import_plan_document
    from measures.round import services
    from measures.tests.documents import small_document
    from municipalities.models import Membership
    from municipalities.services import create_staff_user

    setup_test_environment()
    call_command("migrate", verbosity=0)
    plan = import_plan_document(small_document(), publish=True).plan
    city = plan.municipality
    officer = create_staff_user(
        username="office",
        password="concurrent-saves-2026",
        municipality=city,
        role=Membership.Role.REFORM_OFFICE,
        departments=[city.departments.get(name="企画課")],
    )
    services.open_round(
        plan=plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=officer
    )
    users = [
        create_staff_user(
            username=f"staff-{number}",
            password="concurrent-saves-2026",
            municipality=city,
            role=Membership.Role.DEPARTMENT_STAFF,
            departments=[city.departments.get(name="税務課")],
        )
        for number in (1, 2)
    ]
    evaluation = Evaluation.objects.get(measure__plan=plan, measure__code="1", fiscal_year=2021)
    url = reverse("measures:entry", args=[evaluation.pk])
    clients = {}
    for user in users:
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    connection.close()

    both_read = threading.Barrier(2)
    original_round_for = services.round_for

    def round_for_after_both_read(entry):
        # A broken barrier means the database made the other request wait for this one.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait(timeout=2)
        return original_round_for(entry)

    answers: dict[str, dict] = {}

    def save(username: str) -> None:
        response = clients[username].post(
            url, {"version": evaluation.version, "do_text": f"{username}の入力", "check_text": ""}
        )
        page = response.content.decode()
        answers[username] = {
            "status": response.status_code,
            "conflict_shown": "ほかの人が先に保存しています" in page,
            "own_text_kept": f"{username}の入力" in page,
        }
        connection.close()

    with mock.patch.object(services, "round_for", round_for_after_both_read):
        threads = [threading.Thread(target=save, args=(name,)) for name in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    saved = Evaluation.objects.get(pk=evaluation.pk).do_text
    json.dump({"answers": answers, "saved": saved}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
