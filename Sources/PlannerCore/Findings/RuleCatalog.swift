/// Every rule planner reports, with a stable id. The README's rule table, SARIF's rule metadata
/// and the check of pragma ids all read this one list.
package struct Rule: Hashable, Sendable {
  package enum Category: String, Hashable, Sendable {
    /// A move that keeps the image and saves rebuild time (measured by replaying history).
    case cache
    /// A `.dockerignore` line: saves rebuilds, but changes what the image may contain.
    case context
    /// Image size and reproducibility, from the advice on small images.
    case hygiene
    /// The input itself: a Dockerfile BuildKit would reject.
    case input
  }

  package var id: String
  /// A short kebab-case name, as SARIF's `name`.
  package var name: String
  package var category: Category
  package var level: Finding.Level
  /// One sentence: what the rule finds.
  package var summary: String
  /// Why it matters and what to do, a few sentences (SARIF's `help`, the README).
  package var help: String
}

package enum RuleCatalog {
  package static let all: [Rule] = [
    Rule(
      id: "PL001", name: "dockerfile-error", category: .input, level: .error,
      summary: "BuildKit would reject the Dockerfile.",
      help:
        "The file does not parse, or an instruction breaks BuildKit's rules (an unknown flag, a "
        + "missing argument, a stage name used twice…); the message says which. Nothing else is "
        + "reported for the file until it builds."),
    Rule(
      id: "PL101", name: "reorder-steps", category: .cache, level: .warning,
      summary: "Steps that rarely change run after steps that change often.",
      help:
        "BuildKit re-runs a step and every later step of its stage when its cache key changes. "
        + "Running the rarely-changing steps first keeps them cached; the order is proven to "
        + "build the same image."),
    Rule(
      id: "PL102", name: "manifest-first-copy", category: .cache, level: .warning,
      summary: "A dependency install runs after a COPY of the whole source.",
      help:
        "Copy the dependency manifests (package.json and its lockfile, requirements.txt, go.mod "
        + "and go.sum, …) and install before copying the rest, so that a source edit no longer "
        + "reinstalls every dependency."),
    Rule(
      id: "PL103", name: "merge-runs", category: .cache, level: .note,
      summary: "Adjacent RUNs always rebuild together.",
      help:
        "Two RUNs that are never cached apart can be one RUN: one layer fewer at no cache cost. "
        + "Never merged across cd, export, source, set, an exec-form RUN or a SHELL change."),
    Rule(
      id: "PL104", name: "update-with-install", category: .cache, level: .warning,
      summary: "A package index update is in another RUN than its install.",
      help:
        "A cached `apt-get update` layer keeps a stale index that a later install reads; "
        + "update and install in one RUN."),
    Rule(
      id: "PL105", name: "split-run", category: .cache, level: .warning,
      summary: "A RUN chain mixes a stable, expensive part with one that reads volatile files.",
      help:
        "Split the chain so that its stable part can run before the volatile COPY and stay "
        + "cached."),
    Rule(
      id: "PL106", name: "sink-arg", category: .cache, level: .warning,
      summary: "An ARG is declared long before its first use.",
      help:
        "An ARG whose value changes re-runs every later RUN of its stage; declare it just "
        + "before the first step that uses it."),
    Rule(
      id: "PL201", name: "dockerignore-advice", category: .context, level: .note,
      summary: "Files that an image rarely needs cause rebuilds.",
      help:
        "Adding the pattern to .dockerignore stops changes to these files from re-running "
        + "steps. It changes what the image contains: confirm that nothing in the image uses "
        + "them."),
    Rule(
      id: "PL301", name: "update-without-install", category: .hygiene, level: .warning,
      summary: "`apt-get update` or `apk update` runs in a RUN without the install.",
      help:
        "The update's layer is cached, so a later install reads an index that may be months "
        + "old. Update and install in the same RUN (`apt-get update && apt-get install …`, or "
        + "`apk add --no-cache …`)."),
    Rule(
      id: "PL302", name: "build-deps-removed-later", category: .hygiene, level: .warning,
      summary: "Build-time packages are removed in a later RUN than the one that installed them.",
      help:
        "Removing files in a later layer does not make the image smaller: the earlier layer "
        + "still holds them. Install, build and remove in one RUN, with a named virtual group "
        + "(`apk add --virtual .build-deps … && … && apk del .build-deps`), or build in an "
        + "earlier stage of a multi-stage build."),
    Rule(
      id: "PL303", name: "package-cache-left", category: .hygiene, level: .warning,
      summary: "A package manager's cache is left in a layer.",
      help:
        "Use `apk add --no-cache`, remove `/var/lib/apt/lists/*` in the RUN that installs, "
        + "`pip install --no-cache-dir`; or, with BuildKit, a cache mount "
        + "(`RUN --mount=type=cache,target=…`) that keeps the cache out of the image."),
    Rule(
      id: "PL304", name: "dev-dependencies-in-final-stage", category: .hygiene, level: .warning,
      summary: "Development dependencies are installed into the final stage.",
      help:
        "Test and build tools only make the image larger and add packages to keep patched. "
        + "Install runtime dependencies only (`npm ci --omit=dev`, `composer install --no-dev`, "
        + "`bundle config set without 'development test'`), or install the rest in a build stage."),
    Rule(
      id: "PL305", name: "build-tools-in-final-stage", category: .hygiene, level: .warning,
      summary: "Compilers or SDKs stay in the final stage.",
      help:
        "Compilers, headers and VCS tools are needed to build, not to run. Build in one stage "
        + "and copy the result into a final stage without them, or remove them in the RUN that "
        + "installed them."),
    Rule(
      id: "PL306", name: "context-hygiene", category: .hygiene, level: .warning,
      summary: "The build context sends VCS or editor folders, or has no .dockerignore.",
      help:
        "Every file of the context is sent to the builder and may be copied into the image. "
        + "Exclude `.git`, other VCS and editor folders with a .dockerignore."),
    Rule(
      id: "PL307", name: "package-upgrade", category: .hygiene, level: .warning,
      summary: "`apt-get upgrade` or `apk upgrade` runs in the image.",
      help:
        "An upgrade makes the image depend on the day it was built, and its layer is cached "
        + "anyway. Prefer a newer tag of the base image."),
    Rule(
      id: "PL308", name: "large-base-image", category: .hygiene, level: .note,
      summary: "A large base image where a slim or Alpine variant of the same family exists.",
      help:
        "A slim or Alpine variant is often a fraction of the size and has fewer packages to "
        + "patch. Alpine uses musl rather than glibc: some programs rely on glibc-only behaviour "
        + "(such as `strftime`'s `%P`), so test before switching."),
    Rule(
      id: "PL309", name: "flatten-image", category: .hygiene, level: .note,
      summary: "An image is flattened with `docker export | docker import`.",
      help:
        "Flattening drops the image's history, config and layer sharing. A multi-stage build "
        + "gives the same benefit (only the final stage's files ship) and keeps them."),
  ]

  package static func rule(_ id: String) -> Rule? { byID[id.uppercased()] }

  private static let byID: [String: Rule] = Dictionary(
    uniqueKeysWithValues: all.map { ($0.id, $0) })
}
