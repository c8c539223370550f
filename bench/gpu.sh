#!/usr/bin/env bash
# One prepared GPU benchmark run (≤ 8 minutes, no network, seeded official-size weights):
# every backend (torch eager/compiled, onnxruntime, tensorrt) × batch 1, 4, 8 × fp32/fp16, the
# whole 512² frame including paste-back, and the eager fp32 baseline in the same run. Writes
# bench/results/gpu-<date>.json and the table between the gpu-bench markers in README.md.
#
# The GPU machine has torch, numpy, onnx, opencv, pillow, pyyaml and tqdm; bring the few small
# pure-Python packages it lacks as wheels in .whl/ (prepared here, before the run):
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#     --implementation cp --platform manylinux2014_x86_64 -d .whl \
#     pydantic pydantic-core annotated-types typing-inspection
# onnxruntime-gpu and tensorrt are too large to carry: where the machine lacks them, their rows
# say so (onnxruntime then runs on the CPU provider, which the table shows).
set -euo pipefail
cd "$(dirname "$0")/.."
if compgen -G ".whl/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/portrait-agent-site .whl/*.whl
  export PYTHONPATH="/tmp/portrait-agent-site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONUNBUFFERED=1
timeout 480 python3 bench/gpu_bench.py "$@"
