"""Property-based fuzzing of every parser: random and mutated real inputs never raise anything
but ParseError. A small budget runs in CI; benchmarks/fuzz.py runs long campaigns."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz_targets import TARGETS, mutate, run_one, seeds

BUDGET = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("target", sorted(TARGETS))
@BUDGET
@given(text=st.text(max_size=400))
def test_random_text(target: str, text: str) -> None:
    assert run_one(target, text) is None


@pytest.mark.parametrize("target", sorted(TARGETS))
@BUDGET
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), pick=st.integers(min_value=0))
def test_mutated_real_inputs(target: str, seed: int, pick: int) -> None:
    corpus = seeds(target)
    text = mutate(corpus[pick % len(corpus)], random.Random(seed))
    assert run_one(target, text) is None
