"""Template context shared by every page."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def staff_links(request):
    """``staff_links``: the staff pages a signed-in member of staff may open from the public
    pages, as a list of ``(label key, URL)`` pairs: ``"admin"``, ``"roster"`` (the staff home
    when it exists, ``staff:home``) and ``"reports"`` (with the participations' view
    permission). Empty for everyone else.

    Reads ``request.user`` only when a session cookie came with the request: for an anonymous
    visitor the session stays untouched, so the page gets no ``Vary: Cookie`` and is cached
    whole for every visitor (``config.middleware``).
    """
    # No user either on a page answered before authentication (a 400 for a NUL character).
    user = getattr(request, "user", None) if settings.SESSION_COOKIE_NAME in request.COOKIES else None
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return {"staff_links": []}
    links = [("admin", reverse("admin:index"))]
    try:
        links.append(("roster", reverse("staff:home")))
    except NoReverseMatch:  # the staff home is not installed: the admin serves for the roster
        pass
    if user.has_perm("workshops.view_participation"):
        links.append(("reports", reverse("reports:participants")))
    return {"staff_links": links}
