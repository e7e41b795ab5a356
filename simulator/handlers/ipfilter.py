"""ipfilter.cgi with the spec's verify semantics."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from aiohttp import web

from ..respond import arguments, failed, ok, sim_of, text
from ..state import IpFilter

if TYPE_CHECKING:
    from multidict import MultiMapping


def _parse(value: str) -> list[str]:
    out = []
    for item in value.replace("+", " ").split():
        try:
            if "/" in item:
                ipaddress.ip_network(item, strict=False)
            else:
                ipaddress.ip_address(item)
        except ValueError:
            raise ValueError(f'invalid address "{item}"') from None
        out.append(item)
    return out


def _listing(current: IpFilter) -> str:
    label = "Accept" if current.policy == "allow" else "Deny"
    return (
        f"{label} addresses: {' '.join(current.addresses)}\r\n"
        f"Enabled: {'yes' if current.enabled else 'no'}\r\n"
    )


def _verification(address: str) -> str:
    return f'Verification failed: IP address "{address}" is not an accepted address\r\n'


def _change(current: IpFilter, action: str, args: MultiMapping[str]) -> IpFilter:
    """The settings ``action`` would produce; raises ValueError."""
    addresses = _parse(args.get("ipaddress", ""))
    enable = args.get("enable")
    policy = args.get("policy")
    if enable not in (None, "yes", "no") or policy not in (None, "allow", "deny"):
        raise ValueError("enable must be yes/no and policy allow/deny")
    new = IpFilter(list(current.addresses), current.enabled, current.policy)
    if action == "add":
        if not addresses:
            raise ValueError("ipaddress is required")
        new.addresses += [a for a in addresses if a not in new.addresses]
    elif action == "remove":
        missing = [a for a in addresses if a not in new.addresses]
        if not addresses or missing:
            raise ValueError(f'address "{(missing or [""])[0]}" is not in the list')
        new.addresses = [a for a in new.addresses if a not in addresses]
    elif action == "removeall":
        return IpFilter([], enabled=False, policy=current.policy)
    elif action == "update":
        new.addresses = addresses or new.addresses
    else:
        raise ValueError(f"invalid action '{action}'")
    if enable is not None:
        new.enabled = enable == "yes"
    if policy is not None:
        new.policy = policy
    return new


async def ipfilter_cgi(request: web.Request) -> web.Response:
    """ipfilter.cgi?action=add|remove|removeall|update|list."""
    sim = sim_of(request)
    args = await arguments(request)
    action = args.get("action", "")
    current = sim.state.ipfilter
    remote = request.remote or ""
    verify_arg = args.get("verify")
    if verify_arg not in (None, "yes", "no"):
        return failed("verify must be yes or no")
    if action == "list":
        body = _listing(current)
        if verify_arg == "yes" and not current.accepts(remote):
            body += _verification(remote)
        return text(body)
    try:
        new = _change(current, action, args)
    except ValueError as err:
        return failed(str(err))
    risky = args.get("enable") == "yes" or current.enabled or new.enabled
    verify = risky if verify_arg is None else verify_arg == "yes"
    if verify and new.enabled and not new.accepts(remote):
        return text(_verification(remote))
    sim.state.ipfilter = new
    sim.state.add_log(f"IP filter {action}")
    return ok()
