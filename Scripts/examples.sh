#!/usr/bin/env bash
# The checked-in outputs of every example, made by the built planner.
#
#   Scripts/examples.sh generate [PLANNER]   rewrite Examples/expected/
#   Scripts/examples.sh check [PLANNER]      make them in a temporary folder; fail on any difference
#
# Each example with a recorded history (Examples/histories/<name>.json) is replayed into a
# temporary git repository (Scripts/replay-history.py), where simulate, suggest in every format,
# and comment on the example's pull request run. Standard error (warnings) is not recorded.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
planner=$(cd "$(dirname "${2:-.build/debug/planner}")" && pwd)/$(basename "${2:-.build/debug/planner}")
case "$mode" in
  generate) out=Examples/expected ;;
  check) out=$(mktemp -d) ;;
  *) echo "usage: Scripts/examples.sh generate|check [PLANNER]" >&2; exit 2 ;;
esac
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  if [ "$mode" = check ]; then rm -rf "$out"; fi
}
trap cleanup EXIT

for dir in Examples/*/; do
  name=$(basename "$dir")
  [ -f "$dir/Dockerfile" ] || continue
  target="$out/$name"
  mkdir -p "$target"
  "$planner" parse --format buildkit-dump "$dir/Dockerfile" >"$target/parse.dump"
  (cd "$dir" && "$planner" parse Dockerfile) >"$target/parse.json"
  (cd "$dir" && "$planner" context --by-step) >"$target/context.txt"
  [ -f "Examples/histories/$name.json" ] || continue
  repo="$work/$name"
  python3 Scripts/replay-history.py "$dir" "$repo"
  run() { (cd "$repo" && "$planner" "$@" 2>/dev/null) || [ $? -le 1 ]; }
  run simulate --commits 50 >"$target/simulate.txt"
  run simulate --commits 50 --format json >"$target/simulate.json"
  for format in text json markdown sarif rdjson gitlab github checkstyle; do
    case $format in
      text) file=suggest.txt ;;
      markdown) file=suggest.md ;;
      *) file=suggest.$format ;;
    esac
    run suggest --commits 50 --format "$format" >"$target/$file"
  done
  if git -C "$repo" rev-parse --verify --quiet pull-request >/dev/null; then
    run comment --base pr-base --head pull-request --commits 50 >"$target/comment.md"
  fi
done

if [ "$mode" = check ]; then
  if ! diff -r Examples/expected "$out"; then
    echo "Examples/expected is stale: run 'make examples' and review the diff" >&2
    exit 1
  fi
  echo "Examples/expected is up to date"
fi
