"""The words of a measure's title to look for in other plans.

Japanese titles have no spaces, so the words are the runs of kanji, katakana and Latin
letters or digits; hiragana (particles and endings: の, を, による) separate them. A kanji
run of four or more is cut into two-kanji words (公金収納対策 → 公金 収納 対策), as most
compounds in these titles are made of two-kanji words, so that a measure titled 収納対策の
推進 is found from 公金収納対策の強化. 等, 及 and 並 join words and are left out.
"""

import re

_RUN = re.compile(
    r"[\u4e00-\u9fff々〆ヶ]+|[\u30a1-\u30fa\u30fc]+|[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+"
)
_KANJI = re.compile(r"[\u4e00-\u9fff々〆ヶ]+")
# Single kanji that join words rather than belong to them (公共施設等総合管理計画).
_JOINERS = re.compile(r"[等及並]")
MAX_WORDS = 8


def title_words(title: str) -> list[str]:
    """The title's words of two characters or more, in order, each once (at most 8)."""
    words: list[str] = []
    runs = [part for run in _RUN.findall(title) for part in _JOINERS.split(run)]
    for run in runs:
        if _KANJI.fullmatch(run) and len(run) >= 4:
            pieces = [run[i : i + 2] for i in range(0, len(run) - 1, 2)]
        else:
            pieces = [run]
        for piece in pieces:
            if len(piece) >= 2 and piece not in words:
                words.append(piece)
    return words[:MAX_WORDS]
