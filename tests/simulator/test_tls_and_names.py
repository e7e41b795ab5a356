"""The simulator's HTTPS option and its hostile backup file name option."""

from pathlib import Path
import ssl

import aiohttp

from tests.reliability.test_security import _self_signed

from .helpers import ROOT, Factory


async def test_backup_filename_option(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """backup.cgi suggests exactly the configured (hostile) name."""
    sim = await simulator_factory(backup_filename="../../x")
    async with http.get(f"{sim.url}/backup.cgi", headers=ROOT) as response:
        assert response.status == 200
        assert response.content_disposition is not None
        assert response.content_disposition.filename == "../../x"
        assert await response.read() == sim.last_backup
    plain = await simulator_factory()
    async with http.get(f"{plain.url}/backup.cgi", headers=ROOT) as response:
        assert response.headers["Content-Disposition"] == (
            "attachment; filename=backup_00408C123456.tar"
        )


async def test_https_option(
    simulator_factory: Factory, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    """With an SSL context the device speaks HTTPS (and sim.url says so)."""
    sim = await simulator_factory(ssl=_self_signed(tmp_path))
    assert sim.url == f"https://127.0.0.1:{sim.port}"
    client = ssl.create_default_context(cafile=tmp_path / "cert.pem")
    async with http.get(
        f"{sim.url}/param.cgi?action=list&group=Brand.Brand", headers=ROOT, ssl=client
    ) as response:
        assert response.status == 200
        assert await response.text() == "Brand.Brand=CGI\n"
