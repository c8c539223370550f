"""Easing curves against hand-computed values, clamping and flat ends."""

from __future__ import annotations

import numpy as np
import pytest

from animator.timeline import EASINGS, cosine, smootherstep, smoothstep

# u: (smoothstep 3u²−2u³, smootherstep 6u⁵−15u⁴+10u³, cosine (1−cos πu)/2), worked by hand
HAND_VALUES = {
    0.0: (0.0, 0.0, 0.0),
    0.25: (0.15625, 0.103515625, 0.1464466094),
    0.5: (0.5, 0.5, 0.5),
    0.75: (0.84375, 0.896484375, 0.8535533906),
    1.0: (1.0, 1.0, 1.0),
}


@pytest.mark.parametrize("u", sorted(HAND_VALUES))
def test_values_match_hand_computation(u: float) -> None:
    expected = HAND_VALUES[u]
    assert smoothstep(u) == pytest.approx(expected[0], abs=1e-9)
    assert smootherstep(u) == pytest.approx(expected[1], abs=1e-9)
    assert cosine(u) == pytest.approx(expected[2], abs=1e-9)


@pytest.mark.parametrize("name", sorted(EASINGS))
def test_inputs_outside_0_1_are_clamped(name: str) -> None:
    ease = EASINGS[name]
    assert ease(-3.0) == 0.0
    assert ease(7.5) == 1.0
    np.testing.assert_allclose(ease(np.array([-1.0, 0.5, 2.0])), [0.0, 0.5, 1.0], atol=1e-12)


@pytest.mark.parametrize("name", sorted(EASINGS))
def test_flat_at_both_ends_and_monotonic(name: str) -> None:
    """C1 at the joins: the slope at u = 0 and u = 1 is zero, so envelopes have no kinks."""
    ease = EASINGS[name]
    h = 1e-4
    assert (ease(h) - ease(0.0)) / h < 1e-3
    assert (ease(1.0) - ease(1.0 - h)) / h < 1e-3
    grid = ease(np.linspace(0.0, 1.0, 1001))
    assert np.all(np.diff(grid) >= 0.0)


@pytest.mark.parametrize("name", sorted(EASINGS))
def test_symmetric_about_the_midpoint(name: str) -> None:
    u = np.linspace(0.0, 1.0, 101)
    ease = EASINGS[name]
    np.testing.assert_allclose(ease(u) + ease(1.0 - u), 1.0, atol=1e-12)
