"""Reading the sitemap as a crawler does: its index, then every page of every section."""

import re
from urllib.parse import urlsplit


def sitemap_xml(client):
    """The XML of ``/sitemap.xml`` (the index) and of every sitemap page it lists, joined: one
    string holding every ``<loc>`` of the public pages. Fails if a listed page does not answer 200."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    documents = [index.content.decode()]
    for loc in re.findall(r"<loc>([^<]+)</loc>", documents[0]):
        parts = urlsplit(loc)
        response = client.get(parts.path, {"p": parts.query.removeprefix("p=")} if parts.query else {})
        assert response.status_code == 200, loc
        documents.append(response.content.decode())
    return "\n".join(documents)
