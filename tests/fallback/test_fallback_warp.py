"""The warp never tears: every sampling map the engine builds is locally one-to-one."""

from __future__ import annotations

import numpy as np
import pytest

from animator.fallback import FallbackSource
from contracts.pose import CHANNELS, Pose


def _extremes() -> list[np.ndarray]:
    poses = []
    for column, spec in enumerate(CHANNELS):
        for value in {spec.low, spec.high} - {0.0}:
            vector = np.zeros(len(CHANNELS))
            vector[column] = value
            poses.append(vector)
    poses.append(np.array([spec.low for spec in CHANNELS]))
    poses.append(np.array([spec.high for spec in CHANNELS]))
    poses.append(Pose(head_yaw=-25, smile=1, mouth_open=1, eye_open=1, eyebrow=1).to_array())
    lows = np.array([spec.low for spec in CHANNELS])
    highs = np.array([spec.high for spec in CHANNELS])
    rng = np.random.default_rng(2024)
    poses.extend(lows + rng.random(len(CHANNELS)) * (highs - lows) for _ in range(40))
    return poses


@pytest.mark.parametrize("values", _extremes(), ids=lambda v: ",".join(f"{x:g}" for x in v))
def test_sampling_map_has_no_folds(source: FallbackSource, values: np.ndarray) -> None:
    """The Jacobian determinant of the backward map stays positive: no pixel is sampled from
    behind another (folds show as mirrored, torn content)."""
    rig = source.rig
    assert rig is not None
    map_x, map_y = rig.sampling_maps(Pose.from_array(values).to_array())
    assert map_x is not None and map_y is not None
    assert np.isfinite(map_x).all() and np.isfinite(map_y).all()
    dxdx, dxdy = np.gradient(map_x, axis=1), np.gradient(map_x, axis=0)
    dydx, dydy = np.gradient(map_y, axis=1), np.gradient(map_y, axis=0)
    determinant = dxdx * dydy - dxdy * dydx
    assert determinant.min() > 0.02


def test_rest_map_is_absent(source: FallbackSource) -> None:
    rig = source.rig
    assert rig is not None
    assert rig.sampling_maps(np.zeros(len(CHANNELS))) == (None, None)
