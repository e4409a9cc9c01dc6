#!/usr/bin/env python3
"""Replay an example's recorded history into a new git repository.

    Scripts/replay-history.py EXAMPLE DEST

EXAMPLE is a folder of Examples/ (its files become the first commit) and
Examples/histories/<name>.json lists the later commits, oldest first. Each commit has a
"subject" and any of: "write" {path: content}, "append" {path: text}, "delete" [path],
"chmod" {path: "755" | "644"}. DEST must not exist yet.

An optional "pullRequest" {"base": commit?, "head": commit} makes a pull request to review with
`planner comment --base pr-base --head pull-request`: branch `pr-base` is main plus the "base"
commit (when given), and branch `pull-request` adds the "head" commit on top. main stays
checked out.

Author, committer and dates are fixed, so the same history gives the same commit ids on every
machine. git runs with argument lists, never through a shell.
"""
import json
import os
import shutil
import subprocess
import sys


def git(dest, *args, env):
    subprocess.run(["git", "-C", dest, *args], check=True, env=env, stdout=subprocess.DEVNULL)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    example, dest = sys.argv[1].rstrip("/"), sys.argv[2]
    name = os.path.basename(example)
    history_path = os.path.join(os.path.dirname(example), "histories", name + ".json")
    with open(history_path, encoding="utf-8") as handle:
        history = json.load(handle)
    if os.path.exists(dest) and os.listdir(dest):
        sys.exit(f"{dest} exists and is not empty")
    shutil.copytree(example, dest, dirs_exist_ok=True)
    for root, dirs, files in os.walk(dest):
        for entry in files:
            os.chmod(os.path.join(root, entry), 0o644)

    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": dest,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Example Author",
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Example Author",
        "GIT_COMMITTER_EMAIL": "author@example.com",
    }
    git(dest, "init", "--quiet", "--initial-branch=main", env=env)
    clock = 1_735_689_600  # 2025-01-01T00:00:00Z

    def commit(subject):
        nonlocal clock
        clock += 86_400
        stamp = f"{clock} +0000"
        dated = dict(env, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        git(dest, "add", "--all", env=dated)
        git(dest, "commit", "--quiet", "--allow-empty", "--no-verify", "-m", subject, env=dated)

    def apply(entry):
        for path, content in entry.get("write", {}).items():
            target = os.path.join(dest, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(content)
        for path, text in entry.get("append", {}).items():
            with open(os.path.join(dest, path), "a", encoding="utf-8") as handle:
                handle.write(text)
        for path in entry.get("delete", []):
            os.remove(os.path.join(dest, path))
        for path, mode in entry.get("chmod", {}).items():
            os.chmod(os.path.join(dest, path), int(mode, 8))
        commit(entry["subject"])

    commit(f"Start {name}")
    for entry in history["commits"]:
        apply(entry)
    pull_request = history.get("pullRequest")
    if pull_request:
        git(dest, "checkout", "--quiet", "-b", "pr-base", env=env)
        if "base" in pull_request:
            apply(pull_request["base"])
        git(dest, "checkout", "--quiet", "-b", "pull-request", env=env)
        apply(pull_request["head"])
        git(dest, "checkout", "--quiet", "main", env=env)


if __name__ == "__main__":
    main()
