"""The phone numbers of a center, as staff type them in the form or in a sheet: several in
one field, written as Moroccans write them (0537 11 11 11, +212 6 61…). They are stored
in E.164 (+212537111111), the form that a `tel:` link dials from any phone, in Morocco or
abroad.

Only full Moroccan numbers are accepted. A short number (a helpline such as 8350 or the
police's 19) is refused: it reaches a national service rather than the center, it has no
E.164 form to dial, and the national helplines are kept apart (`Helpline`), each with its
hours and the body that runs it, and shown beside every sensitive category.
"""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Numbers written without a country code are Moroccan.
REGION = "MA"
# What separates the numbers of one field.
_SEPARATORS = re.compile(r"[\n;,]")
# Besides digits, what people put between them.
_PUNCTUATION = set("+-./()")
# A number of at most this many digits is a short one (15, 19, 177, 2511, 8350…); a full
# Moroccan number has 9 digits after its leading 0.
SHORT_NUMBER_MAX_DIGITS = 5


def parse_phones(text: str) -> list[str]:
    """The numbers of the text in E.164, in order, each once; refuses the text with one
    message per number that is not a full Moroccan number, naming it."""
    numbers, refusals = [], []
    for written in _SEPARATORS.split(text):
        # Text copied from a right-to-left page may carry invisible direction marks.
        written = "".join(c for c in written if unicodedata.category(c) != "Cf").strip()
        if not written:
            continue
        try:
            numbers.append(_e164(written))
        except ValidationError as refusal:
            refusals.append(refusal)
    if refusals:
        raise ValidationError(refusals)
    return list(dict.fromkeys(numbers))


def display(number: str) -> str:
    """A stored number as Moroccans write it: +212537111111 as 05 37 11 11 11. A value
    stored before numbers were checked is given back as it is."""
    try:
        parsed = phonenumbers.parse(number, REGION)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_valid_number(parsed):
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _e164(written: str) -> str:
    if any(not (c.isdecimal() or c.isspace() or c in _PUNCTUATION) for c in written):
        raise _not_a_moroccan_number(written)
    if 0 < sum(c.isdecimal() for c in written) <= SHORT_NUMBER_MAX_DIGITS:
        raise ValidationError(
            _(
                "%(number)s is a short number: give the center's own 10-digit number "
                "(national helplines are listed separately)."
            ),
            code="short_number",
            params={"number": written},
        )
    try:
        parsed = phonenumbers.parse(written, REGION)
    except phonenumbers.NumberParseException:
        raise _not_a_moroccan_number(written) from None
    if not (
        phonenumbers.is_valid_number(parsed)
        and parsed.country_code == phonenumbers.country_code_for_region(REGION)
    ):
        raise _not_a_moroccan_number(written)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _not_a_moroccan_number(written: str) -> ValidationError:
    return ValidationError(
        _("%(number)s is not a Moroccan phone number: write its 10 digits, e.g. 05 37 11 11 11."),
        code="invalid_phone",
        params={"number": written},
    )
