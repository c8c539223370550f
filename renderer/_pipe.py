"""One-way message pipes between the agent and the window process that never block the sender.

Plain OS pipes instead of multiprocessing queues: a queue needs named POSIX semaphores
(`/dev/shm/sem.mp-*`), which stay behind when the process group is killed with SIGKILL. The
write end is non-blocking and every message fits in one atomic pipe write (`PIPE_BUF`), so a
full pipe (the reader hung) drops the message instead of stalling the sender, and a message is
never cut in half.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext

log = logging.getLogger("avatar.renderer")

_HEADER_BYTES = 4  # Connection's length prefix


def open_pipe(ctx: SpawnContext) -> tuple[Connection, Connection]:
    """(reader, writer) of a new pipe; the writer does not block (see the module docstring)."""
    reader, writer = ctx.Pipe(duplex=False)
    os.set_blocking(writer.fileno(), False)
    return reader, writer


def send_nowait(writer: Connection, message: object) -> bool:
    """Send `message` whole, or drop it (False) when it is too large or the pipe is full/closed."""
    data = pickle.dumps(message)
    if len(data) + _HEADER_BYTES > select.PIPE_BUF:
        log.warning("dropped a %d-byte %s: too large for the pipe", len(data),
                    type(message).__name__)
        return False
    try:
        writer.send_bytes(data)
    except (BlockingIOError, BrokenPipeError, OSError, ValueError):
        return False
    return True


def receive_all(reader: Connection) -> list[object]:
    """Every message waiting in the pipe, oldest first; [] once the other end is gone."""
    messages = []
    try:
        while reader.poll():
            messages.append(reader.recv())
    except (EOFError, OSError, ValueError):
        pass
    return messages
