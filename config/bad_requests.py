"""``RejectNulMiddleware``: a request holding a NUL character is a 400, before it reaches the
database."""

from config.errors import bad_request


def request_texts(request):
    """Every text a visitor chooses in ``request`` (iterator of str): the path, the query
    string's names and values (percent-decoded), cookies, headers, and a posted form's names
    and values (which ``CsrfViewMiddleware`` reads next anyway; Django's upload parser already
    strips NUL from file names)."""
    yield request.path_info
    queries = [request.GET]
    if request.method == "POST":
        queries.append(request.POST)
    for query in queries:
        for name, values in query.lists():
            yield name
            yield from values
    for name, value in request.COOKIES.items():
        yield name
        yield value
    yield from (value for name, value in request.META.items() if name.startswith("HTTP_"))


class RejectNulMiddleware:
    """Answer 400 Bad Request (the translated 400 page) to a request holding a NUL character.

    No page has a use for one, and PostgreSQL text cannot hold it: a slug, a filter value, a
    session cookie or a login name with ``%00`` in it would reach a query and end in a 500
    (``DataError``). Early in ``MIDDLEWARE``, before anything reads the session or the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in text for text in request_texts(request) if isinstance(text, str)):
            # Answered rather than raised: Django logs the 400 in one line, without the
            # traceback that a raised BadRequest would add for every probe of a scanner.
            return bad_request(request, None)
        return self.get_response(request)
