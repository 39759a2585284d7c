"""How names, dates of birth, postcodes and references are read from what people type into
the search box, and how names are folded so that spelling, accents, hyphens, apostrophes and
case do not hide a child.

Names are folded in Python when a record is saved (see `name_keys`), not by PostgreSQL's
`unaccent` at query time: `unaccent` is not immutable, so it cannot back an index, and the
same folding then works on SQLite too."""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone

_APOSTROPHES = "'’‘`´"
_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


_DROP_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
_APOSTROPHES_TO_SPACES = str.maketrans(dict.fromkeys(_APOSTROPHES, " "))
_LETTERS_OR_DIGITS = re.compile(r"[a-z0-9]+")
_NOT_LETTERS = re.compile(r"[^a-z]")


def fold(text: str) -> str:
    """Lower case, accents removed, apostrophes dropped, anything else that is not a letter or
    a digit a space: `Zoë O’Brien-Smith` → `zoe obrien smith`. (Plain ASCII, most names, has
    nothing to decompose: it skips the Unicode normalisation, which is most of the time a
    migration filling a million cases' keys spends.)"""
    text = text or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_LETTERS_OR_DIGITS.findall(text.lower().translate(_DROP_APOSTROPHES)))


def soundex(word: str) -> str:
    """American Soundex: `Smith` and `Smyth` are S530, `Jon` and `John` J500."""
    return _soundex_of_folded(fold(word))


@functools.lru_cache(maxsize=8192)
def _soundex_of_folded(word: str) -> str:
    word = _NOT_LETTERS.sub("", word)
    if not word:
        return ""
    first, codes, previous = word[0], [], _SOUNDEX_CODES.get(word[0], "")
    for letter in word[1:]:
        code = _SOUNDEX_CODES.get(letter, "")
        if code and code != previous:
            codes.append(code)
        if letter not in "hw":  # h and w do not separate letters with the same code
            previous = code
    return (first.upper() + "".join(codes) + "000")[:4]


def name_words(*names: str) -> list[str]:
    """The words of the names, folded; `O’Brien` gives both `obrien` and `o brien`'s `brien`."""
    words = []
    for name in names:
        for word in _words_of(name or ""):
            if word not in words:
                words.append(word)
    return words


@functools.lru_cache(maxsize=8192)
def _words_of(name: str) -> tuple[str, ...]:
    # Names repeat (a million cases hold a few thousand first names): kept, they are folded
    # once, not once a case.
    spaced = name.translate(_APOSTROPHES_TO_SPACES)
    variants = (name, spaced) if spaced != name else (name,)
    return tuple(word for variant in variants for word in fold(variant).split())


def name_keys(*names: str) -> tuple[str, str]:
    """What a record stores to be found by name: its folded words and their Soundex codes,
    each space-delimited with a space at both ends so a word can be matched whole or by its
    start (`' smi'`)."""
    words = name_words(*names)
    sounds = []
    for word in words:
        code = _soundex_of_folded(word)  # a folded word folds to itself
        if code and code not in sounds:
            sounds.append(code)
    return f" {' '.join(words)} ", f" {' '.join(sounds)} "


def postcode_key(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode or "").upper()


# --- Reading a search ------------------------------------------------------------------------

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_MONTH_WORDS = "|".join(sorted(_MONTHS, key=len, reverse=True))

_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDED_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_WORDS})\.?,?\s+(\d{{2}}|\d{{4}})\b", re.I
)
# A whole UK postcode, or its district and sector (`ME14 1`), or its district alone (`ME14`).
_FULL_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.I)
_POSTCODE_SECTOR = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s+(\d)(?![A-Z\d])", re.I)
_WORD = re.compile(r"[^\W_]+(?:['’‘`´\-][^\W_]+)*")

MAX_TERMS = 8


@dataclass
class SearchTerms:
    """What a search asks for. Names must all match (in any order); a date of birth, a
    postcode and a reference (a Thrive ID, whole or part, or a postcode district) narrow it."""

    names: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def __bool__(self):
        return bool(self.names or self.dates or self.postcodes or self.references)

    @property
    def kinds(self) -> list[str]:
        """The kinds of term used, for the audit trail (never the terms themselves)."""
        return [
            label
            for label, terms in (
                ("name", self.names),
                ("date of birth", self.dates),
                ("postcode", self.postcodes),
                ("reference", self.references),
            )
            if terms
        ]


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # a two-digit year is in the last hundred years, never the future
        this_year = timezone.localdate().year
        year += 2000 if 2000 + year <= this_year else 1900
    return year


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse(text: str) -> SearchTerms:
    """Split what was typed into names, dates of birth (`01/03/2015`, `1.3.15`, `1 March 2015`,
    `2015-03-01`), postcodes (`ME14 1XQ`, `me141xq`, `ME14 1`) and references (`KT000021`,
    `21`, `ME14`)."""
    terms = SearchTerms()
    rest = text or ""

    def take(pattern, convert):
        nonlocal rest
        for match in pattern.finditer(rest):
            value = convert(match)
            if value is not None and value not in getattr(terms, convert.__name__):
                getattr(terms, convert.__name__).append(value)
        rest = pattern.sub(" ", rest)

    def dates(match):
        day, month, year = match.groups()
        return _date(_year(year), int(month), int(day))

    def iso(match):
        year, month, day = match.groups()
        return _date(int(year), int(month), int(day))

    def worded(match):
        day, month, year = match.groups()
        return _date(_year(year), _MONTHS[month.lower().rstrip(".")], int(day))

    iso.__name__ = worded.__name__ = "dates"

    def postcodes(match):
        return postcode_key("".join(match.groups()))

    take(_ISO_DATE, iso)
    take(_NUMERIC_DATE, dates)
    take(_WORDED_DATE, worded)
    take(_FULL_POSTCODE, postcodes)
    take(_POSTCODE_SECTOR, postcodes)

    words = _WORD.findall(rest)
    prefix = settings.THRIVE_ID_PREFIX.lower()
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word.lower() == prefix and following.isdigit():
            words[index + 1] = word + following  # `kt 21` is the Thrive ID KT000021
            continue
        if any(ch.isdigit() for ch in word):
            reference = fold(word).upper().replace(" ", "")
            if reference and reference not in terms.references:
                terms.references.append(reference)
            continue
        # A typed apostrophe is dropped (`O'Brien` → `obrien`); stored names keep both forms.
        for name in fold(word).split():
            if len(name) > 1 and name not in terms.names:
                terms.names.append(name)
    terms.names = terms.names[:MAX_TERMS]
    terms.references = terms.references[:MAX_TERMS]
    return terms
