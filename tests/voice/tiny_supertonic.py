"""A tiny stand-in for Supertonic 2 with the published file layout and graph input/output names.

The real model cannot be downloaded here; this one exercises the same loading and inference
path: the character table, speaker style files, the four graphs with their exact names, dtypes
and shapes, and the flow-matching loop. Its duration predictor says 0.06 s per token and its
vocoder turns each latent frame into a 3 072-sample burst of a 220 Hz tone whose loudness
follows the latent, so the audio has a known length and is not silent.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RATE = 44100
CHUNK, COMPRESS, LATENT = 512, 6, 24
SECONDS_PER_TOKEN = 0.06
STYLE_TTL, STYLE_DP = (1, 50, 256), (1, 8, 16)


def _save(graph: onnx.GraphProto, path: Path) -> None:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def _float(name: str, shape: list[object]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def _ids() -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info("text_ids", TensorProto.INT64, [1, "L"])


def build(folder: Path, styles: tuple[str, ...] = ("F1",)) -> Path:
    """Write the tiny model into `folder` (onnx/ and voice_styles/); returns `folder`."""
    onnx_dir, style_dir = folder / "onnx", folder / "voice_styles"
    onnx_dir.mkdir(parents=True, exist_ok=True)
    style_dir.mkdir(parents=True, exist_ok=True)
    config = {"ae": {"sample_rate": RATE, "base_chunk_size": CHUNK},
              "ttl": {"chunk_compress_factor": COMPRESS, "latent_dim": LATENT}}
    (onnx_dir / "tts.json").write_text(json.dumps(config), encoding="utf-8")
    table = [-1] * 65536
    for index, code in enumerate(range(32, 0x3200)):
        table[code] = index % 150
    (onnx_dir / "unicode_indexer.json").write_text(json.dumps(table), encoding="utf-8")
    rng = np.random.default_rng(1)
    for style in styles:
        data = {key: {"dims": list(dims), "data": rng.standard_normal(dims).round(3).tolist()}
                for key, dims in (("style_ttl", STYLE_TTL), ("style_dp", STYLE_DP))}
        (style_dir / f"{style}.json").write_text(json.dumps(data), encoding="utf-8")

    per_token = numpy_helper.from_array(np.array([SECONDS_PER_TOKEN], np.float32), "per_token")
    _save(helper.make_graph(
        [helper.make_node("ReduceSum", ["text_mask"], ["total"], keepdims=0),
         helper.make_node("Mul", ["total", "per_token"], ["duration"])],
        "duration_predictor",
        [_ids(), _float("style_dp", list(STYLE_DP)), _float("text_mask", [1, 1, "L"])],
        [_float("duration", [1])], [per_token],
    ), onnx_dir / "duration_predictor.onnx")

    _save(helper.make_graph(
        [helper.make_node("Cast", ["text_ids"], ["ids_f"], to=TensorProto.FLOAT),
         helper.make_node("Unsqueeze", ["ids_f", "axis1"], ["ids_3d"]),
         helper.make_node("Mul", ["ids_3d", "text_mask"], ["text_emb"])],
        "text_encoder",
        [_ids(), _float("style_ttl", list(STYLE_TTL)), _float("text_mask", [1, 1, "L"])],
        [_float("text_emb", [1, 1, "L"])],
        [numpy_helper.from_array(np.array([1], np.int64), "axis1")],
    ), onnx_dir / "text_encoder.onnx")

    _save(helper.make_graph(
        [helper.make_node("Div", ["current_step", "total_step"], ["progress"]),
         helper.make_node("Sub", ["one", "progress"], ["keep"]),
         helper.make_node("Mul", ["noisy_latent", "keep"], ["scaled"]),
         helper.make_node("Mul", ["scaled", "latent_mask"], ["denoised_latent"])],
        "vector_estimator",
        [_float("noisy_latent", [1, LATENT * COMPRESS, "T"]), _float("text_emb", [1, 1, "L"]),
         _float("style_ttl", list(STYLE_TTL)), _float("text_mask", [1, 1, "L"]),
         _float("latent_mask", [1, 1, "T"]), _float("current_step", [1]),
         _float("total_step", [1])],
        [_float("denoised_latent", [1, LATENT * COMPRESS, "T"])],
        [numpy_helper.from_array(np.array([1.0], np.float32), "one")],
    ), onnx_dir / "vector_estimator.onnx")

    tone = np.sin(2 * np.pi * 220.0 * np.arange(CHUNK * COMPRESS) / RATE).astype(np.float32)
    _save(helper.make_graph(
        [helper.make_node("Abs", ["latent"], ["magnitude"]),
         helper.make_node("ReduceMean", ["magnitude"], ["loudness"], axes=[1], keepdims=1),
         helper.make_node("Transpose", ["loudness"], ["per_frame"], perm=[0, 2, 1]),
         helper.make_node("Mul", ["per_frame", "tone"], ["bursts"]),
         helper.make_node("Reshape", ["bursts", "flat"], ["wav_tts"])],
        "vocoder",
        [_float("latent", [1, LATENT * COMPRESS, "T"])],
        [_float("wav_tts", [1, "N"])],
        [numpy_helper.from_array(tone[None, None, :] * 0.5, "tone"),
         numpy_helper.from_array(np.array([1, -1], np.int64), "flat")],
    ), onnx_dir / "vocoder.onnx")
    return folder
