#!/usr/bin/env python3
"""planner's benchmarks (release build). Each figure is printed with the reference it is compared
with, measured in the same run; nothing here passes or fails on an absolute time.

- parse: `planner parse --format buildkit-dump` on a generated 50 MB Dockerfile, end to end
  (process start, read, parse, dump, write), in MB/s and as a ratio to `wc -l` on the same file.
- random: 1 MiB of random bytes, parsed or rejected (target under 0.1 s).
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def best_of(runs, argv):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main():
    planner = sys.argv[1] if len(sys.argv) > 1 else ".build/release/planner"
    with tempfile.TemporaryDirectory() as work:
        big = os.path.join(work, "Dockerfile")
        with open(big, "w") as out:
            subprocess.run([sys.executable, os.path.join(HERE, "gen-dockerfile.py"), "50"], stdout=out, check=True)
        size_mb = os.path.getsize(big) / 1048576
        parse = best_of(5, [planner, "parse", "--format", "buildkit-dump", big])
        wc = best_of(5, ["wc", "-l", big])
        print(f"parse: {size_mb:.1f} MB in {parse:.3f} s = {size_mb / parse:.1f} MB/s (target >= 50 MB/s)")
        print(f"  reference wc -l: {wc:.3f} s; parse takes {parse / wc:.1f}x wc")

        noise = os.path.join(work, "random")
        with open(noise, "wb") as out:
            out.write(os.urandom(1048576))
        random_time = best_of(5, [planner, "parse", "--format", "buildkit-dump", noise])
        print(f"random: 1 MiB of random bytes parsed or rejected in {random_time * 1000:.0f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
