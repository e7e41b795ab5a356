"""param.cgi: list, update, add, remove."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from ..paramtree import ParamTree, split_groups
from ..respond import arguments, sim_of, text
from ..users import Level

if TYPE_CHECKING:
    from multidict import MultiMapping

RESERVED = ("action", "group", "template", "force", "responseformat", "usergroup")
type Pairs = list[tuple[str, str]]


def _list(tree: ParamTree, args: MultiMapping[str], _: Pairs, admin: bool) -> str:
    eol = "\r\n" if args.get("responseformat") == "rfc" else "\n"
    found, errors = tree.select(split_groups(args.getall("group", [])), admin=admin)
    lines = [f"{k}={v}{eol}" for k, v in found]
    lines += [f"# Error: {e}{eol}" for e in errors]
    return "".join(lines)


def _update(tree: ParamTree, _: MultiMapping[str], pairs: Pairs, __: bool) -> str:
    if not pairs:
        return "# Error: no parameter to update\n"
    errors = tree.update(pairs)
    if errors:
        return "".join(f"# Error: {e}\n" for e in errors)
    return "OK\r\n"


def _add(tree: ParamTree, args: MultiMapping[str], pairs: Pairs, _: bool) -> str:
    group = args.get("group", "")
    template = args.get("template", "")
    if not group or not template:
        return "# Request failed: group and template are required\n"
    entry, errors = tree.add(group, template, pairs, force=args.get("force") == "yes")
    if entry is None:
        return f"# Request failed: {errors[0]}\n"
    if errors:
        return f"{entry} created\n# Error: {'; '.join(errors)}\r\n"
    return f"{entry} OK\r\n"


def _remove(tree: ParamTree, args: MultiMapping[str], _: Pairs, __: bool) -> str:
    errors = tree.remove(split_groups(args.getall("group", [])))
    if errors:
        return f"# Request failed: {'; '.join(errors)}\r\n"
    return "OK\r\n"


ACTIONS: dict[str, Callable[[ParamTree, MultiMapping[str], Pairs, bool], str]] = {
    "list": _list,
    "update": _update,
    "add": _add,
    "remove": _remove,
}


async def param_cgi(request: web.Request) -> web.Response:
    """Handle every param.cgi action."""
    sim = sim_of(request)
    args = await arguments(request)
    action = args.get("action", "")
    handler = ACTIONS.get(action)
    if handler is None:
        return text(f"# Error: invalid action '{action}'\n")
    pairs = [(k, v) for k, v in args.items() if k not in RESERVED]
    admin = request["user"].level >= Level.ADMIN
    body = handler(sim.state.params, args, pairs, admin)
    if action != "list" and body.endswith("OK\r\n"):
        sim.state.add_log(f"Parameters: {action}")
    return text(body)
