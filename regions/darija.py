"""Arabic-script readings of a place name typed in Darija with Latin letters.

Families write Moroccan place names as they say them ("tanja", "l3ayoun", "dar lbida",
"mrrakch"), in the Latin letters of a phone keyboard: French spellings mixed with Arabizi
digits (3 for ع, 7 for ح, 9 for ق). None of these spellings is the French name that the
gazetteer holds, but each is a spelling of the Arabic name: `arabic_readings` turns it
back into Arabic script, so that the place search can match it against the Arabic names
(after the database's `search_normalize`, which folds taa marbuta, hamza forms, alef
maqsura).

A reading is built letter by letter from LETTERS, a table of Latin spellings and the
Arabic letters each may stand for, and word by word from WORDS, the few words of place
names whose Arabic spelling their sound does not tell. A Latin letter often stands for
more than one Arabic letter (t for ت or ط, s for س or ص, a for a long ا or for a short
vowel Arabic does not write): each other reading costs its weight, and the cheapest
readings over the whole text come first.

On the 81 spellings of tests/regions/darija_places.csv, one of these readings finds the
commune first for 76 (benchmarks/darija_readings.py); the one reading of darija-tools
0.2.1's `to_arabic`, which writes every vowel, does for 27. A reading of a word that is
not a place is as eager: "aide" reads ايد, the start of إيدا أوعزة, so a search that
tries readings ranks what they find after what the text itself matched.
"""

# ruff: noqa: RUF001, RUF002, RUF003 (Arabic letters alone, such as ا and ه, are meant)

import heapq
import re
import unicodedata

# How many readings a text gets: each is one more search.
MAX_READINGS = 4

_VOWEL = "aeiouâ"
# A consonant of the typed text, digraphs and Arabizi digits included; y is left out, as
# in "tayma" it is the second half of a long vowel.
_CONSONANT = r"(?:kh|gh|ch|sh|dh|th|[bcdfghjklmnpqrstvwxz235679])"
_START = r"(?<![a-z0-9â])"
_END = r"(?![a-z0-9â])"

# Latin spellings, tried in this order at each place of a word: the first pattern that
# matches there is taken, so longer and narrower spellings come before the letters they
# begin with. Each gives its Arabic readings with their weights, the likeliest (weight 0)
# first; a reading of "" writes nothing (a short vowel, the first of a doubled letter).
# Patterns are regular expressions; lookarounds give the context without consuming it.
LETTERS: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = (
    # The definite article. Darija says it l- before most letters ("lqnitra", "ljadida")
    # and doubles a sun letter instead ("ddakhla", "sswira", "errachidia"): the double
    # letter is then written ال and the letter once. A few official names write a bare
    # ل (لهراويين, لقليعة), hence the second reading.
    (_START + r"e?(ch|sh|[tdrzsnl])(?=\1)", (("ال", 0),)),
    (_START + r"l(?=3|â|aa|a3)", (("ال", 0),)),
    (_START + r"[ea]?l(?=" + _CONSONANT + ")", (("ال", 0), ("ل", 1.2))),
    # Arabizi digits, from the shape of the Arabic letter.
    ("3a", (("ع", 0), ("عا", 1))),
    ("a3", (("ع", 0), ("اع", 1))),
    ("3", (("ع", 0),)),
    ("7", (("ح", 0),)),
    ("9", (("ق", 0),)),
    ("5", (("خ", 0),)),
    ("6", (("ط", 0),)),
    ("8", (("ه", 0), ("غ", 1))),
    (_START + "2", (("ا", 0),)),
    ("2", (("ء", 0), ("ا", 1))),
    # French spellings write ع as â or a doubled a: Laâyoune, Kelâat, Sebaa.
    ("âa|aâ|â|aa", (("ع", 0), ("ا", 1.2))),
    # Consonants written with two Latin letters.
    ("kh", (("خ", 0),)),
    ("gh", (("غ", 0),)),
    ("tch", (("تش", 0),)),
    ("ch|sh", (("ش", 0),)),
    ("dj", (("ج", 0),)),
    # Official Moroccan names have ض where French writes dh, almost never ذ.
    ("dh", (("ض", 0), ("ذ", 1))),
    ("th", (("ت", 0), ("ث", 1))),
    ("ph", (("ف", 0),)),
    ("ck", (("ك", 0),)),
    ("qu(?=[aeiou])", (("ق", 0),)),
    # French writes gu before e and i for a hard g; official names write g as ك.
    ("gu(?=[ei])", (("ك", 0), ("ج", 1.2))),
    ("c(?=[eiy])", (("س", 0),)),
    # A doubled consonant is one Arabic letter with a shadda, which is not written.
    (r"([bcdfghjklmnpqrstvwxz])(?=\1)", (("", 0),)),
    # Vowels. Long vowels are written (ا و ي), short ones are not. A word's first vowel
    # is carried by an alef (أ إ, which the search folds into ا).
    (_START + "ou", (("و", 0), ("او", 1))),
    (_START + "[aâ]", (("ا", 0),)),
    (_START + "[ie]", (("ا", 0), ("اي", 1))),
    (_START + "[ou]", (("او", 0), ("ا", 1))),
    # A final a is mostly the feminine ending, taa marbuta ("tanja" طنجة); in some names
    # a long ا ("sla" سلا).
    ("a" + _END, (("ة", 0), ("ا", 1.1))),
    # An a before two consonants and a vowel is short ("tanja", "wazzan"); elsewhere it is
    # mostly long ("fas" فاس, "tetwan" تطوان).
    ("a(?=" + _CONSONANT + "{2,}[" + _VOWEL + "])", (("", 0), ("ا", 1))),
    ("a", (("ا", 0), ("", 1))),
    ("ou|oo", (("و", 0), ("", 1.5))),
    ("ei|ey|ai|ay", (("ي", 0), ("اي", 1))),
    ("i|y", (("ي", 0), ("", 1.5))),
    # e is the reduced vowel Darija drops ("tetwan" تطوان, "bni"/"beni").
    ("e", (("", 0), ("ي", 1.5))),
    ("o|u", (("و", 0), ("", 1.5))),
    # Single consonants. Where one Latin letter stands for a plain and an emphatic Arabic
    # consonant, the plain one is more frequent in names.
    ("b|p", (("ب", 0),)),
    ("d", (("د", 0), ("ض", 1.2))),
    ("f|v", (("ف", 0),)),
    ("g", (("ك", 0), ("ج", 1.2))),
    ("h", (("ح", 0), ("ه", 1.3))),
    ("j", (("ج", 0),)),
    ("k|c", (("ك", 0), ("ق", 1))),
    ("l", (("ل", 0),)),
    ("m", (("م", 0),)),
    ("n", (("ن", 0),)),
    ("q", (("ق", 0),)),
    ("r", (("ر", 0),)),
    ("s", (("س", 0), ("ص", 1))),
    ("t", (("ت", 0), ("ط", 0.9))),
    ("w", (("و", 0),)),
    ("x", (("كس", 0),)),
    ("z", (("ز", 0),)),
)

# Words of place names whose Arabic spelling their sound does not tell: a hamza, an ع or
# an emphatic letter that Darija and French spellings do not show. They are read as a
# whole, with or without the article before them.
WORDS: dict[str, str] = {
    # The white (Casablanca's الدار البيضاء): ض and a final hamza.
    **dict.fromkeys(("bida", "bayda", "baida", "beida", "bidaa"), "بيضاء"),
    # A title, never with the article.
    **dict.fromkeys(("sidi", "si"), "سيدي"),
    **dict.fromkeys(("oulad", "ouled", "wlad", "ulad"), "أولاد"),
    **dict.fromkeys(("ain", "aïn", "3in", "3ayn", "ayn"), "عين"),
    **dict.fromkeys(("oued", "wad", "ouad", "wed"), "واد"),
    **dict.fromkeys(("moulay", "mulay", "moulai", "mulai"), "مولاي"),
    **dict.fromkeys(("souk", "souq", "sou9", "suq", "sok"), "سوق"),
    **dict.fromkeys(("had", "7ad"), "حد"),
    **dict.fromkeys(("tleta", "tlata", "tlat"), "ثلاثاء"),
    **dict.fromkeys(("arbaa", "arba3", "arb3a", "larbaa", "larb3a"), "أربعاء"),
    **dict.fromkeys(("jemaa", "jmaa", "jem3a", "jma3a", "jemaâ"), "جمعة"),
    **dict.fromkeys(("ksar", "qsar", "9sar", "kser", "qser", "9ser"), "قصر"),
    **dict.fromkeys(("kasba", "qasba", "9asba", "qasbat", "kasbat"), "قصبة"),
    **dict.fromkeys(("lalla", "lala"), "لالة"),
}

# Official names often carry an article that a Darija spelling leaves out where it is
# heard only as a doubled sun letter ("rbat" for الرباط, "7ad soualem" for حد السوالم): a
# word that starts with one of these letters may still have it. An initial t is left out:
# it is mostly the Berber feminine of names like Tiznit and Tinghir, never an article.
UNWRITTEN_ARTICLE = (r"[drzsn]|ch|sh", "ال", 1.0)

_RULES = tuple((re.compile(pattern), readings) for pattern, readings in LETTERS)
# Accents that only mark a vowel's quality in French spellings (â, which marks ع, stays).
_PLAIN_VOWELS = str.maketrans("éèêëàäôöûüùîï", "eeeeaaoouuuii")
_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
_WORD = re.compile(r"[a-z0-9â]+")
# The article written apart: "el jadida", "dar el beida", "al hoceima", "es semara".
_SEPARATE_ARTICLE = re.compile(
    _START + r"(?:(?:el|al|l)[\s-]+(?=[a-z0-9â])|e(ch|sh|[tdrzsn])[\s-]+(?=\1))"
)

Reading = tuple[float, str]


def arabic_readings(text: str) -> list[str]:
    """The Arabic-script readings of a Latin-letter text, likeliest first, at most
    MAX_READINGS of them; none when the text has no Latin letter. Words are read apart
    and joined by spaces; the readings are not normalised (they may hold ة, أ or ء)."""
    text = unicodedata.normalize("NFC", text.lower()).translate(_PLAIN_VOWELS)
    text = _APOSTROPHES.sub("", text)
    text = _SEPARATE_ARTICLE.sub(lambda m: "l" if m.group(1) is None else "e" + m.group(1), text)
    # A number alone ("2 mars") is not a word of a name: only words with a letter are read.
    words = [word for word in _WORD.findall(text) if re.search("[a-zâ]", word)]
    if not words:
        return []
    readings = _cheapest([_word_readings(word) for word in words], lambda parts: " ".join(parts))
    return [reading for _, reading in readings]


def _word_readings(word: str) -> list[Reading]:
    for article, stem in (("", word), ("ال", word[1:] if word.startswith("l") else None)):
        if stem in WORDS:
            return [(0.0, article + WORDS[stem])]
    segments = []
    position = 0
    while position < len(word):
        for pattern, choices in _RULES:
            match = pattern.match(word, position)
            if match:
                segments.append([(weight, arabic) for arabic, weight in choices])
                position = match.end()
                break
        else:
            # A character no rule reads (a digit without a letter's shape): skipped.
            position += 1
    letters, article, weight = UNWRITTEN_ARTICLE
    if re.match(letters, word) and all(article not in arabic for _, arabic in segments[0]):
        segments.insert(0, [(0.0, ""), (weight, article)])
    return _cheapest(segments, "".join)


def _cheapest(choices: list[list[Reading]], join) -> list[Reading]:
    """The MAX_READINGS cheapest distinct ways of taking one reading from each list of
    choices, each list cheapest first, joined with `join`: a best-first search over the
    choices' indexes."""
    if not choices:
        return []
    start = (0,) * len(choices)
    frontier = [(sum(c[0][0] for c in choices), start)]
    seen, found = {start}, []
    while frontier and len(found) < MAX_READINGS:
        cost, indexes = heapq.heappop(frontier)
        reading = join([c[i][1] for c, i in zip(choices, indexes, strict=True)])
        if reading and reading not in (r for _, r in found):
            found.append((cost, reading))
        for place, options in enumerate(choices):
            following = indexes[place] + 1
            if following < len(options):
                successor = (*indexes[:place], following, *indexes[place + 1 :])
                if successor not in seen:
                    seen.add(successor)
                    step = options[following][0] - options[indexes[place]][0]
                    heapq.heappush(frontier, (cost + step, successor))
    return found
