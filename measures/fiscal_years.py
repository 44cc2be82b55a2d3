"""Fiscal years (年度) and Japanese era labels.

A fiscal year is named by the Western year in which it starts: FY 2020 runs from 1 April 2020
to 31 March 2021 and is written 令和2年度 or R2. Fiscal years are labelled by the era in force
when they begin, except that FY 2019 (which began on 平成31年4月1日, a month before the era
changed on 1 May 2019) is written 令和元年度, as the cities' documents do; 平成31年度 is still
read as 2019.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    first_day: datetime.date

    @property
    def offset(self) -> int:
        return self.first_day.year - 1


ERAS = (
    Era("令和", "R", datetime.date(2019, 5, 1)),
    Era("平成", "H", datetime.date(1989, 1, 8)),
    Era("昭和", "S", datetime.date(1926, 12, 25)),
)
_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter)}


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year a date belongs to: 31 March belongs to the year before."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year, 4, 1)


def fiscal_year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


def era_of_date(day: datetime.date) -> Era:
    for era in ERAS:
        if day >= era.first_day:
            return era
    raise ValueError(f"{day} is before the eras this product knows")


def _era_of_fiscal_year(fiscal_year: int) -> Era:
    # A fiscal year takes the era in force on its last day of April; this names FY 2019 令和.
    return era_of_date(datetime.date(fiscal_year, 5, 1))


def _era_number(number: int) -> str:
    return "元" if number == 1 else str(number)


def era_date_label(day: datetime.date) -> str:
    """令和元年5月1日, 平成31年4月30日."""
    era = era_of_date(day)
    return f"{era.name}{_era_number(day.year - era.offset)}年{day.month}月{day.day}日"


def fiscal_year_label(fiscal_year: int) -> str:
    """令和2年度."""
    era = _era_of_fiscal_year(fiscal_year)
    return f"{era.name}{_era_number(fiscal_year - era.offset)}年度"


def fiscal_year_short_label(fiscal_year: int) -> str:
    """R2, H29, R1."""
    era = _era_of_fiscal_year(fiscal_year)
    return f"{era.letter}{fiscal_year - era.offset}"


def fiscal_year_display(fiscal_year: int) -> str:
    """令和2年度（2020年度）: the form shown to citizens."""
    return f"{fiscal_year_label(fiscal_year)}（{fiscal_year}年度）"


_ERA_YEAR = re.compile(
    r"^(?P<era>令和|平成|昭和|[RHS])\s*(?P<number>元|\d{1,2})\s*(?:年度?)?"
    r"\s*(?:\(\s*(?P<western>\d{4})\s*\)\s*(?:年度)?)?"
)
_WESTERN_YEAR = re.compile(r"^(?P<western>\d{4})\s*(?:年度?)?")


def parse_fiscal_year(text: str) -> int:
    """Read a fiscal year as documents write it.

    R2, R2年度, 令和2年度, 令和元年度, 令和6(2024)年度, R1(2019), H29(当初), 平成31年度, 2020,
    2020年度. A trailing note such as (当初) or (現状) is ignored. Raises ValueError otherwise,
    or when an era year and a bracketed Western year disagree.
    """
    normalized = unicodedata.normalize("NFKC", text).strip().upper()
    match = _ERA_YEAR.match(normalized)
    if match:
        era = _ERA_BY_KEY[match["era"]]
        number = 1 if match["number"] == "元" else int(match["number"])
        if number < 1:
            raise ValueError(f"{text!r}: an era year starts at 元年")
        year = era.offset + number
        if match["western"] and int(match["western"]) != year:
            raise ValueError(f"{text!r}: {match['era']}{number} is {year}, not {match['western']}")
        return year
    match = _WESTERN_YEAR.match(normalized)
    if match:
        return int(match["western"])
    raise ValueError(f"{text!r} is not a fiscal year")
