"""The site's URLs plus a view that fails, under the language prefixes: for the tests of the
500 page and of error logging only."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken_view(request):
    raise RuntimeError("broken on purpose for the error-logging test")


urlpatterns = urlpatterns + i18n_patterns(path("broken/", broken_view), prefix_default_language=True)
