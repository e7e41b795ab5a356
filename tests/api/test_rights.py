"""The right a 403 names: by path, and reads apart from writes."""

from __future__ import annotations

import pytest

from cgi_camera_api.rights import required_right


@pytest.mark.parametrize(
    ("target", "right"),
    [
        ("/pwdgrp.cgi?action=get", "root"),
        ("/restart.cgi", "administrator"),
        ("/param.cgi?action=update&Image.MaxViewers=5", "administrator"),
        ("/param.cgi?action=list&group=Network", "viewer"),
        ("/date.cgi?action=get", "viewer"),
        ("/date.cgi?action=set&year=2005", "administrator"),
        ("/io/output.cgi?action=1:/", "operator"),
        ("/io/output.cgi?checkactive=1,2", "viewer"),
        ("/io/input.cgi?monitor=1", "viewer"),
        ("/com/ptz.cgi?move=left", "viewer"),
        ("/com/ptzconfig.cgi?setserverpresetname=Gate", "administrator"),
        ("/audio/transmit.cgi", "operator"),
        ("/jpg/image.jpg", "viewer"),
    ],
)
def test_required_right(target: str, right: str) -> None:
    """What each request needs, as the README's Account rights table says."""
    assert required_right(target) == right
