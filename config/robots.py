"""``/robots.txt``: crawlers keep off the staff pages, in every language; the sitemap lists the
public ones."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

# Staff pages under each language prefix (/ar/, /fr/, /en/): the admin (with its exports and
# import previews), the reports and their downloads, and the quick follow-up forms. ``*`` is
# the wildcard of RFC 9309, which the major crawlers follow.
STAFF_PATHS = [
    "admin/",
    "reports/",
    "staff/",
    "recommendations/*/update/",
    "tracker/commitments/*/update/",
]


def robots_txt(request):
    """The rules, as ``text/plain``: one ``Disallow`` per staff path and language, the language
    switch (``/i18n/``), and the absolute address of ``/sitemap.xml``."""
    lines = ["User-agent: *"]
    for code, _name in settings.LANGUAGES:
        lines.extend(f"Disallow: /{code}/{path}" for path in STAFF_PATHS)
    lines.append("Disallow: /i18n/")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
