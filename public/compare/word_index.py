"""The titles and goals of every public plan's measures, held in each process for the search
across municipalities.

Asking the database cost the search a scan of every public measure's title and goal for
each request (104,460 of them at national scale, upper-cased and compared with LIKE), then
a count and a sort of all that matched: 12 answers a second. Here the texts are kept in the
page's order (municipality code, plan, measure order), one per measure, and each word asked
for becomes a bitmap of the measures holding it (bit i is the i-th measure), kept for the
next request that asks it. Words combine by AND or, for "any word", into one bitmap per
number of words held; prefecture and population class are bitmaps too. A page of results
is then the set bits at its place in those bitmaps, and the database is asked only for the
fifty measures shown.

The texts are kept per municipality under its content version: when the version of all
municipalities changes, only the municipalities whose own version changed are read again.
"""

import threading
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from django.http import HttpRequest

from measures.models import Measure
from municipalities.models import Municipality
from municipalities.population import SIZE_CLASS_BY_KEY
from public.page_cache import of_all, request_tokens

# The words last asked are kept as bitmaps (13 KB each at national scale).
RECENT_WORDS = 256


@dataclass(frozen=True)
class _Segment:
    """One municipality's measures of public plans, in plan and measure order."""

    version: str
    code: str
    prefecture: str
    population: int | None
    pks: tuple[int, ...]
    texts: tuple[str, ...]  # title and goal, upper-cased, on two lines


class WordIndex:
    def __init__(self, version: str, segments: dict[int, _Segment]):
        self.version = version
        self.segments = segments
        self._ranges: list[tuple[_Segment, int, int]] = []
        pks: list[int] = []
        texts: list[str] = []
        for segment in sorted(segments.values(), key=lambda s: s.code):
            start = len(pks)
            pks.extend(segment.pks)
            texts.extend(segment.texts)
            self._ranges.append((segment, start, len(pks)))
        self.pks = array("q", pks)
        # Last first, so that the i-th text is the bitmap's i-th bit when read as a number.
        self._texts_reversed = texts[::-1]
        self.everything = (1 << len(pks)) - 1
        self._words: OrderedDict[str, int] = OrderedDict()
        self._masks: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.pks)

    @cached_property
    def prefectures(self) -> list[str]:
        """The prefectures of the municipalities with a public plan."""
        return sorted({segment.prefecture for segment in self.segments.values()})

    def holding(self, word: str) -> int:
        """The bitmap of the measures whose title or goal holds word (any letter case)."""
        word = word.upper()
        with self._lock:
            bits = self._words.get(word)
            if bits is not None:
                self._words.move_to_end(word)
                return bits
        digits = "".join(["1" if word in text else "0" for text in self._texts_reversed])
        bits = int(digits, 2) if digits else 0
        with self._lock:
            self._words[word] = bits
            while len(self._words) > RECENT_WORDS:
                self._words.popitem(last=False)
        return bits

    def of_municipalities(self, *, prefecture: str | None, size: str | None) -> int:
        """The bitmap of the measures of municipalities in the prefecture and size class."""
        bits = self.everything
        if prefecture:
            bits &= self._mask("pref", prefecture, lambda s: s.prefecture == prefecture)
        if size:
            size_class = SIZE_CLASS_BY_KEY[size]
            bits &= self._mask("size", size, lambda s: size_class.holds(s.population))
        return bits

    def _mask(self, kind: str, key: str, chosen) -> int:
        with self._lock:
            bits = self._masks.get((kind, key))
        if bits is None:
            digits = "".join(
                ("1" if chosen(segment) else "0") * (end - start)
                for segment, start, end in reversed(self._ranges)
            )
            bits = int(digits, 2) if digits else 0
            with self._lock:
                self._masks[(kind, key)] = bits
        return bits

    def search(self, words: list[str], *, any_word: bool, within: int) -> "Found":
        """The measures within the bitmap `within` whose title or goal holds every word (or,
        any_word, at least one, those holding the most words first), in the page's order."""
        if not words:
            return Found(self, [])
        held = [self.holding(word) & within for word in words]
        if not any_word:
            every = within
            for bits in held:
                every &= bits
            return Found(self, [every])
        # at_least[n]: the measures holding at least n of the words (none hold more).
        at_least = [within] + [0] * (len(held) + 1)
        for bits in held:
            for n in range(len(held), 0, -1):
                at_least[n] |= at_least[n - 1] & bits
        return Found(self, [at_least[n] & ~at_least[n + 1] for n in range(len(held), 0, -1)])


class Found(Sequence):
    """The measures found, in order: the set bits of each group, lowest first, group by
    group. Slicing it reads those measures from the database (with what a result row shows),
    so a paginator asks only for the page shown."""

    def __init__(self, index: WordIndex, groups: list[int]):
        self.index = index
        self.groups = groups
        self._count = sum(bits.bit_count() for bits in groups)

    def __len__(self) -> int:
        return self._count

    def positions(self, start: int, stop: int) -> list[int]:
        found: list[int] = []
        for bits in self.groups:
            count = bits.bit_count()
            if start >= count:
                start -= count
                stop -= count
                continue
            found.extend(set_bits(bits, start, min(stop, count) - start))
            stop -= count
            start = 0
            if stop <= 0:
                break
        return found

    def __getitem__(self, item):
        if not isinstance(item, slice):
            position = item + len(self) if item < 0 else item
            found = self[position : position + 1] if position >= 0 else []
            if not found:
                raise IndexError(item)
            return found[0]
        start, stop, step = item.indices(len(self))
        if step != 1:
            raise ValueError("Found is sliced in order only")
        pks = [self.index.pks[position] for position in self.positions(start, stop)]
        if not pks:
            return []
        from public.compare.similar import measures_shown

        return measures_shown(pks)


def set_bits(bits: int, skip: int, take: int) -> list[int]:
    """The positions of bits' set bits, lowest first, leaving out the first `skip` and
    giving at most `take`."""
    found: list[int] = []
    if take <= 0:
        return found
    size = (bits.bit_length() + 63) // 64 * 8
    words = memoryview(bits.to_bytes(size, "little")).cast("Q")
    for n, word in enumerate(words):
        if not word:
            continue
        count = word.bit_count()
        if skip >= count:
            skip -= count
            continue
        while word:
            low = word & -word
            if skip:
                skip -= 1
            else:
                found.append(n * 64 + low.bit_length() - 1)
                if len(found) == take:
                    return found
            word ^= low
    return found


_index: WordIndex | None = None
_build_lock = threading.Lock()


def word_index(request: HttpRequest | None = None) -> WordIndex:
    """The index of the current content of every public plan: the one kept, when the version
    of all municipalities is still the one it was built for; else built again from it,
    reading only the municipalities whose version changed. The version is the one the page
    cache looked up for the request, where it did."""
    global _index
    tokens = request_tokens(request) if request is not None else None
    if tokens is None:
        tokens = [token for token, _changed in of_all()]
    version = tokens[0] if tokens else ""
    index = _index
    if index is not None and index.version == version:
        return index
    with _build_lock:
        index = _index
        if index is None or index.version != version:
            index = _index = _rebuilt(version, index.segments if index else {})
    return index


def _rebuilt(version: str, kept: dict[int, _Segment]) -> WordIndex:
    municipalities = (
        Municipality.objects.filter(plans__is_public=True)
        .distinct()
        .values_list("pk", "content_version", "code", "prefecture", "population")
    )
    segments: dict[int, _Segment] = {}
    changed: dict[int, tuple] = {}
    for pk, token, *facts in municipalities:
        segment = kept.get(pk)
        if segment is not None and segment.version == token:
            segments[pk] = segment
        else:
            changed[pk] = (token, *facts)
    if changed:
        segments.update(_read(changed))
    return WordIndex(version, segments)


def _read(municipalities: dict[int, tuple]) -> dict[int, _Segment]:
    """The segments of the municipalities (pk → version, code, prefecture, population), in
    one query."""
    found: dict[int, list[tuple[int, str]]] = {pk: [] for pk in municipalities}
    measures = (
        Measure.objects.filter(plan__is_public=True, plan__municipality_id__in=municipalities)
        .order_by("plan_id", "order", "pk")
        .values_list("plan__municipality_id", "pk", "title", "goal")
    )
    for municipality_id, pk, title, goal in measures.iterator(chunk_size=5000):
        found[municipality_id].append((pk, f"{title}\n{goal}".upper()))
    return {
        pk: _Segment(
            version=version,
            code=code,
            prefecture=prefecture,
            population=population,
            pks=tuple(measure for measure, _text in found[pk]),
            texts=tuple(text for _measure, text in found[pk]),
        )
        for pk, (version, code, prefecture, population) in municipalities.items()
    }


def forget() -> None:
    """Drop the index kept in this process (tests do, with the page cache)."""
    global _index
    with _build_lock:
        _index = None
