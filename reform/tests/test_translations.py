"""The English catalogue is complete and its compiled form, committed for checkouts without
gettext, says the same as the source."""

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def entries() -> dict[str, str]:
    """msgid → msgstr of django.po (header and obsolete entries left out)."""
    found = {}
    for block in CATALOGUE.joinpath("django.po").read_text().split("\n\n"):
        if "#, fuzzy" in block:
            continue  # a guess of makemessages: not compiled, so not translated
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        text = "\n".join(lines)
        match = re.search(r'^msgid (".*?)^msgstr (".*)', text, re.MULTILINE | re.DOTALL)
        if not match:
            continue
        msgid, msgstr = (
            "".join(ast.literal_eval(part) for part in group.splitlines())
            for group in match.groups()
        )
        if msgid:
            found[msgid] = msgstr
    return found


def marked_messages() -> set[str]:
    """Messages marked with {% translate "…" %} in templates and _("…") / gettext("…") in the
    apps' code (messages with placeholders in blocktranslate are not collected here)."""
    base = Path(settings.BASE_DIR)
    found = set()
    for template in base.glob("templates/**/*.html"):
        found.update(
            ast.literal_eval(literal)
            for literal in re.findall(r'{% trans(?:late)? ("[^"]*") ', template.read_text())
        )
    for app in ("reform", "municipalities", "measures", "public", "reviews"):
        for module in base.glob(f"{app}/**/*.py"):
            if "tests" in module.parts or "migrations" in module.parts:
                continue
            for node in ast.walk(ast.parse(module.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) in ("_", "gettext", "gettext_lazy")
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.add(node.args[0].value)
    return found


class CatalogueTests(SimpleTestCase):
    def test_the_catalogue_holds_every_marked_message(self):
        missing = sorted(marked_messages() - set(entries()))
        self.assertEqual(missing, [], "run makemessages -l en and translate the new messages")

    def test_every_message_has_an_english_translation(self):
        untranslated = [msgid for msgid, msgstr in entries().items() if not msgstr]
        self.assertEqual(untranslated, [])

    def test_no_entry_is_left_as_a_guess_of_makemessages(self):
        source = CATALOGUE.joinpath("django.po").read_text()
        self.assertNotIn("#, fuzzy", source, "review the fuzzy entries and drop the flag")

    def test_the_compiled_catalogue_matches_its_source(self):
        with CATALOGUE.joinpath("django.mo").open("rb") as compiled:
            translations = gettext.GNUTranslations(compiled)
        stale = [
            msgid for msgid, msgstr in entries().items() if translations.gettext(msgid) != msgstr
        ]
        self.assertEqual(stale, [])


class ErrorPageTests(TestCase):
    def test_a_missing_page_answers_in_the_visitors_language_with_the_site_around_it(self):
        response = self.client.get("/m/nowhere/")
        self.assertContains(response, "ページが見つかりません", status_code=404)
        self.assertContains(response, 'href="/"', status_code=404)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.assertContains(self.client.get("/m/nowhere/"), "Page not found", status_code=404)
