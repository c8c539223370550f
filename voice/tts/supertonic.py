"""The neural voice: Supertonic 2 (Supertone), four ONNX graphs run by onnxruntime on the CPU.

Why this one (see README): it speaks Korean and English with one small model (~66 M parameters),
reads raw characters (no G2P or dictionary to ship per language) and runs many times faster than
real time on a CPU; Piper has no Korean voice and MeloTTS's Korean needs a MeCab/g2pkk front end.

Pipeline, with the published graphs' input/output names:
1. characters → ids through `unicode_indexer.json` (a table indexed by code point; the text is
   NFKD-normalised, so Hangul becomes conjoining jamo, and wrapped in `<ko>`/`<en>` tags);
2. `duration_predictor` (text_ids, style_dp, text_mask) → seconds of speech;
3. `text_encoder` (text_ids, style_ttl, text_mask) → text_emb;
4. `vector_estimator` (noisy_latent, text_emb, style_ttl, text_mask, latent_mask, current_step,
   total_step), run `steps` times, turns seeded noise into the speech latent (flow matching);
5. `vocoder` (latent) → 44.1 kHz samples.
The voice reports no phoneme timing, so the units come from the audio (`from_audio`).
"""

from __future__ import annotations

import json
import logging
import unicodedata
from pathlib import Path

import numpy as np

from voice.tts.from_audio import timing_from_audio
from voice.tts.synthesis import Synthesis, TtsError
from voice.tts.text import Language

log = logging.getLogger("avatar.voice")

GRAPHS = ("duration_predictor", "text_encoder", "vector_estimator", "vocoder")
DEFAULT_STYLE = "F1"
DEFAULT_STEPS = 5
"""Flow-matching steps: 5 keeps a CPU well under real time; more sound a little cleaner."""
SPEED = 1.05
SEED = 0
"""Seed of the starting noise, so the same text always gives the same samples."""
_ENDINGS = ".!?;:,'\")]}…。"


def model_folder(models_dir: str | Path | None) -> Path:
    """Where `avatar models download tts-supertonic` puts the files."""
    from models.registry import set_dir, supertonic_files

    return set_dir(models_dir, supertonic_files())


def present(models_dir: str | Path | None) -> bool:
    """True when every file is there with the right size (no hashing: fast enough for start-up)."""
    from models.registry import supertonic_files
    from models.verify import verify

    return verify(model_folder(models_dir), model_set=supertonic_files(), check_hash=False).ok


class SupertonicVoice:
    """Supertonic 2 from a folder with `onnx/` and `voice_styles/` as published.

    Args:
        folder: the model folder.
        style: speaker style name (a file `voice_styles/<style>.json`).
        steps: flow-matching steps.

    Raises:
        TtsError: a file is missing or unreadable, or a graph does not load (corrupt download);
            the message says how to repair it.
    """

    def __init__(
        self, folder: Path, style: str = DEFAULT_STYLE, steps: int = DEFAULT_STEPS
    ) -> None:
        try:
            from models.onnx_runtime import inference_session, ort
        except ImportError as exc:
            raise TtsError("the neural voice needs onnxruntime: `pip install onnxruntime`") from exc
        self.folder = folder
        self.steps = max(1, int(steps))
        self.name = f"Supertonic 2 · {style}"
        try:
            config = json.loads((folder / "onnx" / "tts.json").read_text(encoding="utf-8"))
            self._table = np.array(
                json.loads((folder / "onnx" / "unicode_indexer.json").read_text(encoding="utf-8")),
                dtype=np.int64,
            )
            self.sample_rate = int(config["ae"]["sample_rate"])
            self._chunk = int(config["ae"]["base_chunk_size"]) * int(
                config["ttl"]["chunk_compress_factor"]
            )
            self._latent_dim = int(config["ttl"]["latent_dim"]) * int(
                config["ttl"]["chunk_compress_factor"]
            )
            self._style_ttl, self._style_dp = _read_style(folder / "voice_styles" / f"{style}.json")
            options = ort.SessionOptions()
            options.log_severity_level = 3
            self._sessions = {
                name: inference_session(folder / "onnx" / f"{name}.onnx", options=options)
                for name in GRAPHS
            }
        except Exception as exc:  # missing files, bad JSON, or onnxruntime's own error types
            raise TtsError(_repair(folder, exc)) from exc

    @classmethod
    def from_models_dir(
        cls, models_dir: str | Path | None, *, style: str | None = None
    ) -> SupertonicVoice:
        """The voice from the models folder (see `model_folder`)."""
        return cls(model_folder(models_dir), style or DEFAULT_STYLE)

    def speak(self, text: str, language: Language) -> Synthesis:
        """`text` in `language`; units derived from the audio.

        Raises:
            TtsError: inference failed.
        """
        ids = self._ids(text, language)
        mask = np.ones((1, 1, ids.shape[1]), dtype=np.float32)
        try:
            duration = self._run("duration_predictor", text_ids=ids, style_dp=self._style_dp,
                                 text_mask=mask)
            seconds = float(np.asarray(duration).reshape(-1)[0]) / SPEED
            text_emb = self._run("text_encoder", text_ids=ids, style_ttl=self._style_ttl,
                                 text_mask=mask)
            length = max(1, int(seconds * self.sample_rate))
            frames = max(1, -(-length // self._chunk))
            latent_mask = np.ones((1, 1, frames), dtype=np.float32)
            latent = np.random.default_rng(SEED).standard_normal(
                (1, self._latent_dim, frames)
            ).astype(np.float32)
            total = np.array([self.steps], dtype=np.float32)
            for step in range(self.steps):
                latent = self._run(
                    "vector_estimator", noisy_latent=latent, text_emb=text_emb,
                    style_ttl=self._style_ttl, text_mask=mask, latent_mask=latent_mask,
                    current_step=np.array([step], dtype=np.float32), total_step=total,
                )
            wav = self._run("vocoder", latent=latent)
        except Exception as exc:
            raise TtsError(f"the neural voice failed on {text[:40]!r}: {exc}") from exc
        audio = np.clip(np.asarray(wav, dtype=np.float32).reshape(-1)[:length], -1.0, 1.0)
        timing = timing_from_audio(audio, self.sample_rate, language, self.name)
        return Synthesis(text, audio.astype(np.float32), self.sample_rate, timing)

    def _ids(self, text: str, language: Language) -> np.ndarray:
        """(1, L) int64 token ids of the tagged, normalised text (unknown characters dropped)."""
        body = unicodedata.normalize("NFKD", " ".join(text.split()))
        if not body.endswith(tuple(_ENDINGS)):
            body += "."
        tagged = f"<{language}>{body}</{language}>"
        codes = np.array([ord(c) for c in tagged if ord(c) < len(self._table)], dtype=np.int64)
        ids = self._table[codes]
        return ids[ids >= 0][None, :]

    def _run(self, graph: str, **inputs: np.ndarray) -> np.ndarray:
        return self._sessions[graph].run(None, inputs)[0]


def _read_style(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(style_ttl, style_dp) float32 arrays of a speaker style file."""
    style = json.loads(path.read_text(encoding="utf-8"))
    arrays = []
    for key in ("style_ttl", "style_dp"):
        dims = [int(d) for d in style[key]["dims"]]
        arrays.append(np.array(style[key]["data"], dtype=np.float32).reshape(dims))
    return arrays[0], arrays[1]


def _repair(folder: Path, exc: BaseException) -> str:
    reason = " ".join(str(exc).split())[:160] or type(exc).__name__
    return (
        f"cannot load the neural voice from {folder} ({reason}); run "
        "`avatar models download tts-supertonic` to fetch or repair it"
    )
