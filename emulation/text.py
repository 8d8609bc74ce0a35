"""Vietnamese text helpers: one normaliser, one accent folder, one slug, one date format.

Text arrives in NFC and NFD forms (pasted from Word, typed on macOS, read from Excel); everything
the portal stores and prints is NFC. Searching folds accents so "so y te" finds "Sở Y tế".
"""

import datetime
import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify

NBSP = "\u00a0"

_SPACES = re.compile(r"\s+")
# Characters NFD does not decompose into a base letter plus marks.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})

# Vietnamese alphabetical order (foreign letters in their Latin places), then the five tone
# marks in the order dictionaries use.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_BASE_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_MAX_RANK = 999_999
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def nfc(value):
    """Return `value` in NFC with surrounding whitespace removed; other types pass through."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def collapse_spaces(value: str) -> str:
    """NFC, trimmed, and inner runs of whitespace reduced to one space (names, titles)."""
    return _SPACES.sub(" ", nfc(value or ""))


def fold(value: str) -> str:
    """Lower-case ASCII skeleton of `value` used for accent-insensitive search."""
    decomposed = unicodedata.normalize("NFD", (value or "").translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def vn_slugify(value: str) -> str:
    """A URL/file-name slug that keeps "Đ" as "d" (Django's slugify drops it)."""
    return slugify(fold(value))


@functools.lru_cache(maxsize=2048)
def _letter_key(char: str) -> tuple[int, int]:
    decomposed = unicodedata.normalize("NFD", char.lower())
    base, marks = decomposed[0], decomposed[1:]
    tone = 0
    letter = base
    for mark in marks:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark == "\u0306":
            letter = "ă"
        elif mark == "\u0302":
            letter = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
        elif mark == "\u031b":
            letter = {"o": "ơ", "u": "ư"}.get(base, base)
    if letter in _BASE_RANK:
        return (_BASE_RANK[letter] + 1000, tone)
    # collation_key stores ranks in six digits; characters beyond U+F423F (private use, rare
    # ideographs) share the last rank so the stored key and this key order names alike.
    return (min(ord(letter), _MAX_RANK), tone)


def vn_sort_key(value: str) -> tuple:
    """Sort key in Vietnamese dictionary order: letters first (a < ă < â < b … đ …), tones second.

    Used where rows are sorted in Python (SQLite, exports); PostgreSQL sorts with the ICU
    Vietnamese collation instead.
    """
    # A plain str, so a lazy translation is remembered under the language it was read in.
    return _sort_key(str(value or ""))


@functools.lru_cache(maxsize=8192)
def _sort_key(text: str) -> tuple:
    """Remembered: a worker sorts the same agency names on every page (a 200-member bloc's
    names took 12 ms a request)."""
    letters = [_letter_key(ch) for ch in nfc(text)]
    return (tuple(key for key, _ in letters), tuple(tone for _, tone in letters))


def document_date(value: datetime.date) -> str:
    """Decree 30 date: "ngày 05 tháng 02 năm 2024" (zero for days < 10 and months 1–2)."""
    if not value:
        # Spaces collapse in print: dots leave room to write the date by hand.
        return "ngày …… tháng …… năm ……"
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def document_number(sequence: int) -> str:
    """Decree 30 number part: 1 → "01", 12 → "12"."""
    return f"{sequence:02d}"


def format_percent(value) -> str:
    """The one percentage format of every page and document: two decimals, a decimal comma and a
    no-break space before the sign (Decimal("57.142") → "57,14 %", 50 → "50,00 %")."""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount:f}".replace(".", ",") + NBSP + "%"


def upper_vn(value: str) -> str:
    """Upper-case that stays NFC (document headers are printed in capitals)."""
    return unicodedata.normalize("NFC", (value or "").upper())


def collation_key(value: str) -> str:
    """`vn_sort_key` flattened to a string, stored in a column so the database sorts names in
    Vietnamese order on SQLite and PostgreSQL alike (and pagination stays in SQL)."""
    letters, tones = vn_sort_key(value)
    codes = []
    for rank, _tone in zip(letters, tones, strict=True):
        codes.append(f"{rank:06d}")
    # "!" sorts below every digit, so a name sorts before its own extensions ("Sở Y" < "Sở Y tế").
    return "".join(codes) + "!" + "".join(str(tone) for tone in tones)


_PUNCTUATION = ",.;:!?()“”\"'/"


@functools.lru_cache(maxsize=4096)
def keep_words(value: str) -> str:
    """Join the syllables of each Vietnamese word with no-break spaces, and a hyphenated pair of
    words ("Văn hóa - Xã hội") into one unit, so a line breaks between words, never inside one
    ("KHỐI THI ĐUA / VĂN HÓA - XÃ HỘI", not "… VĂN HÓA - / XÃ HỘI" or "SỰ / NGHIỆP").

    Words come from pyvi's segmenter, run on the lower-cased text and mapped back onto the
    original syllables; when the two do not line up the text is returned unchanged.
    """
    text = collapse_spaces(nfc(value or ""))
    if not text:
        return text
    # Loading the segmenter's model takes about a second: only print templates need it.
    from pyvi import ViTokenizer

    syllables = text.split(" ")
    words = [
        token.split("_")
        for token in ViTokenizer.tokenize(text.lower()).split(" ")
        if token.strip(_PUNCTUATION + "-")
    ]
    glue = [False] * len(syllables)  # glue[i]: no break between syllable i and i + 1
    position = 0
    for word in words:
        while position < len(syllables) and not syllables[position].strip(_PUNCTUATION + "-"):
            position += 1
        end = position + len(word)
        found = [s.strip(_PUNCTUATION).lower() for s in syllables[position:end]]
        if found != [w.strip(_PUNCTUATION) for w in word]:
            return text
        for index in range(position, end - 1):
            # A comma inside a segmented "word" still marks a phrase boundary.
            glue[index] = not syllables[index].endswith(tuple(_PUNCTUATION))
        position = end
    for index, syllable in enumerate(syllables):
        if syllable == "-" and 0 < index < len(syllables) - 1:
            glue[index - 1] = glue[index] = True
    return "".join(
        syllable + (NBSP if glue[index] else " ") for index, syllable in enumerate(syllables)
    ).rstrip(" ")
