#!/usr/bin/env python3
"""planner's benchmarks (release build). Each figure is printed with what it is compared with,
measured in the same run; nothing here passes or fails on an absolute time.

- parse: the parser alone, in-process (`planner-bench`, best of 5), on a generated 50 MB
  Dockerfile, in MB/s (target >= 50 MB/s).
- dump: `planner parse --format buildkit-dump` on the same file, end to end (process start, read,
  parse, dump, write), in MB/s and as a ratio to `wc -l` on the same file.
- check: `planner parse --check` (the parser plus the typed instruction model), end to end.
- random: 1 MiB of random bytes, parsed or rejected (target under 100 ms).
- history: `planner history --commits 10000` on a generated repository (10,000 commits over a
  20,000-file tree) divided by the time of the same `git log` command (target <= 1.3), and
  planner's peak memory for 1k, 10k and 100k commits (it must not grow with N beyond the
  model's own size). `BENCH_SKIP_100K=1` skips the 100k-commit repository (about a minute to
  generate).
"""
import os
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def best_of(runs, argv, cwd=None):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=cwd)
        best = min(best, time.perf_counter() - start)
    return best


def peak_rss_mb(argv, cwd=None):
    """Peak resident memory of one run of argv, in MiB, measured by a fresh child process."""
    probe = ("import resource, subprocess, sys; "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe] + argv, cwd=cwd, capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def history_bench(planner, work):
    generator = os.path.join(HERE, "gen-history-repo.py")
    sizes = [1000, 10000] + ([] if os.environ.get("BENCH_SKIP_100K") else [100000])
    repos = {}
    for commits in sizes:
        repo = os.path.join(work, f"repo{commits}")
        subprocess.run([sys.executable, generator, "--commits", str(commits), "--files", "20000", repo],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(repo, "Dockerfile"), "w") as out:
            out.write("FROM scratch\nCOPY . /app/\n")
        repos[commits] = repo
    repo = repos[10000]
    args = [planner, "history", "--commits", "10000", "--format", "json"]
    log_args = ["git", "log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--no-follow",
                "--root", "--raw", "--no-abbrev", "-z", "--no-color", "--no-show-signature",
                "--encoding=UTF-8", "--format=%x1e%H%x1f%P%x1f%at%x1f%s", "--max-count=10000", "--"]
    planner_time = best_of(3, args, cwd=repo)
    git_time = best_of(3, log_args, cwd=repo)
    # Any program that reads git's output reads it through a pipe; this is the same command with
    # its output read by `cat`, for comparison.
    piped = ["sh", "-c", shlex.join(log_args) + " | cat > /dev/null"]
    piped_time = best_of(3, piped, cwd=repo)
    recorded = os.path.join(work, "history-bench.log")
    with open(recorded, "wb") as out:
        subprocess.run(log_args, cwd=repo, stdout=out, check=True)
    bench = os.path.join(os.path.dirname(planner), "planner-bench")
    print(subprocess.run([bench, "--history", recorded, "5"], capture_output=True, text=True, check=True).stdout.strip())
    print(f"history: planner history --commits 10000 {planner_time:.3f} s; the same git log {git_time:.3f} s; "
          f"ratio {planner_time / git_time:.2f} (target <= 1.3); git log read through a pipe "
          f"{piped_time:.3f} s, ratio {planner_time / piped_time:.2f}")
    # Peak memory of planner itself: git's own memory grows with the window (it is a child of
    # planner, so a plain measurement would count it), so planner reads the same bytes recorded.
    for commits, path in sorted(repos.items()):
        recorded = os.path.join(work, f"history{commits}.log")
        with open(recorded, "wb") as out:
            subprocess.run(log_args[:-2] + [f"--max-count={commits}", "--"], cwd=path, stdout=out, check=True)
        planner_rss = peak_rss_mb([planner, "history", "--history-file", recorded, "--commits", str(commits),
                                   "--format", "json"], cwd=path)
        git_rss = peak_rss_mb(log_args[:-2] + [f"--max-count={commits}", "--"], cwd=path)
        print(f"  peak memory at {commits} commits: planner {planner_rss:.1f} MiB (git log alone {git_rss:.1f} MiB)")


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

        history_bench(os.path.abspath(planner), work)
        suggest_bench(os.path.abspath(planner), bench, work)


def suggest_bench(planner, bench, work):
    """The order search on generated stages, and suggest on one Dockerfile outside a
    repository next to the cost of starting planner at all (--version)."""
    for steps in (10, 20, 40, 80):
        result = subprocess.run([bench, "--search", str(steps), "20"], capture_output=True,
                                text=True, check=True)
        print(result.stdout.strip() + (" (target: exact, < 50 ms)" if steps <= 40 else ""))
    folder = os.path.join(work, "suggest")
    os.makedirs(os.path.join(folder, "src"))
    with open(os.path.join(folder, "Dockerfile"), "w") as out:
        out.write("FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n"
                  "CMD [\"node\", \"dist/app.js\"]\n")
    for name in ("package.json", "package-lock.json", "src/app.js", "src/lib.js"):
        with open(os.path.join(folder, name), "w") as out:
            out.write("{}\n")
    suggest = best_of(10, [planner, "suggest"], cwd=folder)
    start = best_of(10, [planner, "--version"], cwd=folder)
    print(f"suggest: one Dockerfile outside a repository {suggest * 1000:.1f} ms (target <= 5 ms); "
          f"planner --version alone {start * 1000:.1f} ms")


if __name__ == "__main__":
    main()
