"""ONNX Runtime with its telemetry off: every ONNX Runtime session of ours is made here.

onnxruntime writes a device id and an event database under
`~/.cache/Microsoft/DeveloperTools/.onnxruntime/` as soon as it is imported, unless
`ORT_DISABLE_TELEMETRY` is set first. Importing this module sets it, then imports onnxruntime
and switches its telemetry events off, so our code imports onnxruntime only from here (`ort`)
and opens models with `inference_session`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

os.environ["ORT_DISABLE_TELEMETRY"] = "1"

import onnxruntime as ort  # only after the switch above

ort.disable_telemetry_events()

__all__ = ["inference_session", "ort"]


def inference_session(
    path: Path | str,
    *,
    providers: Sequence[str] = ("CPUExecutionProvider",),
    options: ort.SessionOptions | None = None,
) -> ort.InferenceSession:
    """Open the ONNX model at `path` (onnxruntime's own errors pass through)."""
    return ort.InferenceSession(str(path), sess_options=options, providers=list(providers))
