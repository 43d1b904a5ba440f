"""Reading the cells of a commune's table of projects: costs in dirhams and planned years.

Communes publish their programmes as tables typed by hand in Arabic or French, so a cost comes as
``"1 200 000"``, ``"1 200 000,00 DH"``, ``"1.200.000"``, ``"1,200,000"``, ``"١٢٠٠٠٠٠ درهم"`` or
``"2 M MAD"`` / ``"2,5 مليون درهم"`` (millions), with plain, no-break (U+00A0) or narrow no-break
(U+202F) spaces between thousands; years as ``"2023-2025"``, ``"2023/2025"``, ``"2023 – 2025"``,
``"من 2023 إلى 2025"`` or one year. Each parser returns the value or raises ``CellError`` with a
translated message for the user.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Arabic-Indic (U+0660…) and Extended Arabic-Indic (Persian, U+06F0…) digits, the Arabic decimal
# and thousands separators.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
# Spaces and apostrophes written between groups of thousands.
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2009\u2007'’]+")
# Currency words (lower case), removed wherever they stand: "DH", "Dhs.", "MAD", "dirhams",
# "درهم", "د.م.".
_CURRENCY = re.compile(r"(?:\b(?:mad|dhs?|dirhams?|درهم|دراهم)\b|د\.?\s?م\b)\.?")
# Words meaning "millions"; a cost written with one is multiplied by 1,000,000.
_MILLIONS = re.compile(r"\b(?:m|mio|mdhs?|millions?|مليون|ملايين)\b\.?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
MAX_COST = Decimal("9999999999999.99")


class CellError(ValueError):
    """A cell that cannot be read; ``str(error)`` is the translated message."""


def ascii_digits(text):
    """``text`` with Arabic-Indic digits and separators as ASCII ones."""
    return text.translate(_DIGITS)


def _number(digits, millions):
    """The Decimal written ``digits`` (only digits, "." and ","), see ``parse_cost``."""
    separators = re.findall(r"[.,]", digits)
    groups = re.split(r"[.,]", digits)
    if not separators:
        return Decimal(digits)
    last = separators[-1]
    if len(set(separators)) == 2 or millions:
        # "1.200.000,50", "1,200,000.50", "2,5 M": the last separator is the decimal one.
        whole, _sep, fraction = digits.rpartition(last)
        if len(set(separators)) == 2 and separators.count(last) > 1:
            raise CellError
        return Decimal(re.sub(r"[.,]", "", whole) + "." + fraction)
    if len(separators) > 1 or len(groups[-1]) == 3:
        # "1.200.000", "1,200,000", "1.200": groups of thousands (a cost in dirhams never has
        # three decimals).
        if any(len(group) != 3 for group in groups[1:]):
            raise CellError
        return Decimal("".join(groups))
    # "1200,5", "1200.50": one separator followed by one or two digits is the decimal one.
    return Decimal(groups[0] + "." + groups[1])


def parse_cost(text):
    """The cost in MAD written in ``text`` (str), as a Decimal with 2 places; None when empty.

    Raises CellError for anything else (words, several numbers, a negative amount, more than two
    decimals, more than 13 digits)."""
    text = ascii_digits(text or "").strip()
    if not text or text in {"-", "–", "—"}:
        return None
    lowered = text.lower()
    millions = bool(_MILLIONS.search(lowered))
    compact = _GROUPING.sub("", _MILLIONS.sub(" ", _CURRENCY.sub(" ", lowered)))
    if not _NUMBER.fullmatch(compact):
        raise CellError(
            _("“%(value)s” is not an amount in dirhams (write it as 1 200 000 or 1 200 000,00 DH).")
            % {"value": text}
        )
    try:
        amount = _number(compact, millions)
    except (CellError, InvalidOperation) as error:
        raise CellError(
            _("“%(value)s” is not an amount in dirhams (write it as 1 200 000 or 1 200 000,00 DH).")
            % {"value": text}
        ) from error
    if millions:
        amount *= 1_000_000
    if amount != amount.quantize(Decimal("0.01")) or amount > MAX_COST:
        raise CellError(
            _("“%(value)s” has more than two decimals or is too large for a cost in dirhams.")
            % {"value": text}
        )
    return amount.quantize(Decimal("0.01"))


def parse_years(text, first=1960, last=2100):
    """``(start, end)`` planned years written in ``text`` (one year or two, any separator or
    words between them); ``(None, None)`` when empty. Raises CellError when there is no year,
    more than two, the second comes before the first, or one lies outside ``first``-``last``
    (the programme's period)."""
    text = ascii_digits(text or "").strip()
    if not text:
        return None, None
    years = [int(year) for year in _YEAR.findall(text)]
    leftover = _YEAR.sub("", text)
    if not years or len(years) > 2 or re.search(r"\d", leftover):
        raise CellError(
            _("“%(value)s” is not one year or two years (write 2024 or 2023-2025).") % {"value": text}
        )
    start, end = years[0], years[-1]
    if end < start:
        raise CellError(_("In “%(value)s” the last year comes before the first.") % {"value": text})
    if start < first or end > last:
        raise CellError(
            _("“%(value)s” lies outside the programme's years %(first)s-%(last)s.")
            % {"value": text, "first": first, "last": last}
        )
    return start, end
