"""The session transcript: one JSON object per line for every utterance, plan, reply and error.

One file per session under `<data_dir>/transcripts/`. Each line is flushed as it is written so a
crash or power cut loses nothing already said.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from contracts import Plan, Utterance
from intents.stream import LLMTrace

log = logging.getLogger("avatar.agent")


def session_file_name(prefix: str, suffix: str) -> str:
    """A unique, sortable file name such as 'session-20260101-120000-1234.jsonl'."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{prefix}-{stamp}-{os.getpid()}{suffix}"


class Transcript:
    """Append-only JSONL writer; thread-safe, each record flushed immediately.

    Records are dicts with `time` (Unix seconds), `kind` ("session", "utterance", "plan",
    "reply", "llm", "error") and kind-specific fields.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._file = self.path.open("a", encoding="utf-8")
        self.write("session", event="started", pid=os.getpid())

    def write(self, kind: str, **fields: Any) -> None:
        """Append one record; after `close` this logs and drops the record."""
        record = {"time": round(time.time(), 3), "kind": kind, **fields}
        line = json.dumps(record, ensure_ascii=False, default=str)
        with self._lock:
            if self._file.closed:
                log.debug("transcript closed, dropped %s record", kind)
                return
            self._file.write(line + "\n")
            self._file.flush()

    def utterance(self, utterance: Utterance) -> None:
        """Record what someone said."""
        extra = {"language": utterance.language, "confidence": utterance.confidence}
        self.write("utterance", text=utterance.text, source=utterance.source,
                   **{key: value for key, value in extra.items() if value is not None})

    def plan(self, plan: Plan, plan_id: int, interpret_ms: float) -> None:
        """Record the plan that now plays."""
        self.write(
            "plan",
            plan_id=plan_id,
            interpret_ms=round(interpret_ms, 3),
            plan=plan.model_dump(mode="json", exclude_none=True),
        )

    def reply(self, text: str, plan_id: int, *, final: bool = True) -> None:
        """Record the avatar's answer (one sentence of a streamed one: `final` False but last)."""
        if final:
            self.write("reply", text=text, plan_id=plan_id)
        else:
            self.write("reply", text=text, plan_id=plan_id, final=False)

    def llm(self, trace: LLMTrace, plan_id: int | None) -> None:
        """Record what the LLM wrote (raw, even when cut or invalid) and how long it took."""
        self.write(
            "llm",
            plan_id=plan_id,
            **trace.model_dump(mode="json", exclude={"plan"}, exclude_none=True),
        )

    def close(self) -> None:
        """Write the closing record and close the file (idempotent)."""
        if not self._file.closed:
            self.write("session", event="stopped")
        with self._lock:
            self._file.close()
