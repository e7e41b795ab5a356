"""The secret guard itself: short passwords count as whole words only.

The test's name below holds "_pass_" on purpose: it is the case that failed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from tests.secret_guard import SecretGuard


def _device(password: str) -> SimpleNamespace:
    """What the guard reads of a simulator: its configured account."""
    return SimpleNamespace(
        config=SimpleNamespace(username="root", password=password),
        state=SimpleNamespace(users=SimpleNamespace(accounts={})),
    )


@contextmanager
def _every_step_slow(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """Make the debug loop log every step as slow, as it does under load."""
    debug, threshold = loop.get_debug(), loop.slow_callback_duration
    loop.set_debug(True)
    loop.slow_callback_duration = 0
    try:
        yield
    finally:
        loop.slow_callback_duration = threshold
        loop.set_debug(debug)


async def test_pass_in_the_test_name_is_no_leak(
    no_secret_leaks: SecretGuard,
) -> None:
    """asyncio's slow-step warning names this test; with password "pass" no leak.

    Under load the debug event loop logs "Executing <Task ... coro=<test_...()
    ...> took 0.2 seconds": the test's own name reaches the log. "_pass_"
    there is part of an identifier, not the password.
    """
    loop = asyncio.get_running_loop()
    with _every_step_slow(loop):
        step = loop.create_future()
        loop.call_soon(step.set_result, None)
        await step
    slow = [
        record.getMessage()
        for record in no_secret_leaks.recorder.records
        if record.name == "asyncio" and record.getMessage().startswith("Executing")
    ]
    named = [text for text in slow if "test_pass_in_the_test_name_is_no_leak" in text]
    assert named, slow  # the case happened: the test's name is in the log
    guard = SecretGuard()
    guard.simulators.append(_device("pass"))  # type: ignore[arg-type]
    for text in named:
        guard.add("log asyncio", text)
    assert guard.check() == []


def test_short_password_still_found_as_a_word() -> None:
    """Where "pass" stands as a word of its own (or a value), it is a leak."""
    guard = SecretGuard()
    guard.simulators.append(_device("pass"))  # type: ignore[arg-type]
    for text in (
        "password=pass&user=root",
        "credentials ('root', 'pass')",
        "root:pass@127.0.0.1",
        "the password is pass.",
        "pass",
    ):
        guard.texts.clear()
        guard.add("log", text)
        assert guard.check(), text
    for text in ("test_pass_through", "pass_word", "_pass", "bypass", "passed"):
        guard.texts.clear()
        guard.add("log", text)
        assert guard.check() == [], text


def test_long_password_found_anywhere() -> None:
    """A password of eight characters or more is a leak even inside a word."""
    guard = SecretGuard()
    guard.simulators.append(_device("Zq7Secret9"))  # type: ignore[arg-type]
    guard.add("log", "test_Zq7Secret9_name")
    assert guard.check()
