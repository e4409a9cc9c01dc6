#!/usr/bin/env bash
# Creates or updates planner's sticky pull-request comment (the shell of action.yml).
#
# It runs `planner comment` for the pull request, then finds planner's earlier comment (the one
# whose body starts with the hidden marker `<!-- planner -->`) and updates it, or creates one.
#
# Environment (action.yml sets all of it):
#   PLANNER         path to the planner executable
#   PR_NUMBER       the pull request's number
#   REPOSITORY      owner/name
#   BASE_SHA        the base revision (github.event.pull_request.base.sha)
#   HEAD_SHA        the head revision (github.event.pull_request.head.sha)
#   COMMITS         how many first-parent commits of the base to replay (default 50)
#   CONTEXT         the build context folder (default .)
#   DOCKERFILES     the Dockerfiles, separated by spaces, tabs or newlines (default Dockerfile).
#                   A name that contains whitespace cannot be given; glob characters stay literal.
#   QUIET_IF_CLEAN  true or false (default true)
#   GH_TOKEN        the token gh uses (GH_HOST and GH_ENTERPRISE_TOKEN too on GitHub Enterprise)
#
# When there is nothing to report (planner prints nothing with --quiet-if-clean): an earlier
# comment is rewritten to a one-line "nothing to report", so that a warning the pull request has
# since fixed does not linger; with no earlier comment nothing is posted.
#
# Exit status: planner's own when it fails (its stderr passes through, and nothing is posted);
# 1, after posting, when planner exits 1 (findings at or above a --fail-level set in planner's
# configuration); 2 for a missing or invalid setting; gh's when a call fails; 0 otherwise.
set -euo pipefail

readonly marker='<!-- planner -->'

fail_usage() {
  printf 'action-comment.sh: %s\n' "$1" >&2
  exit 2
}

[[ -n "${PLANNER:-}" ]] || fail_usage 'PLANNER must name the planner executable'
[[ -n "${PR_NUMBER:-}" ]] || fail_usage 'PR_NUMBER must be the pull request number'
[[ -n "${REPOSITORY:-}" ]] || fail_usage 'REPOSITORY must be owner/name'
[[ -n "${BASE_SHA:-}" ]] || fail_usage 'BASE_SHA must be the base revision'
[[ -n "${HEAD_SHA:-}" ]] || fail_usage 'HEAD_SHA must be the head revision'
commits="${COMMITS:-50}"
context="${CONTEXT:-.}"

arguments=(comment --base "$BASE_SHA" --head "$HEAD_SHA" --commits "$commits" --context "$context")
case "${QUIET_IF_CLEAN:-true}" in
  true | True | TRUE) arguments+=(--quiet-if-clean) ;;
  false | False | FALSE) ;;
  *) fail_usage "QUIET_IF_CLEAN must be true or false, not '${QUIET_IF_CLEAN}'" ;;
esac

# Split on whitespace into an array: `read -a` neither expands globs nor sees quotes, so every
# name reaches planner exactly as written. `-d ''` reads past newlines; at the end of its input
# read returns 1, which is expected. `--` keeps a name that starts with '-' a file name.
dockerfiles=()
IFS=$' \t\n' read -r -d '' -a dockerfiles <<<"${DOCKERFILES:-Dockerfile}" || true
if ((${#dockerfiles[@]} == 0)); then
  dockerfiles=(Dockerfile)
fi
arguments+=(-- "${dockerfiles[@]}")

workdir="$(mktemp -d)"
trap 'rm -rf -- "$workdir"' EXIT
body="$workdir/comment.md"

# Status 1 means findings at or above the configured --fail-level: the report is complete, so it
# is posted and the step then fails. Any other failure posts nothing.
status=0
"$PLANNER" "${arguments[@]}" >"$body" || status=$?
if ((status != 0 && status != 1)); then
  printf '::error title=planner::planner comment failed with exit status %d (its messages are above); no comment was posted\n' \
    "$status" >&2
  exit "$status"
fi

# The first comment that starts with the marker is planner's (gh prints one id a line).
ids="$(gh api --paginate "repos/$REPOSITORY/issues/$PR_NUMBER/comments" \
  --jq '.[] | select(.body | startswith("<!-- planner -->")) | .id')"
existing_id="${ids%%$'\n'*}"

if ! grep -q '[^[:space:]]' "$body"; then
  if [[ -z "$existing_id" ]]; then
    echo "planner: nothing to report, and no earlier comment to update"
    exit "$status"
  fi
  printf '%s\n%s\n' "$marker" \
    "planner: nothing to report for this pull request's Dockerfiles." >"$body"
fi

if [[ -n "$existing_id" ]]; then
  gh api --method PATCH "repos/$REPOSITORY/issues/comments/$existing_id" -F body=@"$body" \
    >/dev/null
  echo "planner: updated comment $existing_id"
else
  gh api --method POST "repos/$REPOSITORY/issues/$PR_NUMBER/comments" -F body=@"$body" \
    >/dev/null
  echo "planner: commented on pull request #$PR_NUMBER"
fi

if ((status == 1)); then
  echo '::error title=planner::planner found problems at or above the configured --fail-level (see the comment)' >&2
fi
exit "$status"
