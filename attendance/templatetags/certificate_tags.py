"""Template filters of the certificates (``templates/certificates/``)."""

from django import template

from workshops.templatetags.tracker import ARABIC_LETTER, LATIN_LETTER

register = template.Library()


@register.filter
def text_dir(text):
    """``"rtl"`` for text written mostly in Arabic script, else ``"ltr"``: the ``dir`` of a name
    typed by a person. WeasyPrint does not read ``dir="auto"``, so the PDF says it outright."""
    text = str(text)
    arabic = len(ARABIC_LETTER.findall(text))
    return "rtl" if arabic and arabic >= len(LATIN_LETTER.findall(text)) else "ltr"


@register.filter
def isolate(text):
    """``text`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (U+2068, U+2069): its
    direction taken from its first letter and kept apart from its neighbours, as ``dir="auto"``
    does in a browser. Pango (FriBidi) applies them; names in a list then keep their order."""
    return f"\u2068{text}\u2069"
