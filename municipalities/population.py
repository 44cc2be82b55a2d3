"""Municipalities' population from the census file the project ships, and the size classes
citizens compare cities by.

The file (municipalities/data/population.csv, source and licence in the README beside it)
holds the 2020 census population per 6-digit local government code. The classes follow the
thresholds the Local Autonomy Act and the government's groupings of similar municipalities
(類似団体区分) use: 5万 (the population a 市 is founded with), 10万, 20万 (中核市), 50万
(政令指定都市). A municipality the file does not know is in no class: 不明.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities import content_version
from municipalities.codes import is_valid_code
from municipalities.models import Municipality

POPULATION_FILE = Path(__file__).resolve().parent / "data" / "population.csv"
SOURCE = _("令和2年国勢調査 人口速報集計（総務省統計局、政府統計の総合窓口 e-Stat）")


class PopulationFileError(ValueError):
    pass


@dataclass(frozen=True)
class SizeClass:
    """Municipalities with low <= population < high (None: unbounded)."""

    key: str
    label: str
    low: int | None
    high: int | None

    def q(self, field: str = "population") -> Q:
        if self.low is None and self.high is None:
            return Q(**{f"{field}__isnull": True})
        condition = Q(**{f"{field}__isnull": False})
        if self.low is not None:
            condition &= Q(**{f"{field}__gte": self.low})
        if self.high is not None:
            condition &= Q(**{f"{field}__lt": self.high})
        return condition

    def holds(self, population: int | None) -> bool:
        if self.low is None and self.high is None:
            return population is None  # 不明
        if population is None:
            return False
        return (self.low is None or population >= self.low) and (
            self.high is None or population < self.high
        )


UNKNOWN = SizeClass("unknown", _("不明"), None, None)
SIZE_CLASSES = (
    SizeClass("under-50k", _("5万人未満"), 0, 50_000),
    SizeClass("50k-100k", _("5万〜10万人"), 50_000, 100_000),
    SizeClass("100k-200k", _("10万〜20万人"), 100_000, 200_000),
    SizeClass("200k-500k", _("20万〜50万人"), 200_000, 500_000),
    SizeClass("500k-plus", _("50万人以上"), 500_000, None),
    UNKNOWN,
)
SIZE_CLASS_BY_KEY = {size.key: size for size in SIZE_CLASSES}


def size_class_of(population: int | None) -> SizeClass:
    return next(size for size in SIZE_CLASSES if size.holds(population))


def read_population_file(path: Path = POPULATION_FILE) -> dict[str, int | None]:
    """Population by 6-digit code; None where the census gives no figure. Raises
    PopulationFileError naming the line and the problem."""
    figures: dict[str, int | None] = {}
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames is None or not {"code", "population"} <= set(reader.fieldnames):
            raise PopulationFileError(f"{path.name}: 見出し行に code と population が必要です")
        for line, row in enumerate(reader, start=2):
            code, value = (row.get("code") or "").strip(), (row.get("population") or "").strip()
            if not is_valid_code(code):
                raise PopulationFileError(
                    f"{path.name} {line}行目 code: {code!r} は6桁の正しいコードではありません"
                )
            if value and not value.isdigit():
                raise PopulationFileError(
                    f"{path.name} {line}行目 population: {value!r} は人数ではありません"
                )
            if code in figures:
                raise PopulationFileError(f"{path.name} {line}行目 code: {code} が2回あります")
            figures[code] = int(value) if value else None
    return figures


@transaction.atomic
def apply_population(*, figures: dict[str, int | None] | None = None) -> int:
    """Set every municipality's population from the file (a code it does not know: none).
    Returns how many municipalities changed; their content versions change with them, so
    no cached page keeps the old figure."""
    if figures is None:
        figures = read_population_file()
    changed = []
    for municipality in Municipality.objects.only("pk", "code", "population"):
        population = figures.get(municipality.code)
        if municipality.population != population:
            municipality.population = population
            changed.append(municipality)
    Municipality.objects.bulk_update(changed, ["population"], batch_size=500)
    content_version.changed(m.pk for m in changed)
    return len(changed)
