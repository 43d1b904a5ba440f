"""URLs. Pages live under a language prefix (/ar/, /fr/, /en/); "/" redirects to one.

Error pages come from ``config.errors``, in the language of the URL's prefix.

``LocaleMiddleware`` sends "/" to the prefix of the visitor's language (Accept-Language, else
``LANGUAGE_CODE``). The language switcher posts to ``set_language``, outside the prefixes.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from attendance.urls import report_urlpatterns as attendance_reports
from config.health import healthz
from config.robots import robots_txt
from programmes.sitemaps import SITEMAPS as PROGRAMME_SITEMAPS
from programmes.views import stored_document as programme_document
from registrations.urls import staff_urlpatterns as registration_links
from workshops import report_urls
from workshops.sitemaps import SITEMAPS
from workshops.views import stored_document

ALL_SITEMAPS = {**SITEMAPS, **PROGRAMME_SITEMAPS}

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    # An index of the sections, each cut into pages (workshops.sitemaps): one document of every
    # page took seconds to build at national scale.
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": ALL_SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<slug:section>.xml", sitemap, {"sitemaps": ALL_SITEMAPS}, name="sitemap-section"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Evidence and minutes, in development and production alike, with the headers that keep a
    # document from running as a page (docs/deployment.md).
    *(
        path(f"{settings.MEDIA_URL.strip('/')}/{folder}/<path:path>", programme_document, {"folder": folder})
        for folder in ("programmes", "observations")
    ),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", stored_document, name="media"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("regions/", include("workshops.region_urls")),
    path("register/", include("registrations.urls")),
    path("programmes/", include("programmes.urls")),
    path(
        "reports/",
        include((report_urls.urlpatterns + attendance_reports + registration_links, report_urls.app_name)),
    ),
    path("staff/workshops/<str:slug>/checkin/", include("attendance.checkin_urls")),
    path("staff/jobs/", include("jobs.urls")),
    path("staff/", include("attendance.staff_urls")),
    path("", include("workshops.urls")),
    path("", include("attendance.urls")),
    prefix_default_language=True,
)

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
