"""The plan's hierarchy (sheet 体系)."""

from measures.models import (
    Pillar,
    Plan,
)
from measures.plan_files.importing.base import paths_of


class PillarPart:
    """Reads the plan's hierarchy."""

    def read_pillars(self, plan: Plan, tree: list | None) -> dict[tuple[str, ...], Pillar]:
        existing = {
            (pillar.parent_id, pillar.code or pillar.title): pillar for pillar in plan.pillars.all()
        }
        if tree is None:
            return paths_of(existing.values())
        pillars: dict[tuple[str, ...], Pillar] = {}
        kept = set()
        counter = iter(range(1_000_000))

        def walk(nodes: list, parent: Pillar | None, path: tuple[str, ...]) -> None:
            if len(path) >= 3 and nodes:
                self.problem("体系 " + " > ".join(path), "", "体系は3階層までです。")
                return
            for data in nodes:
                if not isinstance(data, dict):
                    continue
                code = self.text(data, "code")
                title = self.text(data, "title")
                key = (*path, code or title)
                location = self.where(data, "体系 " + " > ".join(key))
                lookup = {"plan": plan, "parent": parent, "code": code}
                values = {"order": next(counter), "title": title, "aim": self.text(data, "aim")}
                if not code:
                    lookup["title"] = values.pop("title")
                existing_key = (parent.pk if parent else None, code or title)
                pillar = self.sync(Pillar, location, lookup, values, existing.get(existing_key))
                if pillar is None:
                    continue
                kept.add(existing_key)
                pillars[key] = pillar
                walk(data.get("children") or [], pillar, key)

        walk(tree, None, ())
        self.pillars_to_delete = {k: v for k, v in existing.items() if k not in kept}
        return pillars
