"""The one redaction rule (redact.py): secrets, addresses, host and user names."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.cgi_camera.const import DOMAIN
from custom_components.cgi_camera.redact import (
    REDACTED,
    Redactor,
    is_address_name,
    is_secret_name,
)
from simulator import Simulator
from tests.helpers import SetupIntegration

R = REDACTED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # IPv4, with and without a port, in a Python tuple (error texts).
        ("Connect call failed ('10.1.2.3', 80)", f"Connect call failed ('{R}', 80)"),
        ("host 192.168.0.90:8080 ssl:default", f"host {R} ssl:default"),
        ("dns 0.0.0.0, mask 255.255.255.0", f"dns {R}, mask {R}"),
        # IPv6: bare, bracketed with a port, with a zone, IPv4-mapped.
        ("failed ('::1', 80, 0, 0)", f"failed ('{R}', 80, 0, 0)"),
        ("to [2001:db8::7]:443 now", f"to {R} now"),
        ("via fe80::1%eth0 link", f"via {R} link"),
        ("peer ::ffff:192.168.0.1 gone", f"peer {R} gone"),
        # MAC addresses, and the host of a URL (credentials included).
        ("mac 00:40:8C:12:34:56 / 00-40-8c-12-34-56", f"mac {R} / {R}"),
        ("see http://admin:pw@cam.lan:80/x", f"see http://{R}/x"),
        # Not addresses: times, versions, numbers, C++ names.
        ("Apr  3 15:16:04 up 4.40 build 1.2.3.4.5", None),
        ("300.1.1.1 std::vector a::b::c", None),
    ],
)
def test_text_redacts_addresses_by_pattern(text: str, expected: str | None) -> None:
    """Every IPv4, IPv6 (with or without a port), MAC and URL host goes."""
    assert Redactor().text(text) == (text if expected is None else expected)


def test_text_redacts_the_words_as_words() -> None:
    """Host and user names go wherever they stand alone, in any case."""
    redactor = Redactor(["gate-cam", "camadmin", None, " ", "cam.lan"])
    assert set(redactor.words) == {"cam.lan", "camadmin", "gate-cam"}
    assert redactor.text("Gate-Cam: login of CAMADMIN from cam.lan") == (
        f"{R}: login of {R} from {R}"
    )
    # Inside another name they stay (an entity id, a longer host name).
    kept = "camera.gate_cam gate-cam-2 camadmins"
    assert redactor.text(kept) == kept


def test_names_say_what_is_secret_or_an_address() -> None:
    """The parameter-name rules, shared by diagnostics and get_parameters."""
    for name in (
        "Network.PPPoE.Password",
        "SMTP.Passwd",
        "SNMP.Community",
        "Network.PPPoE.User",
        "Properties.System.SerialNumber",
        "Network.eth0.MACAddress",
        "HTTPS.Key",
        "Auth.Token",
    ):
        assert is_secret_name(name), name
    for name in (
        "Network.IPAddress",
        "Network.DefaultRouter",
        "Network.DNSServer1",
        "Network.HostName",
        "Network.Broadcast",
        "Network.SubnetMask",
        "Network.DomainName",
        "Time.NTPServer",
        "SMTP.MailServer1",
        "Brand.WebURL",
    ):
        assert is_address_name(name), name
    for name in ("Image.I0.Resolution", "Brand.ProdNbr", "Input.I0.Trig"):
        assert not is_secret_name(name)
        assert not is_address_name(name)


def test_params_and_data() -> None:
    """By name first (empty values stay empty), then every value by pattern."""
    redactor = Redactor(["gate-cam"])
    assert redactor.params(
        {
            "Network.IPAddress": "10.0.0.2",
            "SMTP.Password": "",
            "Image.I0.Text.String": "gate-cam at 10.0.0.2",
            "Brand.ProdNbr": "CGI-211",
        }
    ) == {
        "Network.IPAddress": R,
        "SMTP.Password": "",
        "Image.I0.Text.String": f"{R} at {R}",
        "Brand.ProdNbr": "CGI-211",
    }
    data: dict[str, Any] = {
        "gate-cam": ["10.0.0.2", ("x", 3)],
        "set": {"gate-cam"},
        "n": None,
    }
    assert redactor.data(data) == {
        "gate-cam": [R, ["x", 3]],
        "set": [R],
        "n": None,
    }


async def test_system_log_lines(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The device's system log (systemlog.cgi): addresses, host and user go."""
    simulator.state.add_log("dhcp: bound to 192.168.0.90 via fe80::1, gw 192.168.0.1")
    simulator.state.add_log("Login of root from 192.168.0.20 on cgi-camera")
    entry = await setup(simulator, platforms=[])
    client = entry.runtime_data.client
    lines = (await client.system.log()).splitlines()
    redactor = Redactor.for_entry(entry)
    assert set(redactor.words) == {simulator.host, "root", "cgi-camera"}
    redacted = [redactor.text(line) for line in lines]
    assert redacted[-2].endswith(f"dhcp: bound to {R} via {R}, gw {R}")
    assert redacted[-1].endswith(f"Login of {R} from {R} on {R}")
    text = "\n".join(redacted)
    for word in ("192.168.", "fe80", "root", "cgi-camera"):
        assert word not in text


async def test_get_parameters_hides_what_diagnostics_hide(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup: SetupIntegration,
) -> None:
    """Every value diagnostics redact, get_parameters redacts too.

    With values in the secret and address parameters, and an address and the
    host name in a free text.
    """
    simulator.params["SMTP.Password"] = "smtp-Secret-7"
    simulator.params["SMTP.MailServer1"] = "mail.example.lan"
    simulator.params["Image.I0.Text.String"] = "cgi-camera 192.168.0.90"
    entry: MockConfigEntry = await setup(simulator)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    response = await hass.services.async_call(
        DOMAIN,
        "get_parameters",
        {"config_entry_id": entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    values: dict[str, Any] = response["parameters"]  # type: ignore[assignment]
    hidden = {
        name: value
        for name, value in diagnostics["parameters"].items()
        if value != simulator.params[name]
    }
    assert {"SMTP.Password", "Network.IPAddress", "Network.HostName"} <= set(hidden)
    assert hidden["Image.I0.Text.String"] == f"{R} {R}"
    for name, value in hidden.items():
        assert values[name] == value, name
    for secret in ("smtp-Secret-7", "mail.example.lan", "192.168.0.", "cgi-camera"):
        assert secret not in str(values), secret
    assert values["Brand.ProdNbr"] == "CGI-211"
