"""Page links in the `Link` header (RFC 8288), beside the body's `next` and `previous`:
a client can follow the pages of any list without reading its body's shape."""

from django.http import HttpResponseBase


def add_page_links(response: HttpResponseBase, *, next: str | None, previous: str | None):
    links = [f'<{url}>; rel="{rel}"' for rel, url in (("next", next), ("prev", previous)) if url]
    if links:
        response["Link"] = ", ".join(links)
    return response
