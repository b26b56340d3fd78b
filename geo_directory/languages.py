"""The site's three languages: in which order a text is read when the page's language
lacks it, and how a text shown in another language than the page's is marked.

A record holds its texts per language (`name_ar`, `name_fr`, `name_en`); a page shows
each in its own language when it has it, else in the next one that has it. A name shown
that way is never translated: it is marked with its language and direction, so that a
screen reader reads it with the right voice and the bidirectional algorithm keeps its
punctuation in place (WCAG 2.1, 3.1.2 language of parts). A text whose language nobody
recorded (what staff or the public typed in a single field) is isolated with `<bdi>`:
its direction is then read from its own letters.
"""

from typing import Any

from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# The languages to read a text in, in order, when it is missing in the active one.
LANGUAGE_FALLBACKS = {"ar": ["ar", "fr", "en"], "fr": ["fr", "ar", "en"], "en": ["en", "fr", "ar"]}
DIRECTIONS = {"ar": "rtl", "fr": "ltr", "en": "ltr"}


def page_language() -> str:
    """The active language, one of the site's (Arabic, the default, otherwise)."""
    language = get_language()
    return language if language in LANGUAGE_FALLBACKS else "ar"


def language_order() -> list[str]:
    """The languages to read a text in: the active one, then the next ones that have it."""
    return LANGUAGE_FALLBACKS[page_language()]


class Text(str):
    """A text and the language it is written in; None when that is not known.

    It is the bare text wherever a string is used (an attribute, an address, CSV); a
    template renders it marked with its language when that is not the page's."""

    language: str | None

    def __new__(cls, value: str, language: str | None):
        text = super().__new__(cls, value)
        text.language = language
        return text

    @property
    def value(self) -> str:
        """The bare text, for an attribute of an element."""
        return str(self)

    @property
    def attributes(self) -> SafeString:
        """`lang` and `dir` for an element that holds this text alone: none when the text
        is in the page's language, `dir="auto"` when its language is not known."""
        if not self or self.language == page_language():
            return mark_safe("")
        if self.language is None:
            return mark_safe(' dir="auto"')
        return format_html(' lang="{}" dir="{}"', self.language, DIRECTIONS[self.language])

    @property
    def isolated(self) -> str:
        """For plain text (an e-mail's text part), which cannot say a language: the text
        between Unicode's directional isolates (FSI … PDI) when it is not in the page's
        language, so that it keeps its own direction and punctuation in a line of another."""
        if not self or self.language == page_language():
            return self.value
        return f"\u2068{self.value}\u2069"

    def __html__(self) -> SafeString:
        if not self or self.language == page_language():
            return escape(self.value)
        if self.language is None:
            return format_html("<bdi>{}</bdi>", self.value)
        return format_html("<span{}>{}</span>", self.attributes, self.value)


def in_language(item: dict[str, Any] | object, field: str) -> Text:
    """The item's `<field>_<language>` (an attribute, or a key of a dict) in the active
    language, else in the next language that has it, with the language it is in."""
    for language in language_order():
        key = f"{field}_{language}"
        value = item.get(key) if isinstance(item, dict) else getattr(item, key, "")
        if value:
            return Text(value, language)
    return Text("", page_language())


def localized(item: dict[str, Any] | object, field: str) -> str:
    """The bare text of `in_language`: "" when no language has it."""
    return in_language(item, field).value


def unknown_language(value: str) -> Text:
    """A text typed in a single field, in whichever language its writer chose."""
    return Text(value or "", None)


def record_text(record) -> Text:
    """The record as its `str()` names it ("04 Rabat-Salé-Kénitra"), in the language of
    the name it holds."""
    return Text(str(record), in_language(record, "name").language)


def marked_str(record) -> SafeString:
    """`record_text` as HTML, marked, for the places that show a record by its `str()`."""
    return conditional_escape(record_text(record))
