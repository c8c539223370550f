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
from agent.script import Script, load_script
from agent.soundtrack import (
    Soundtrack,
    build_soundtrack,
    line_clock,
    script_line_book,
    speech_path,
    write_speech,
)
from animator.engines import create_engine
from animator.player import Player
from animator.timeline import Timeline
from contracts import EngineInfo, Frame, SpeechTiming
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
        sound: where the speech went: `path` itself (mp4 with AAC), a .wav beside it (GIF, PNG
            frames), or None without speech.
    """

    path: Path
    frames: int
    fps: float
    size: tuple[int, int]
    duration: float
    engine: EngineInfo
    notes: tuple[str, ...]
    sound: Path | None = None


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
                 size: tuple[int, int], notes: tuple[str, ...],
                 soundtrack: Soundtrack | None = None, *, muted: bool = False) -> None:
        self._player = player
        self._schedule = schedule
        self._soundtrack = soundtrack
        self._muted = muted
        self.engine = player.engine.info
        self.notes = notes
        self.fps = fps
        self.size = size
        self.duration = schedule.duration
        self.total_frames = frame_count(schedule.duration, fps)

    @property
    def spoken(self) -> list[tuple[float, float]]:
        """(start, end) in script seconds of every line the render speaks, in order."""
        track, cues = self._soundtrack, self._schedule.cues
        if track is None:
            return []
        return [(cues[i].at, cues[i].at + t.duration) for i, t in sorted(track.timings.items())]

    def write(
        self,
        out: str | Path,
        on_progress: ProgressCallback | None = None,
        on_frame: Callable[[Frame], None] | None = None,
    ) -> RenderResult:
        """Render every frame into `out` (.mp4, .gif, or a folder of PNGs); call once.

        Args:
            out: output path; its suffix picks the format (no suffix: a PNG frame folder).
                It is replaced only when every frame is written: after an error or an interrupt
                an earlier output there is left as it was.
            on_progress: called as (frames written, total frames) after each batch.
            on_frame: called with every rendered frame (its pose included), in order.
        """
        out = Path(out)
        written = 0
        timings = self._soundtrack.timings if self._soundtrack is not None else {}
        batches = _batches(self._schedule, self.fps, self.total_frames, self._player, timings)
        with open_writer(out, self.fps, self.size) as writer:  # the output appears only if done
            for batch in batches:
                for frame in self._player.render_times(batch):
                    writer.write(fit_image(frame.image, self.size))
                    if on_frame is not None:
                        on_frame(frame)
                written += len(batch)
                if on_progress is not None:
                    on_progress(written, self.total_frames)
            writer.close(before_commit=lambda staged: self._write_sound(out, staged))
        sound = self._sound_path(out)
        log.info("rendered %d frames (%s) to %s", written, self.engine.status_line(), out)
        return RenderResult(
            out, written, self.fps, self.size, self.duration, self.engine, self.notes, sound
        )

    def _write_sound(self, out: Path, staged: Path) -> None:
        """The speech into the staged output before it is put in place."""
        track = self._soundtrack
        if track is not None and track.timings and not self._muted:
            write_speech(out, staged, track.audio, track.sample_rate)

    def _sound_path(self, out: Path) -> Path | None:
        """Where the speech ended up: in the mp4 itself, else the .wav (None when silent)."""
        if self._soundtrack is None or not self._soundtrack.timings or self._muted:
            return None
        return speech_path(out)


def prepare_render(
    script_path: str | Path | Script, settings: Settings, options: RenderOptions | None = None
) -> RenderJob:
    """Load the script, the engine and the portrait, and schedule the cues.

    Args:
        script_path: the YAML script (or a `Script` made in code, as `avatar say -o` does).
        settings: portrait, engine, models dir and device when neither script nor options say.
        options: fps/size/seed/engine overrides.

    Raises:
        ScriptError: the script is invalid (names file and line).
        animator.PortraitError: the portrait is unusable.
        ValueError: the engine cannot be created.
    """
    options = options or RenderOptions()
    script = script_path if isinstance(script_path, Script) else load_script(script_path)
    seed = script.seed if options.seed is None else options.seed
    portrait = options.portrait or script.portrait or settings.portrait
    image = read_portrait(portrait, fit=options.size or script.size)
    engine, notes = create_engine(
        options.engine or settings.engine, models_dir=settings.models_dir, device=settings.device,
        backend=settings.backend,
    )
    source = prepare_portrait(engine, image, portrait, settings.face)
    fps = options.fps or script.fps
    book, voice_notes = script_line_book(settings)
    notes.extend(voice_notes)
    schedule = schedule_script(
        script, load_interpreter(), book.seconds if book is not None else None
    )
    soundtrack = None
    if book is not None:
        soundtrack = build_soundtrack(schedule, book, frame_count(schedule.duration, fps) / fps)
    player = Player(engine, source, Timeline(seed=seed))
    size = options.size or script.size or source.size
    return RenderJob(
        player, schedule, fps, size, (*notes, *source.notes), soundtrack,
        muted=settings.speech.muted,
    )


def frame_count(duration: float, fps: float) -> int:
    """Frames that cover `duration` seconds at `fps` (at least one)."""
    return max(1, math.ceil(duration * fps - 1e-9))


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
    schedule: Schedule, fps: float, total: int, player: Player,
    timings: dict[int, SpeechTiming] | None = None,
) -> Iterator[list[float]]:
    """Frame times in batches that never straddle a cue; plays each cue when its time comes.

    A cue at time c starts exactly at c (not at the next frame time), so the motion is the same
    whatever the frame rate. A cue with a line in `timings` (cue index → timing) speaks it from
    c on, on the render's own clock.
    """
    pending: list[tuple[int, Cue]] = list(enumerate(schedule.cues))
    timings = timings or {}
    batch: list[float] = []
    for index in range(total):
        t = index / fps
        if pending and pending[0][1].at <= t:
            if batch:
                yield batch
                batch = []
            while pending and pending[0][1].at <= t:
                number, cue = pending.pop(0)
                plan_id = player.play(cue.plan, cue.at)
                if number in timings:
                    player.speak(plan_id, timings[number], line_clock(cue.at))
        batch.append(t)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch
