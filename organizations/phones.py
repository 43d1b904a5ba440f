"""Phone numbers in one stored form, E.164 (``+212612345678``), whatever way they were typed.

Moroccan numbers are usually written nationally (``0612345678``, ``06 12 34 56 78``), sometimes
with the country code (``+212 6 12 34 56 78``, ``00212612345678``); numbers from elsewhere need
their ``+`` and country code. Parsing and validity come from ``phonenumbers`` (Google's
libphonenumber metadata). Used by ``Person`` (forms and saves), the admin searches, and meant
for the attendance importer too, so that the same number typed two ways is one person.
"""

import functools
import re

import phonenumbers

# National numbers without a country code are read as Moroccan.
DEFAULT_REGION = "MA"
# A search term is taken for a phone number only if it is made of these characters.
_PHONE_LIKE = re.compile(r"\+?[\d\s().-]{6,}")


# A sheet repeats few distinct numbers per column read; parsing is the costly part.
@functools.lru_cache(maxsize=65536)
def normalise_phone(text):
    """Return ``text`` as an E.164 number (``"06 61 23 45 67"`` → ``"+212661234567"``); ``""``
    for blank text. Raises ValueError when it is not a valid number of any country."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(text) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_search_term(text):
    """The E.164 form of a search term written as a whole phone number (``"0600000901"``,
    ``"06 00 00 09 01"``, ``"+212 6…"``, ``"00212…"``), else None (names, parts of numbers)."""
    if not _PHONE_LIKE.fullmatch(text.strip()):
        return None
    try:
        return normalise_phone(text)
    except ValueError:
        return None
