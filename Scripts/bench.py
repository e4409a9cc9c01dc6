#!/usr/bin/env python3
"""planner's benchmarks (release build). Each figure is printed with what it is compared with,
measured in the same run; nothing here passes or fails on an absolute time.

- parse: the parser alone, in-process (`planner-bench`, best of 5), on a generated 50 MB
  Dockerfile, in MB/s (target >= 50 MB/s).
- dump: `planner parse --format buildkit-dump` on the same file, end to end (process start, read,
  parse, dump, write), in MB/s and as a ratio to `wc -l` on the same file.
- check: `planner parse --check` (the parser plus the typed instruction model), end to end.
- random: 1 MiB of random bytes, parsed or rejected (target under 100 ms).
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
    bench = os.path.join(os.path.dirname(planner), "planner-bench")
    with tempfile.TemporaryDirectory() as work:
        big = os.path.join(work, "Dockerfile")
        with open(big, "w") as out:
            subprocess.run([sys.executable, os.path.join(HERE, "gen-dockerfile.py"), "50"], stdout=out, check=True)
        size_mb = os.path.getsize(big) / 1048576

        parse = subprocess.run([bench, big, "5"], capture_output=True, text=True, check=True)
        print(parse.stdout.strip() + " (target >= 50 MB/s)")

        dump = best_of(3, [planner, "parse", "--format", "buildkit-dump", big])
        wc = best_of(5, ["wc", "-l", big])
        print(f"dump: {size_mb:.1f} MB end to end in {dump:.3f} s = {size_mb / dump:.1f} MB/s; "
              f"wc -l on the same file: {wc:.3f} s (dump / wc = {dump / wc:.0f}x)")

        check = best_of(1, [planner, "parse", "--check", big])
        print(f"check: {size_mb:.1f} MB end to end in {check:.3f} s = {size_mb / check:.1f} MB/s")

        noise = os.path.join(work, "random")
        with open(noise, "wb") as out:
            out.write(os.urandom(1048576))
        random_time = best_of(5, [planner, "parse", "--format", "buildkit-dump", noise])
        print(f"random: 1 MiB of random bytes parsed or rejected in {random_time * 1000:.0f} ms "
              f"(target < 100 ms)")


if __name__ == "__main__":
    main()
