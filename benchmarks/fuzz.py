"""Long fuzzing campaigns: N mutated inputs per parser; crashes are saved for regression tests.

    python benchmarks/fuzz.py [--inputs 100000] [--seed 1] [--only dockerfile,shell] [--out DIR]

Prints, per parser, how many inputs ran and how many raised anything but ParseError. Each crash is
written to OUT/<parser>-<n>.txt with its traceback, ready to become a test.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz_targets import TARGETS, mutate, run_one, seeds


def campaign(target: str, inputs: int, seed: int, out: Path) -> tuple[int, int, float]:
    rng = random.Random(seed)
    corpus = seeds(target)
    crashes = 0
    start = time.perf_counter()
    for index in range(inputs):
        text = mutate(rng.choice(corpus), rng)
        error = run_one(target, text)
        if error is not None:
            crashes += 1
            out.mkdir(parents=True, exist_ok=True)
            report = "".join(traceback.format_exception(error))
            (out / f"{target}-{crashes}.txt").write_text(f"{report}\n---- input ----\n{text}")
        if index % 5000 == 0 and index:
            corpus.append(text)  # grow the corpus with survivors
    return inputs, crashes, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default=",".join(TARGETS))
    parser.add_argument("--out", type=Path, default=Path("fuzz-crashes"))
    args = parser.parse_args()
    print(f"{'parser':<12} {'inputs':>9} {'crashes':>8} {'seconds':>8}")
    for target in args.only.split(","):
        ran, crashes, seconds = campaign(target, args.inputs, args.seed, args.out)
        print(f"{target:<12} {ran:>9} {crashes:>8} {seconds:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
