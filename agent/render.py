"""Headless rendering: a script → an H.264 mp4, a GIF or a folder of PNG frames.

The same interpreter, timeline and engine as the live app, sampled on script time instead of the
wall clock: frame i shows time i / fps. Nothing depends on the machine's speed or the clock, so
a script and a seed give the same frames, byte for byte, every time.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from agent._portrait import prepare_portrait, read_portrait
from agent.config import Settings
from agent.cues import Cue, Schedule, schedule_script
from agent.recording import fit_image
from agent.script import load_script
from animator.engines import create_engine
from animator.player import Player
from animator.timeline import Timeline
from contracts import EngineInfo
from intents import load_interpreter
from renderer import open_writer

log = logging.getLogger("avatar.agent")

BATCH_SIZE = 8
"""Frames per engine call; engines amortise per-call overhead over a batch."""

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """Overrides of what the script and the settings say; None keeps theirs.

    Attributes:
        fps: output frames per second.
        size: output (width, height); the portrait is scaled to fit and letterboxed.
        seed: idle-life seed.
        engine: "auto", "liveportrait" or "fallback".
        portrait: the photo, instead of the script's or the settings' one.
    """

    fps: float | None = None
    size: tuple[int, int] | None = None
    seed: int | None = None
    engine: str | None = None
    portrait: Path | None = None


@dataclass(frozen=True, slots=True)
class RenderResult:
    """What `render_script` wrote.

    Attributes:
        path: the output file or folder.
        frames: number of frames written.
        fps: frames per second.
        size: (width, height) of the frames.
        duration: seconds of script time covered.
        engine: the engine that drew the frames.
        notes: user-facing notes (e.g. the fallback engine ran because weights are missing).
    """

    path: Path
    frames: int
    fps: float
    size: tuple[int, int]
    duration: float
    engine: EngineInfo
    notes: tuple[str, ...]


class RenderJob:
    """A script ready to render: engine chosen, portrait prepared, cues scheduled.

    Attributes:
        engine: info of the engine that will draw the frames.
        notes: user-facing notes (e.g. why the fallback engine runs).
        fps: output frames per second.
        size: output (width, height).
        duration: seconds of script time.
        total_frames: how many frames `write` produces.
    """

    def __init__(self, player: Player, schedule: Schedule, fps: float,
                 size: tuple[int, int], notes: tuple[str, ...]) -> None:
        self._player = player
        self._schedule = schedule
        self.engine = player.engine.info
        self.notes = notes
        self.fps = fps
        self.size = size
        self.duration = schedule.duration
        self.total_frames = max(1, math.ceil(schedule.duration * fps - 1e-9))

    def write(self, out: str | Path, on_progress: ProgressCallback | None = None) -> RenderResult:
        """Render every frame into `out` (.mp4, .gif, or a folder of PNGs); call once.

        Args:
            out: output path; its suffix picks the format (no suffix: a PNG frame folder).
            on_progress: called as (frames written, total frames) after each batch.
        """
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        writer = open_writer(out, self.fps, self.size)
        written = 0
        try:
            for batch in _batches(self._schedule, self.fps, self.total_frames, self._player):
                for frame in self._player.render_times(batch):
                    writer.write(fit_image(frame.image, self.size))
                written += len(batch)
                if on_progress is not None:
                    on_progress(written, self.total_frames)
        finally:
            writer.close()
        log.info("rendered %d frames (%s) to %s", written, self.engine.status_line(), out)
        return RenderResult(
            out, written, self.fps, self.size, self.duration, self.engine, self.notes
        )


def prepare_render(
    script_path: str | Path, settings: Settings, options: RenderOptions | None = None
) -> RenderJob:
    """Load the script, the engine and the portrait, and schedule the cues.

    Args:
        script_path: the YAML script.
        settings: portrait, engine, models dir and device when neither script nor options say.
        options: fps/size/seed/engine overrides.

    Raises:
        ScriptError: the script is invalid (names file and line).
        animator.PortraitError: the portrait is unusable.
        ValueError: the engine cannot be created.
    """
    options = options or RenderOptions()
    script = load_script(script_path)
    seed = script.seed if options.seed is None else options.seed
    portrait = options.portrait or script.portrait or settings.portrait
    image = read_portrait(portrait)
    engine, notes = create_engine(
        options.engine or settings.engine, models_dir=settings.models_dir, device=settings.device,
        backend=settings.backend,
    )
    source = prepare_portrait(engine, image, portrait)
    schedule = schedule_script(script, load_interpreter())
    player = Player(engine, source, Timeline(seed=seed))
    size = options.size or script.size or source.size
    return RenderJob(player, schedule, options.fps or script.fps, size, tuple(notes))


def render_script(
    script_path: str | Path,
    out: str | Path,
    settings: Settings,
    options: RenderOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> RenderResult:
    """`prepare_render` then `RenderJob.write`: the script at `script_path` into `out`."""
    return prepare_render(script_path, settings, options).write(out, on_progress)


def _batches(
    schedule: Schedule, fps: float, total: int, player: Player
) -> Iterator[list[float]]:
    """Frame times in batches that never straddle a cue; plays each cue when its time comes.

    A cue at time c starts exactly at c (not at the next frame time), so the motion is the same
    whatever the frame rate.
    """
    pending: list[Cue] = list(schedule.cues)
    batch: list[float] = []
    for index in range(total):
        t = index / fps
        if pending and pending[0].at <= t:
            if batch:
                yield batch
                batch = []
            while pending and pending[0].at <= t:
                cue = pending.pop(0)
                player.play(cue.plan, cue.at)
        batch.append(t)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch
