#!/usr/bin/env python3
"""Generate a git repository with a long history, for benchmarking planner's history reading.

    Scripts/gen-history-repo.py PATH [--commits 10000] [--files 20000] [--seed 1]

PATH must not exist yet (or be an empty folder). The first commit adds FILES files; each later
commit on `main` edits a few of them, chosen with a skew so that some files are hot and most are
cold, and now and then deletes, renames (a deletion plus an addition), makes a file executable,
edits the Dockerfile or the npm manifests, or merges a side branch. COMMITS counts the first-parent
commits of `main` (merges included, the side branch's own commits not), which is what
`planner --commits` reads.

The output is deterministic: the same arguments give the same commit ids. The whole history is
written by one `git fast-import` process, so 10,000 commits over 20,000 files take seconds.

To compare planner's reading with git's own cost, time the command planner runs
(`GitLogParser.logArguments` in Sources/PlannerCore/History/GitLogParser.swift):

    git -C PATH log --first-parent --diff-merges=first-parent --no-renames --no-follow --root \\
      --raw --no-abbrev -z --no-color --no-show-signature --encoding=UTF-8 \\
      '--format=%x1e%H%x1f%P%x1f%at%x1f%s' --max-count=10000 -- > history.log
"""
import argparse
import os
import random
import subprocess
import sys

SPECIAL_FILES = [
    "Dockerfile",
    ".dockerignore",
    "package.json",
    "package-lock.json",
    "docs/a file with spaces.md",
    "docs/na\u00efve \u2603.md",
]


class History:
    """Writes a fast-import stream and keeps track of the tree of `main`."""

    def __init__(self, out, rng, files):
        self.out = out
        self.rng = rng
        self.versions = {}  # path -> version number, for unique contents
        self.live = []  # paths present on main
        self.where = {}  # path -> index in self.live
        self.next_mark = 1
        self.time = 1_600_000_000
        self.next_file = 0
        for path in SPECIAL_FILES:
            self.add_path(path)
        for _ in range(files - len(SPECIAL_FILES)):
            self.add_path(self.new_path())

    def new_path(self):
        number = self.next_file
        self.next_file += 1
        return f"src/pkg{number % 97:02d}/mod{(number // 97) % 31:02d}/file{number:06d}.js"

    def add_path(self, path):
        self.where[path] = len(self.live)
        self.live.append(path)
        self.versions.setdefault(path, 0)

    def remove_path(self, path):
        index = self.where.pop(path)
        last = self.live.pop()
        if last != path:
            self.live[index] = last
            self.where[last] = index

    def write(self, text):
        self.out.write(text.encode("utf-8"))

    def data(self, payload):
        raw = payload.encode("utf-8")
        self.out.write(b"data %d\n" % len(raw))
        self.out.write(raw)
        self.out.write(b"\n")

    def content(self, path):
        return f"// {path}\nexport const version = {self.versions[path]};\n"

    def modify(self, path, mode="100644", bump=True):
        if bump:
            self.versions[path] += 1
        self.write(f"M {mode} inline {path}\n")
        self.data(self.content(path))

    def commit(self, branch, message, parents, operations):
        """One commit on `branch`; `operations` writes its file changes. Returns its mark."""
        mark = self.next_mark
        self.next_mark += 1
        self.time += 60
        self.write(f"commit refs/heads/{branch}\nmark :{mark}\n")
        self.write(f"author Gen <gen@example.com> {self.time} +0000\n")
        self.write(f"committer Gen <gen@example.com> {self.time} +0000\n")
        self.data(message)
        if parents:
            self.write(f"from :{parents[0]}\n")
            for parent in parents[1:]:
                self.write(f"merge :{parent}\n")
        operations()
        self.write("\n")
        return mark

    def hot_path(self):
        """A live source file, skewed so that a few change often. The special files come first
        in `live` and are never removed; they change on their own schedule."""
        first = len(SPECIAL_FILES)
        index = first + int((len(self.live) - first) * self.rng.random() ** 3)
        return self.live[min(index, len(self.live) - 1)]


def generate(out, commits, files, seed):
    rng = random.Random(seed)
    history = History(out, rng, max(files, len(SPECIAL_FILES)))

    def everything():
        for path in sorted(history.live):
            history.modify(path, bump=False)

    head = history.commit("main", "Add the project", [], everything)
    side_pending = None  # (mark, paths) of a side-branch commit waiting to be merged
    for number in range(2, commits + 1):
        roll = rng.random()
        if side_pending is not None and roll < 0.3:
            side_mark, side_paths = side_pending

            def merge(paths=side_paths):
                for path in paths:
                    if path in history.where:
                        history.modify(path, bump=False)

            message = f"Merge branch 'side' ({number})"
            head = history.commit("main", message, [head, side_mark], merge)
            side_pending = None
            continue
        if side_pending is None and roll < 0.04:
            paths = sorted({history.hot_path() for _ in range(rng.randint(1, 4))})

            def side_change(paths=paths):
                for path in paths:
                    history.modify(path)

            side_mark = history.commit("side", f"Side change {number}", [head], side_change)
            side_pending = (side_mark, paths)

        def change(number=number):
            touched = set()
            for _ in range(1 + int(rng.expovariate(0.5))):
                path = history.hot_path()
                if path not in touched:
                    touched.add(path)
                    history.modify(path)
            if number % 40 == 0:
                history.modify("Dockerfile")
            if number % 15 == 0:
                history.modify("package.json")
                history.modify("package-lock.json")
            if number % 50 == 0:
                history.modify(".dockerignore")
            kind = rng.random()
            pick = history.hot_path()
            candidates = [pick] if pick not in touched and pick not in SPECIAL_FILES else []
            if kind < 0.02 and candidates:  # a rename: a deletion plus an addition
                old = candidates[0]
                new = history.new_path()
                history.write(f"D {old}\n")
                history.remove_path(old)
                history.versions[new] = history.versions.pop(old)
                history.add_path(new)
                history.modify(new, bump=False)
            elif kind < 0.03 and candidates:  # chmod +x: same blob, new mode
                history.modify(candidates[0], mode="100755", bump=False)
            elif kind < 0.04 and candidates:  # a deletion
                history.write(f"D {candidates[0]}\n")
                history.remove_path(candidates[0])
            elif kind < 0.06:  # a new file
                path = history.new_path()
                history.add_path(path)
                history.modify(path)

        head = history.commit("main", f"Change {number}\n\nGenerated.\n", [head], change)
    history.write("done\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="where to create the repository (must not exist, or be empty)")
    parser.add_argument("--commits", type=int, default=10_000, help="first-parent commits on main")
    parser.add_argument("--files", type=int, default=20_000, help="files in the first commit")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same history)")
    arguments = parser.parse_args()
    if arguments.commits < 1 or arguments.files < 1:
        parser.error("--commits and --files must be at least 1")
    if os.path.exists(arguments.path) and os.listdir(arguments.path):
        parser.error(f"{arguments.path} exists and is not empty")

    environment = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", arguments.path],
                   check=True, env=environment)
    importer = subprocess.Popen(["git", "-C", arguments.path, "fast-import", "--quiet", "--done"],
                                stdin=subprocess.PIPE, env=environment)
    try:
        generate(importer.stdin, arguments.commits, arguments.files, arguments.seed)
    except BrokenPipeError:
        pass
    finally:
        try:
            importer.stdin.close()
        except BrokenPipeError:
            pass
    if importer.wait() != 0:
        sys.exit(f"git fast-import failed with exit status {importer.returncode}")
    subprocess.run(["git", "-C", arguments.path, "checkout", "--quiet", "--force", "main"],
                   check=True, env=environment)


if __name__ == "__main__":
    main()
