"""The icon: every page links the static favicon, and /favicon.ico (asked for by clients that do not
read the link) answers with the same file instead of 404."""
from __future__ import annotations

import re
import struct

from tests import factories as f


def _get(client, url: str):
    """(status, mimetype, body) of a file response, closed (it streams the file)."""
    with client.get(url) as resp:
        return resp.status_code, resp.mimetype, resp.data


def _icon_sizes(data: bytes) -> list[int]:
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1), "not an ICO file"
    return [data[6 + 16 * i] for i in range(count)]


def test_favicon_ico_is_served_to_anyone(client):
    status, mimetype, data = _get(client, "/favicon.ico")
    assert status == 200
    assert mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert _icon_sizes(data) == [16, 32]


def test_pages_link_the_icon(app, client):
    with app.app_context():
        f.load_demo()
    icon = _get(client, "/favicon.ico")[2]
    pages = [client.get("/auth/login").get_data(as_text=True)]
    assert f.login(client, "xa.chuyenvien").status_code == 302
    pages.append(client.get("/").get_data(as_text=True))
    for html in pages:
        href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
        status, _mimetype, data = _get(client, href)
        assert status == 200 and data == icon
