"""Running a python-telegram-bot ``Application`` against the fake with real long polling, for tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram.ext import Application


@contextlib.asynccontextmanager
async def polling(app: Application[Any, Any, Any, Any, Any, Any], *, timeout: int = 1) -> AsyncIterator[None]:
    """Run ``app`` with real long polling for the duration of the block, then stop and shut it down cleanly.

    ``timeout`` is the getUpdates long-poll timeout; the fake caps its wait at one second anyway.
    """
    await app.initialize()
    try:
        await app.start()
        try:
            assert app.updater is not None, "build the Application with an Updater (the default)"
            await app.updater.start_polling(poll_interval=0, timeout=timeout)
            try:
                yield
            finally:
                await app.updater.stop()
        finally:
            await app.stop()
    finally:
        await app.shutdown()
