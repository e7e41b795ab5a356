"""pwdgrp.cgi: add, update, remove and list accounts."""

from __future__ import annotations

from aiohttp import web

from ..respond import arguments, failed, ok, sim_of, text


def _secondary(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(g for g in value.replace(",", ":").split(":") if g)


async def pwdgrp_cgi(request: web.Request) -> web.Response:
    """Handle pwdgrp.cgi."""
    sim = sim_of(request)
    args = await arguments(request)
    users = sim.state.users
    action = args.get("action", "")
    if action == "get":
        body = "".join(
            f'{group}="{",".join(members)}"\r\n'
            for group, members in users.groups().items()
        )
        return text(body)
    name = args.get("user", "")
    if not name:
        return failed("user is required")
    if action == "add":
        password = args.get("pwd")
        group = args.get("grp")
        if password is None or group is None:
            return failed("pwd and grp are required")
        problem = users.add(
            name,
            password,
            group,
            _secondary(args.get("sgrp")) or (),
            args.get("comment", ""),
        )
    elif action == "update":
        problem = users.update(
            name,
            args.get("pwd"),
            args.get("grp"),
            _secondary(args.get("sgrp")),
            args.get("comment"),
        )
    elif action == "remove":
        problem = users.remove(name)
    else:
        return failed(f"invalid action '{action}'")
    if problem:
        return failed(problem)
    sim.state.add_log(f"Account {name}: {action}")
    return ok()
