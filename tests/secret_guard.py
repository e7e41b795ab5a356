"""Fail any test whose logs, exception texts or diagnostics show a secret.

Used by the autouse ``no_secret_leaks`` fixture in ``tests/conftest.py``.
Secrets are the passwords of every simulator the test started (the one in
its configuration and every account it has at the end: the password the
config entry holds is one of them) and every Authorization header value a
client could have sent them (Basic tokens; Digest answers).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
import json
import logging
import re
from typing import Any
from unittest.mock import patch

from homeassistant.core import ServiceRegistry

from simulator import Simulator

# Short passwords (the simulator's default "pass") only count as a whole
# word: "password" or "passed" in a message is no leak, and neither is an
# identifier such as "test_pass_through". The boundary excludes "_" as well
# as letters and digits: without it "_pass_" was a whole word, and a test
# named test_pass_... failed whenever its name reached the log (asyncio's
# debug mode logs a slow step's task, with its coroutine's name, under load).
_WORD_BELOW = 8
_MIN_LENGTH = 4
# A Digest answer (the Authorization header); challenges start with realm=.
_DIGEST_ANSWER = re.compile(r"Digest\s+username=", re.IGNORECASE)


class _Recorder(logging.Handler):
    """Keep every record (all levels) for the scan at teardown."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _record_text(record: logging.LogRecord) -> str:
    try:
        text = record.getMessage()
    except Exception:
        text = f"{record.msg} {record.args}"
    if record.exc_info and record.exc_info[1] is not None:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        text += "\n" + record.exc_text
    return text


def _exception_text(err: BaseException) -> str:
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [repr(current), str(current)]
        placeholders = getattr(current, "translation_placeholders", None)
        if placeholders:
            parts.append(repr(placeholders))
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


class SecretGuard:
    """Collect texts during a test; ``check()`` names any leaked secret."""

    def __init__(self) -> None:
        self.simulators: list[Simulator] = []
        self.texts: list[tuple[str, str]] = []
        self.recorder = _Recorder()

    def secrets(self) -> dict[str, re.Pattern[str]]:
        """Every secret of the test's devices, as a search pattern."""
        found: dict[str, re.Pattern[str]] = {}
        for sim in self.simulators:
            accounts = [(sim.config.username, sim.config.password)]
            accounts += [
                (user.name, user.password) for user in sim.state.users.accounts.values()
            ]
            for name, password in accounts:
                if len(password) < _MIN_LENGTH:
                    continue
                escaped = re.escape(password)
                if len(password) < _WORD_BELOW:
                    escaped = rf"(?<![A-Za-z0-9_]){escaped}(?![A-Za-z0-9_])"
                found[f"password {password!r}"] = re.compile(escaped)
                token = base64.b64encode(f"{name}:{password}".encode()).decode()
                found[f"Basic token of {name}"] = re.compile(re.escape(token))
        found["Digest Authorization value"] = _DIGEST_ANSWER
        return found

    def add(self, where: str, text: str) -> None:
        """Scan ``text`` at teardown."""
        self.texts.append((where, text))

    def check(self) -> list[str]:
        """Return one line per leak found."""
        texts = list(self.texts)
        texts += [(f"log {r.name}", _record_text(r)) for r in self.recorder.records]
        leaks: list[str] = []
        for label, pattern in self.secrets().items():
            for where, text in texts:
                if (match := pattern.search(text)) is not None:
                    start = max(0, match.start() - 60)
                    leaks.append(
                        f"{label} in {where}: ...{text[start : match.end() + 60]}..."
                    )
                    break
        return leaks


@contextmanager
def guard_secrets() -> Iterator[SecretGuard]:
    """Record simulators, logs, action errors and diagnostics of one test."""
    guard = SecretGuard()
    real_start = Simulator.start
    real_call = ServiceRegistry.async_call

    async def start(self: Simulator) -> None:
        guard.simulators.append(self)
        await real_start(self)

    async def async_call(self: ServiceRegistry, *args: Any, **kwargs: Any) -> Any:
        try:
            result = await real_call(self, *args, **kwargs)
        except BaseException as err:
            guard.add(f"exception of action {args[:2]}", _exception_text(err))
            raise
        if result is not None:
            guard.add(f"response of action {args[:2]}", repr(result))
        return result

    from custom_components.cgi_camera import diagnostics  # noqa: PLC0415

    real_diagnostics = diagnostics.async_get_config_entry_diagnostics

    async def config_entry_diagnostics(*args: Any, **kwargs: Any) -> Any:
        result = await real_diagnostics(*args, **kwargs)
        guard.add("diagnostics", json.dumps(result, default=repr))
        return result

    ours = logging.getLogger("custom_components.cgi_camera")
    level = ours.level
    ours.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(guard.recorder)
    try:
        with (
            patch.object(Simulator, "start", start),
            patch.object(ServiceRegistry, "async_call", async_call),
            patch.object(
                diagnostics,
                "async_get_config_entry_diagnostics",
                config_entry_diagnostics,
            ),
        ):
            yield guard
    finally:
        root.removeHandler(guard.recorder)
        ours.setLevel(level)
