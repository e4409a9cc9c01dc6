import Foundation
import Testing

// What the `planner suggest` tests build and replay (RealBuildKitSuggestTests.swift): stand-ins
// for package managers that a busybox image lacks (`SuggestTools`), small projects whose
// proposals are built with a real BuildKit (`SuggestBuildCase`), and real public Dockerfiles whose
// proposals are measured on generated histories (`PublicDockerfile`, `FastImportHistory`).

// MARK: - Stand-in tools

/// Shell scripts named after the package managers planner knows (`npm`, `pip`, `go`, `apt-get`,
/// …), installed in `/bin` of an image built on `local/busybox:1`, so that a Dockerfile can say
/// `RUN npm ci` and BuildKit runs something with the same effects as far as planner models them.
///
/// Each script reads exactly what planner says the real tool reads (an install reads only the
/// manifests of its working folder; a build reads the whole folder) and writes what it writes
/// (`node_modules`, `site-packages`, the module cache, `/usr/share/doc`, …). Every file it writes
/// holds a digest of what it read, so that an image built from other inputs has other bytes, and
/// nothing depends on the clock, so that two builds of the same inputs are byte for byte equal.
enum SuggestTools {
  static let image = "local/suggest-tools:1"

  static let dockerfile = """
    FROM local/busybox:1
    COPY bin/ /bin/

    """

  /// File name in `/bin`, text, and whether it is a program (mode 0755) or a library (0644).
  static let files: [(name: String, text: String, isProgram: Bool)] = [
    ("suggest-tools.sh", library, false),
    ("npm", npm, true), ("yarn", yarn, true), ("pip", pip, true), ("go", go, true),
    ("apt-get", aptGet, true), ("gem", gem, true), ("bundle", bundle, true),
    ("composer", composer, true),
  ]

  static let library = #"""
    # Shared by the stand-ins: a digest of named files, or of every file below the working folder,
    # so that an output changes exactly when the inputs it was made from change.
    digest() {
      for file in "$@"; do
        if [ -f "$file" ]; then
          echo "== $file"
          cat "$file"
        fi
      done | md5sum | cut -d ' ' -f 1
    }
    # Kernel file systems (/proc, /sys, /dev) are left out: a build run in / must not read them.
    tree_digest() {
      find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \) -prune -o -type f -print \
        | sort | while read -r file; do
          echo "== $file"
          cat "$file"
        done | md5sum | cut -d ' ' -f 1
    }

    """#

  static let npm = #"""
    #!/bin/sh
    # npm, emulated: `npm ci` and `npm install` read the manifests of the working folder and
    # replace node_modules, then run the package's install scripts (preinstall, install,
    # postinstall, prepare) from package.json unless --ignore-scripts; `npm run build` reads the
    # whole folder and writes dist/.
    set -e
    . /bin/suggest-tools.sh
    home="${HOME:-/root}"
    command="$1"
    if [ $# -gt 0 ]; then shift; fi
    case "$command" in
    ci | install | i)
      if [ "$command" = ci ] && [ ! -f package-lock.json ] && [ ! -f npm-shrinkwrap.json ]; then
        echo "npm ERR! npm ci can only install with a package-lock.json" >&2
        exit 1
      fi
      manifests=$(digest package.json package-lock.json npm-shrinkwrap.json .npmrc)
      rm -rf node_modules
      mkdir -p node_modules/left-pad "$home/.npm/_cacache"
      echo "$manifests $*" > node_modules/.package-lock.json
      echo "module.exports = '$manifests';" > node_modules/left-pad/index.js
      echo "$manifests" > "$home/.npm/_cacache/index"
      scripts=yes
      for argument in "$@"; do
        if [ "$argument" = --ignore-scripts ]; then scripts=no; fi
      done
      if [ "$scripts" = yes ] && [ -f package.json ]; then
        for hook in preinstall install postinstall prepare; do
          script=$(sed -n "s/.*\"$hook\": *\"\([^\"]*\)\".*/\\1/p" package.json)
          if [ -n "$script" ]; then sh -c "$script"; fi
        done
      fi
      ;;
    cache) rm -rf "$home/.npm/_cacache" ;;
    run)
      if [ "$1" = build ]; then
        sources=$(tree_digest)
        mkdir -p dist
        echo "console.log('$sources');" > dist/main.js
      else
        echo "npm run $1: $(tree_digest)"
      fi
      ;;
    *) echo "npm $command: $(tree_digest)" ;;
    esac

    """#

  static let yarn = #"""
    #!/bin/sh
    # yarn, emulated: `yarn` and `yarn install` read only the manifests; `yarn build` reads the
    # whole folder and writes dist/.
    set -e
    . /bin/suggest-tools.sh
    command="${1:-install}"
    case "$command" in
    install | --*)
      manifests=$(digest package.json yarn.lock .yarnrc .yarnrc.yml)
      rm -rf node_modules
      mkdir -p node_modules/left-pad /usr/local/share/.cache/yarn
      echo "$manifests $*" > node_modules/.yarn-integrity
      echo "module.exports = '$manifests';" > node_modules/left-pad/index.js
      echo "$manifests" > /usr/local/share/.cache/yarn/index
      ;;
    build)
      sources=$(tree_digest)
      mkdir -p dist
      echo "console.log('$sources');" > dist/main.js
      ;;
    *) echo "yarn $command: $(tree_digest)" ;;
    esac

    """#

  static let pip = #"""
    #!/bin/sh
    # pip, emulated: `pip install -r FILE` reads the requirement file and what it names, as pip
    # does (`-r`/`-c` of another file, relative to it; `-e PATH` and `PATH` of a local project,
    # relative to the working folder); `pip install .` reads the project folder. Both write
    # site-packages, and the cache unless --no-cache-dir.
    set -e
    . /bin/suggest-tools.sh
    home="${HOME:-/root}"
    project_digest() {
      if [ ! -f "$1/setup.py" ] && [ ! -f "$1/pyproject.toml" ]; then
        echo "ERROR: $1 does not appear to be a Python project" >&2
        return 1
      fi
      (cd "$1" && tree_digest)
    }
    requirement_lines() {
      local file="$1" folder line
      if [ ! -f "$file" ]; then
        echo "ERROR: Could not open requirements file: $file" >&2
        return 1
      fi
      folder=$(dirname "$file")
      while read -r line || [ -n "$line" ]; do
        case "$line" in
        "-r "* | "--requirement "* | "-c "* | "--constraint "*)
          requirement_lines "$folder/${line#* }" || return 1
          ;;
        "-e "* | "--editable "*) project_digest "${line#* }" || return 1 ;;
        .* | /*) project_digest "$line" || return 1 ;;
        *) echo "$line" ;;
        esac
      done < "$file"
    }
    if [ "$1" != install ]; then
      echo "pip $1: not emulated" >&2
      exit 2
    fi
    shift
    requirements=""
    projects=""
    cache=yes
    while [ $# -gt 0 ]; do
      case "$1" in
      -r | --requirement | -c | --constraint)
        requirements="$requirements $2"
        shift
        ;;
      --no-cache-dir | --no-cache) cache=no ;;
      -i | --index-url) shift ;;
      -*) ;;
      *) projects="$projects $1" ;;
      esac
      shift
    done
    site=/usr/local/lib/python3/site-packages
    mkdir -p "$site"
    for file in $requirements; do
      lines=$(requirement_lines "$file") || exit 1
      name=$(echo "$file" | tr '/.' '__')
      echo "$lines" | md5sum | cut -d ' ' -f 1 > "$site/$name.installed"
    done
    for project in $projects; do
      case "$project" in
      . | ./* | /*)
        installed=$(project_digest "$project") || exit 1
        echo "$installed" > "$site/local-project.installed"
        ;;
      *) echo "$project" > "$site/$project.installed" ;;
      esac
    done
    if [ "$cache" = yes ]; then
      mkdir -p "$home/.cache/pip"
      digest $requirements > "$home/.cache/pip/selfcheck"
    fi

    """#

  static let go = #"""
    #!/bin/sh
    # go, emulated: `go mod download` reads go.mod and go.sum and fills the module cache;
    # `go build` reads the whole folder and the module cache and writes its -o output.
    set -e
    . /bin/suggest-tools.sh
    home="${HOME:-/root}"
    gopath="${GOPATH:-/go}"
    case "$1" in
    mod)
      if [ "$2" != download ]; then
        echo "go mod $2: not emulated" >&2
        exit 2
      fi
      if [ ! -f go.mod ]; then
        echo "go: go.mod file not found" >&2
        exit 1
      fi
      mkdir -p "$gopath/pkg/mod/cache/download"
      digest go.mod go.sum > "$gopath/pkg/mod/cache/download/modules.txt"
      ;;
    build)
      shift
      output=""
      while [ $# -gt 0 ]; do
        if [ "$1" = -o ]; then
          output="$2"
          shift
        fi
        shift
      done
      if [ -z "$output" ]; then output=$(basename "$PWD"); fi
      modules=$(digest "$gopath/pkg/mod/cache/download/modules.txt")
      sources=$(tree_digest)
      mkdir -p "$(dirname "$output")" "$home/.cache/go-build"
      printf '#!/bin/sh\necho %s %s\n' "$sources" "$modules" > "$output"
      chmod 755 "$output"
      echo "$sources" > "$home/.cache/go-build/last"
      ;;
    *)
      echo "go $1: not emulated" >&2
      exit 2
      ;;
    esac

    """#

  static let aptGet = #"""
    #!/bin/sh
    # apt-get, emulated: `update` writes the package index; `install` needs it and writes the
    # packages into the system trees.
    set -e
    index=/var/lib/apt/lists/deb.example.invalid_dists_stable_Packages
    case "$1" in
    update)
      mkdir -p /var/lib/apt/lists
      echo "Packages of stable" > "$index"
      ;;
    install)
      shift
      if [ ! -f "$index" ]; then
        echo "E: Unable to locate package $*" >&2
        exit 100
      fi
      mkdir -p /var/lib/dpkg
      for package in "$@"; do
        case "$package" in -*) continue ;; esac
        mkdir -p "/usr/share/doc/$package"
        echo "$package from $(cat "$index")" > "/usr/share/doc/$package/copyright"
        echo "Package: $package" >> /var/lib/dpkg/status
      done
      ;;
    clean) rm -rf /var/cache/apt/archives ;;
    *)
      echo "apt-get $1: not emulated" >&2
      exit 2
      ;;
    esac

    """#

  static let gem = #"""
    #!/bin/sh
    # gem, emulated: `gem install NAME…` writes each gem's folder.
    set -e
    if [ "$1" != install ]; then
      echo "gem $1: not emulated" >&2
      exit 2
    fi
    shift
    for name in "$@"; do
      case "$name" in -*) continue ;; esac
      mkdir -p "/usr/local/lib/ruby/gems/$name"
      echo "$name" > "/usr/local/lib/ruby/gems/$name/VERSION"
    done

    """#

  static let bundle = #"""
    #!/bin/sh
    # bundle, emulated: `bundle install` (and `bundle` alone, which is the same command) reads only
    # Gemfile and Gemfile.lock; `bundle exec` reads the whole folder.
    set -e
    . /bin/suggest-tools.sh
    home="${HOME:-/root}"
    case "${1:-install}" in
    install | --*)
      if [ ! -f Gemfile ]; then
        echo "Could not locate Gemfile" >&2
        exit 10
      fi
      mkdir -p /usr/local/bundle "$home/.bundle"
      digest Gemfile Gemfile.lock > /usr/local/bundle/installed.txt
      ;;
    exec)
      shift
      echo "bundle exec $*: $(tree_digest)"
      ;;
    *)
      echo "bundle $1: not emulated" >&2
      exit 2
      ;;
    esac

    """#

  static let composer = #"""
    #!/bin/sh
    # composer, emulated: `install` reads composer.json and composer.lock and writes vendor/;
    # unless --no-autoloader, it also writes an autoloader made from every file of the folder,
    # as `dump-autoload` does.
    set -e
    . /bin/suggest-tools.sh
    home="${HOME:-/root}"
    command="$1"
    if [ $# -gt 0 ]; then shift; fi
    autoloader=yes
    for argument in "$@"; do
      if [ "$argument" = --no-autoloader ]; then autoloader=no; fi
    done
    case "$command" in
    install)
      if [ ! -f composer.json ]; then
        echo "Composer could not find a composer.json file" >&2
        exit 1
      fi
      mkdir -p vendor/composer "$home/.composer"
      digest composer.json composer.lock > vendor/composer/installed.json
      ;;
    dump-autoload) autoloader=yes ;;
    *)
      echo "composer $command: not emulated" >&2
      exit 2
      ;;
    esac
    if [ "$autoloader" = yes ]; then
      sources=$(tree_digest)
      mkdir -p vendor
      echo "<?php // $sources" > vendor/autoload.php
    fi

    """#
}

// MARK: - Projects built with a real BuildKit

/// A small project whose Dockerfile `planner suggest` should improve, with a short history (so
/// that there is something to save) and what the proposal must be.
struct SuggestBuildCase: Sendable, CustomTestStringConvertible {
  typealias Commit = ScriptedHistory.Commit

  /// What planner should do with the Dockerfile.
  enum Expectation: Sendable {
    /// A proposal with at least these moves (an id twice means two such moves), which must build
    /// the same image.
    case proposal([String])
    /// A proposal with these moves, which planner is known to miss; the reason says why.
    /// Whatever it proposes instead must build the same image.
    case knownMissingMoves([String], String)
    /// No proposal (a reordering would change the image); if planner makes one anyway, it must
    /// build the same image.
    case noProposal(String)
    /// A proposal that is known to change the image or not to build; the reason says why.
    case knownImageChange(String)
  }

  /// Where the history comes from.
  enum Source: Sendable {
    case scripted([Commit])
    /// `Examples/node-app` with its recorded history (`Examples/histories/node-app.json`), its
    /// Dockerfile built on the stand-in tools and a lockfile added, since `npm ci` needs one.
    case nodeExample
  }

  var name: String
  var source: Source
  var expectation: Expectation
  var target: String?

  var testDescription: String { name }

  /// A folder name made of the name's letters and digits.
  var slug: String {
    let words = name.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
    return String(words.joined(separator: "-").prefix(60))
  }

  init(
    _ name: String, _ source: Source, expectation: Expectation = .proposal(["PL102"]),
    target: String? = nil
  ) {
    self.name = name
    self.source = source
    self.expectation = expectation
    self.target = target
  }

  /// The commits of the history.
  func commits() throws -> [Commit] {
    switch source {
    case .scripted(let commits): return commits
    case .nodeExample: return try Self.nodeExampleCommits()
    }
  }
}

extension SuggestBuildCase {
  static let all: [SuggestBuildCase] = [
    SuggestBuildCase("the Node example", .nodeExample),
    pipRequirements, goModules, hoistedAptGet, multiStage, metadataBetweenSteps, comments, yarn,
    bundler, composer, chownedCopy, nodeModulesInTheContext, contextAtTheRoot,
    manifestCopiedToDot, installInASubfolder, chownedFolder, npmLifecycleScript,
    editableRequirement, nestedRequirements,
  ]

  /// Source edits, a documentation edit and a manifest bump after the first commit.
  static func history(
    dockerfile: String, dockerignore: String? = nil, files: [(String, String)],
    source: String, document: String = "README.md", manifest: (String, String)
  ) -> [Commit] {
    let comment = source.hasSuffix(".py") || source.hasSuffix(".rb") ? "#" : "//"
    guard let original = files.first(where: { $0.0 == source })?.1 else { return [] }
    return [
      Commit(
        "start the project", dockerfile: dockerfile, dockerignore: dockerignore,
        files.map { .write($0.0, $0.1) }),
      Commit("edit \(source)", [.write(source, original + "\(comment) first edit\n")]),
      Commit("edit \(document)", [.write(document, "# Notes\n\nHow to run it.\n")]),
      Commit(
        "edit \(source) again", [.write(source, original + "\(comment) second edit\n")]),
      Commit("bump \(manifest.0)", [.write(manifest.0, manifest.1)]),
      Commit("edit \(source) once more", [.write(source, original + "\(comment) third\n")]),
    ]
  }

  static let pipRequirements = SuggestBuildCase(
    "pip install -r with two requirement files",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          WORKDIR /srv/app
          COPY . .
          RUN pip install --no-cache-dir -r requirements.txt -r requirements-prod.txt
          EXPOSE 8000
          CMD ["python", "-m", "app"]

          """,
        dockerignore: ".git\n__pycache__\n",
        files: [
          ("requirements.txt", "flask==3.0.0\n"), ("requirements-prod.txt", "gunicorn==21.2.0\n"),
          ("app/__init__.py", "# app\n"), ("app/main.py", "print('hello')\n"),
          ("tests/test_main.py", "def test_main(): pass\n"), ("README.md", "# app\n"),
        ], source: "app/main.py", manifest: ("requirements.txt", "flask==3.0.3\n"))))

  static let goModules = SuggestBuildCase(
    "go mod download before go build",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          ENV GOPATH=/go CGO_ENABLED=0
          WORKDIR /src
          COPY . .
          RUN go mod download
          RUN go build -o /usr/local/bin/server ./cmd/server
          ENTRYPOINT ["/usr/local/bin/server"]

          """,
        files: [
          ("go.mod", "module example.invalid/server\n\ngo 1.22\n"),
          ("go.sum", "example.invalid/lib v1.0.0 h1:abc=\n"),
          ("cmd/server/main.go", "package main\n\nfunc main() {}\n"),
          ("internal/store/store.go", "package store\n"), ("README.md", "# server\n"),
        ], source: "cmd/server/main.go",
        manifest: ("go.sum", "example.invalid/lib v1.1.0 h1:def=\n"))))

  static let hoistedAptGet = SuggestBuildCase(
    "a stable apt-get RUN below the COPY of everything moves above it",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          WORKDIR /app
          COPY . .
          RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \\
              && rm -rf /var/lib/apt/lists/*
          RUN cat config/app.ini > /app/effective.ini
          CMD ["sh", "/app/run.sh"]

          """,
        files: [
          ("config/app.ini", "[server]\nport = 8080\n"), ("run.sh", "echo running\n"),
          ("src/job.sh", "echo job\n"), ("README.md", "# job\n"),
        ], source: "src/job.sh", manifest: ("config/app.ini", "[server]\nport = 9090\n"))),
    expectation: .proposal(["PL101"]))

  static let multiStage = SuggestBuildCase(
    "a web stage, a Go builder and a runtime stage",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1 AS web
          WORKDIR /web
          COPY web/ ./
          RUN npm ci
          RUN npm run build

          FROM local/suggest-tools:1 AS build
          WORKDIR /src
          COPY . .
          RUN go mod download
          RUN go build -o /out/app ./cmd/app

          FROM local/suggest-tools:1
          RUN apt-get update && apt-get install -y tzdata
          COPY --from=build /out/app /usr/local/bin/app
          COPY --from=web /web/dist /srv/www
          USER nobody
          ENTRYPOINT ["/usr/local/bin/app"]

          """,
        dockerignore: ".git\nweb/node_modules\n",
        files: [
          ("go.mod", "module example.invalid/app\n\ngo 1.22\n"),
          ("go.sum", "example.invalid/lib v1.0.0 h1:abc=\n"),
          ("cmd/app/main.go", "package main\n\nfunc main() {}\n"),
          ("web/package.json", #"{ "name": "web", "version": "1.0.0" }"# + "\n"),
          ("web/package-lock.json", #"{ "name": "web", "lockfileVersion": 3 }"# + "\n"),
          ("web/src/index.js", "console.log('web');\n"), ("README.md", "# app\n"),
        ], source: "web/src/index.js",
        manifest: ("web/package-lock.json", #"{ "name": "web", "lockfileVersion": 3, "n": 2 }"#))),
    expectation: .proposal(["PL102", "PL102"]))

  static let metadataBetweenSteps = SuggestBuildCase(
    "ENV, WORKDIR and LABEL between the steps",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          LABEL org.opencontainers.image.source="https://example.invalid/shop"
          ARG PIP_INDEX=https://pypi.example.invalid/simple
          ENV APP_HOME=/opt/shop
          WORKDIR $APP_HOME
          COPY . .
          LABEL org.opencontainers.image.description="shop backend"
          ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
          RUN pip install --index-url "$PIP_INDEX" --no-cache-dir -r requirements.txt
          WORKDIR $APP_HOME/static
          RUN npm ci
          ENV PORT=8000
          EXPOSE 8000
          VOLUME /opt/shop/uploads
          STOPSIGNAL SIGINT
          HEALTHCHECK --interval=30s CMD ["wget", "-q", "-O", "-", "http://localhost:8000/health"]
          CMD ["python", "-m", "shop"]

          """,
        files: [
          ("requirements.txt", "django==5.0\n"), ("shop/__init__.py", "# shop\n"),
          ("shop/views.py", "def index(): pass\n"),
          ("static/package.json", #"{ "name": "static", "version": "1.0.0" }"# + "\n"),
          ("static/package-lock.json", #"{ "name": "static", "lockfileVersion": 3 }"# + "\n"),
          ("static/site.css", "body {}\n"), ("README.md", "# shop\n"),
        ], source: "shop/views.py", manifest: ("requirements.txt", "django==5.0.4\n"))),
    // Both installs get their split: pip's, and npm ci's in static/.
    expectation: .proposal(["PL102", "PL102"]))

  static let comments = SuggestBuildCase(
    "comments stay with the instructions they describe",
    .scripted(
      history(
        dockerfile: """
          # The storefront, built from its lockfile.
          FROM local/suggest-tools:1

          # Everything lives in /app.
          WORKDIR /app

          # Copy the whole project.
          # (Slow: any edit invalidates the install below.)
          COPY . .

          # Install the locked dependencies.
          RUN npm ci

          # System packages, stable for months.
          RUN apt-get update && apt-get install -y git

          # Bundle the front end.
          RUN npm run build

          CMD ["npm", "start"]

          """,
        files: [
          ("package.json", #"{ "name": "store", "version": "1.0.0" }"# + "\n"),
          ("package-lock.json", #"{ "name": "store", "lockfileVersion": 3 }"# + "\n"),
          ("src/index.js", "console.log('store');\n"), ("README.md", "# store\n"),
        ], source: "src/index.js",
        manifest: ("package-lock.json", #"{ "name": "store", "lockfileVersion": 3, "n": 2 }"#))),
    expectation: .proposal(["PL102", "PL101"]))

  static let yarn = SuggestBuildCase(
    "yarn install after a COPY into a folder WORKDIR names later",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          COPY . /usr/src/app
          WORKDIR /usr/src/app
          RUN yarn install --non-interactive --frozen-lockfile
          RUN yarn build
          CMD ["yarn", "start"]

          """,
        files: [
          ("package.json", #"{ "name": "tree", "version": "1.0.0" }"# + "\n"),
          ("yarn.lock", "# yarn lockfile v1\n"), ("src/tree.js", "module.exports = {};\n"),
          ("README.md", "# tree\n"),
        ], source: "src/tree.js", manifest: ("yarn.lock", "# yarn lockfile v1\n# bumped\n"))))

  static let bundler = SuggestBuildCase(
    "bundle install after gem installs",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          RUN gem install bundler
          RUN gem install rake
          WORKDIR /app
          COPY . /app
          RUN bundle install
          EXPOSE 3000

          """,
        files: [
          ("Gemfile", "source 'https://rubygems.example.invalid'\ngem 'rails'\n"),
          ("Gemfile.lock", "GEM\n  specs:\n    rails (7.1.0)\n"),
          ("app/models/user.rb", "class User; end\n"), ("README.md", "# api\n"),
        ], source: "app/models/user.rb",
        manifest: ("Gemfile.lock", "GEM\n  specs:\n    rails (7.1.3)\n"))))

  static let composer = SuggestBuildCase(
    "composer install without scripts or autoloader, then dump-autoload",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          WORKDIR /var/www/html
          COPY . .
          RUN composer install --no-dev --no-scripts --no-autoloader
          RUN composer dump-autoload --optimize

          """,
        files: [
          ("composer.json", #"{ "name": "acme/site" }"# + "\n"),
          ("composer.lock", #"{ "packages": [] }"# + "\n"),
          ("public/index.php", "<?php echo 'hi';\n"), ("README.md", "# site\n"),
        ], source: "public/index.php",
        manifest: ("composer.lock", #"{ "packages": [ "a" ] }"# + "\n"))))

  static let chownedCopy = SuggestBuildCase(
    "COPY --chown before an install run by that user",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          RUN echo "app:x:1000:1000::/home/app:/bin/sh" >> /etc/passwd \\
              && echo "app:x:1000:" >> /etc/group \\
              && mkdir -p /home/app/site && chown -R app:app /home/app
          USER app
          WORKDIR /home/app/site
          COPY --chown=app:app . .
          RUN npm ci
          CMD ["node", "server.js"]

          """,
        files: [
          ("package.json", #"{ "name": "site", "version": "1.0.0" }"# + "\n"),
          ("package-lock.json", #"{ "name": "site", "lockfileVersion": 3 }"# + "\n"),
          ("server.js", "console.log('site');\n"), ("README.md", "# site\n"),
        ], source: "server.js",
        manifest: ("package-lock.json", #"{ "name": "site", "lockfileVersion": 3, "n": 2 }"#))))

  static let nodeModulesInTheContext = SuggestBuildCase(
    "node_modules in the context is replaced by npm ci",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          WORKDIR /app
          COPY . .
          RUN npm ci
          CMD ["node", "index.js"]

          """,
        files: [
          ("package.json", #"{ "name": "tool", "version": "1.0.0" }"# + "\n"),
          ("package-lock.json", #"{ "name": "tool", "lockfileVersion": 3 }"# + "\n"),
          ("node_modules/left-pad/index.js", "module.exports = 'vendored';\n"),
          ("index.js", "console.log('tool');\n"), ("README.md", "# tool\n"),
        ], source: "index.js",
        manifest: ("package-lock.json", #"{ "name": "tool", "lockfileVersion": 3, "n": 2 }"#))),
    expectation: .noProposal(
      "npm ci replaces the node_modules that COPY . . brings; copying it after the install would"
        + " put the context's node_modules in the image"))

  static let contextAtTheRoot = SuggestBuildCase(
    "the context copied to the root folder",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          COPY . .
          RUN go mod download
          RUN go build -o main .
          CMD ["./main"]

          """,
        files: [
          ("go.mod", "module example.invalid/bot\n\ngo 1.22\n"),
          ("go.sum", "example.invalid/lib v1.0.0 h1:abc=\n"),
          ("main.go", "package main\n\nfunc main() {}\n"), ("README.md", "# bot\n"),
        ], source: "main.go", manifest: ("go.sum", "example.invalid/lib v1.1.0 h1:def=\n"))),
    expectation: .knownMissingMoves(
      ["PL102"],
      "with no WORKDIR, relative paths are in the base image's own working folder, which"
        + " planner cannot see (golang's is /go): the image check cannot prove the split and"
        + " withholds it, as it should"))

  static let manifestCopiedToDot = SuggestBuildCase(
    "a manifest copied to '.', then a stable RUN below the COPY of everything",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          WORKDIR /app
          COPY requirements.txt .
          RUN pip install --no-cache-dir -r requirements.txt
          COPY . .
          RUN apt-get update && apt-get install -y libpq5

          """,
        files: [
          ("requirements.txt", "psycopg==3.1.0\n"), ("app.py", "print('app')\n"),
          ("README.md", "# app\n"),
        ], source: "app.py", manifest: ("requirements.txt", "psycopg==3.1.18\n"))),
    expectation: .proposal(["PL101"]))

  static let installInASubfolder = SuggestBuildCase(
    "an install in a subfolder of the copied context",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          WORKDIR /app
          COPY . .
          WORKDIR /app/web
          RUN npm ci
          RUN npm run build

          """,
        files: [
          ("web/package.json", #"{ "name": "web", "version": "1.0.0" }"# + "\n"),
          ("web/package-lock.json", #"{ "name": "web", "lockfileVersion": 3 }"# + "\n"),
          ("web/src/index.js", "console.log('web');\n"), ("server.py", "print('api')\n"),
          ("README.md", "# monorepo\n"),
        ], source: "web/src/index.js",
        manifest: ("web/package-lock.json", #"{ "name": "web", "lockfileVersion": 3, "n": 2 }"#))),
    // The split goes to /app/web/, and 'COPY . .' becomes 'COPY . /app/' so that the WORKDIR
    // can move above it.
    expectation: .proposal(["PL102"]))

  static let chownedFolder = SuggestBuildCase(
    "COPY --chown of everything creates the folder WORKDIR names later",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          COPY --chown=1000:1000 . /usr/src/app
          WORKDIR /usr/src/app
          RUN yarn install --frozen-lockfile
          CMD ["yarn", "start"]

          """,
        files: [
          ("package.json", #"{ "name": "tree", "version": "1.0.0" }"# + "\n"),
          ("yarn.lock", "# yarn lockfile v1\n"), ("src/tree.js", "module.exports = {};\n"),
          ("README.md", "# tree\n"),
        ], source: "src/tree.js", manifest: ("yarn.lock", "# yarn lockfile v1\n# bumped\n"))),
    // The split COPY with the same --chown creates /usr/src/app first, as 1000:1000, so the
    // WORKDIR (root's) may move above the COPY of everything but not above the split.
    expectation: .proposal(["PL102"]))

  static let npmLifecycleScript = SuggestBuildCase(
    "npm ci runs a postinstall script that reads a source file",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          WORKDIR /app
          COPY . .
          RUN npm ci
          CMD ["node", "index.js"]

          """,
        files: [
          (
            "package.json",
            #"{ "name": "kit", "version": "1.0.0", "scripts": { "postinstall": "#
              + #""cp config/defaults.json node_modules/defaults.json" } }"# + "\n"
          ),
          ("package-lock.json", #"{ "name": "kit", "lockfileVersion": 3 }"# + "\n"),
          ("config/defaults.json", #"{ "port": 8080 }"# + "\n"),
          ("index.js", "console.log('kit');\n"), ("README.md", "# kit\n"),
        ], source: "index.js",
        manifest: ("package-lock.json", #"{ "name": "kit", "lockfileVersion": 3, "n": 2 }"#))),
    expectation: .noProposal(
      "npm ci runs the package's preinstall, install, postinstall and prepare scripts, which may"
        + " read any file: planner reads package.json and does not split"))

  static let editableRequirement = SuggestBuildCase(
    "a requirements file that installs the project itself (-e .)",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          WORKDIR /srv
          COPY . .
          RUN pip install --no-cache-dir -r requirements.txt
          CMD ["python", "-m", "service"]

          """,
        files: [
          ("requirements.txt", "flask==3.0.0\n-e .\n"),
          ("setup.py", "from setuptools import setup\nsetup(name='service')\n"),
          ("service/__init__.py", "# service\n"), ("service/main.py", "print('service')\n"),
          ("README.md", "# service\n"),
        ], source: "service/main.py", manifest: ("requirements.txt", "flask==3.0.3\n-e .\n"))),
    expectation: .noProposal(
      "'-e .' in requirements.txt makes pip read the whole project: planner reads the file and"
        + " does not split"))

  static let nestedRequirements = SuggestBuildCase(
    "a requirements file that includes another one",
    .scripted(
      history(
        dockerfile: """
          FROM local/suggest-tools:1
          WORKDIR /srv
          COPY . .
          RUN pip install --no-cache-dir -r requirements.txt
          CMD ["python", "app.py"]

          """,
        files: [
          ("requirements.txt", "-r requirements-base.txt\ngunicorn==21.2.0\n"),
          ("requirements-base.txt", "flask==3.0.0\n"), ("app.py", "print('app')\n"),
          ("README.md", "# app\n"),
        ], source: "app.py",
        manifest: ("requirements.txt", "-r requirements-base.txt\ngunicorn==22.0.0\n"))),
    // planner reads requirements.txt and copies the file it includes too.
    expectation: .proposal(["PL102"]))

  // MARK: The Node example

  /// One commit of `Examples/histories/<name>.json`.
  private struct RecordedCommit: Decodable {
    var subject: String
    var write: [String: String]?
    var append: [String: String]?
    var delete: [String]?
    var chmod: [String: String]?
  }

  private struct RecordedHistory: Decodable {
    var commits: [RecordedCommit]
  }

  struct ExampleFailure: Error, CustomStringConvertible {
    var description: String
  }

  /// `Examples/node-app` as its first commit (with its Dockerfile built on the stand-in tools and
  /// a lockfile added), then the commits of its recorded history.
  static func nodeExampleCommits() throws -> [Commit] {
    let examples = SharedCorpus.repositoryRoot.appendingPathComponent("Examples")
    let folder = examples.appendingPathComponent("node-app")
    let manager = FileManager.default
    guard let walker = manager.enumerator(atPath: folder.path) else {
      throw ExampleFailure(description: "cannot list \(folder.path)")
    }
    var files: [String: String] = [:]
    while let path = walker.nextObject() as? String {
      var isDirectory: ObjCBool = false
      let url = folder.appendingPathComponent(path)
      guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory),
        !isDirectory.boolValue
      else { continue }
      files[path] = try String(contentsOf: url, encoding: .utf8)
    }
    guard let dockerfile = files["Dockerfile"] else {
      throw ExampleFailure(description: "Examples/node-app has no Dockerfile")
    }
    files["Dockerfile"] = try rebased(dockerfile)
    files["package-lock.json"] =
      #"{ "name": "node-app", "version": "1.0.0", "lockfileVersion": 3 }"# + "\n"
    var current = files
    let first = Commit(
      "Start node-app",
      files.keys.sorted().compactMap { path in files[path].map { .write(path, $0) } })

    let recording = examples.appendingPathComponent("histories/node-app.json")
    let history = try JSONDecoder().decode(RecordedHistory.self, from: Data(contentsOf: recording))
    var commits = [first]
    for recorded in history.commits {
      var changes: [ScriptedHistory.Change] = []
      for (path, text) in (recorded.write ?? [:]).sorted(by: { $0.key < $1.key }) {
        current[path] = text
        changes.append(.write(path, text))
      }
      for (path, text) in (recorded.append ?? [:]).sorted(by: { $0.key < $1.key }) {
        let joined = (current[path] ?? "") + text
        current[path] = joined
        changes.append(.write(path, joined))
      }
      for path in recorded.delete ?? [] {
        current[path] = nil
        changes.append(.delete(path))
      }
      for (path, mode) in (recorded.chmod ?? [:]).sorted(by: { $0.key < $1.key }) {
        guard let value = Int(mode, radix: 8) else {
          throw ExampleFailure(description: "mode '\(mode)' of \(path) is not octal")
        }
        changes.append(.chmod(path, mode: value))
      }
      commits.append(Commit(recorded.subject, changes))
    }
    return commits
  }

  /// The example's Dockerfile on the stand-in tools: no `# syntax=` line (it would pull a
  /// frontend image) and `FROM local/suggest-tools:1` for its `node` base; all else as written.
  static func rebased(_ dockerfile: String) throws -> String {
    var lines = dockerfile.components(separatedBy: "\n")
    if lines.first?.hasPrefix("# syntax=") == true { lines.removeFirst() }
    guard let from = lines.firstIndex(where: { $0.hasPrefix("FROM node:") }) else {
      throw ExampleFailure(description: "the example's Dockerfile has no 'FROM node:' line")
    }
    lines[from] = "FROM \(SuggestTools.image) AS base"
    return lines.joined(separator: "\n")
  }
}

// MARK: - Real public Dockerfiles

/// A public Dockerfile, recorded as found (a short fact about its repository), and the kind of
/// project around it, from which a context and a history are generated.
struct PublicDockerfile: Sendable, CustomTestStringConvertible {
  /// The package manager of the project, which decides its manifests and lockfile.
  enum Ecosystem: Sendable {
    case npm, yarn, pip, go, bundler, composer
  }

  /// Whether planner should split the manifests off the COPY of everything.
  enum SplitExpectation: Sendable {
    case split
    /// It should, but is known not to; the reason says why.
    case knownMissingSplit(String)
    /// It should not: the install reads more than its manifests.
    case noSplit(String)
  }

  /// `owner/name` on GitHub.
  var repository: String
  /// The commit the text was read at.
  var commit: String
  var text: String
  var ecosystem: Ecosystem
  /// The project's files besides the manifests, README.md and docs/.
  var sources: [String]
  var expectation: SplitExpectation

  var testDescription: String { repository }

  init(
    _ repository: String, commit: String, _ ecosystem: Ecosystem, sources: [String],
    expectation: SplitExpectation = .split, _ text: String
  ) {
    self.repository = repository
    self.commit = commit
    self.text = text
    self.ecosystem = ecosystem
    self.sources = sources
    self.expectation = expectation
  }

  var slug: String {
    String(repository.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
  }
}

extension PublicDockerfile {
  /// Dockerfiles that copy the whole context (or the sources) before the dependency install.
  static let copyFirst: [PublicDockerfile] = [
    PublicDockerfile(
      "ASB24/meeting-system", commit: "ff1fab96d8cf8bb8fd8b0aaba92c6a6d442cab39", .npm,
      sources: ["src/main.ts", "src/app/app.component.ts", "src/app/meeting.service.ts"],
      """
      FROM node
      WORKDIR /app
      COPY . .
      RUN npm ci
      RUN npm run build --prod
      """),
    PublicDockerfile(
      "StatingWaif/shri-infra-homework", commit: "6fae71be928950b856a6924cd16c2f29ea730915",
      .npm, sources: ["src/index.jsx", "src/App.jsx", "src/api.js", "server/index.js"],
      """
      FROM node
      WORKDIR /app
      COPY . .
      RUN npm ci
      RUN npm run build
      CMD ["npm", "start"]
      """),
    PublicDockerfile(
      "lakshmi-narim/sasi-converter", commit: "a805dfb0c29fa856ccf4069b334c2970dfa4e10d", .npm,
      sources: ["index.js", "lib/convert.js", "public/index.html"],
      """
      FROM node:18-alpine
      WORKDIR /app
      COPY . .
      RUN npm install
      EXPOSE 7815
      CMD ["node", "index.js"]

      """),
    PublicDockerfile(
      "facebookresearch/Kats", commit: "5cf8a37c6baead14e59729bc7859d982c3a0390c", .pip,
      sources: ["kats/__init__.py", "kats/consts.py", "kats/models/prophet.py", "setup.py"],
      """
      FROM python:3.7
      WORKDIR /app
      COPY . /app
      RUN pip install -r requirements.txt
      """),
    PublicDockerfile(
      "ops86199/AI-Home-Designer", commit: "08715c09a3e7552c31845b7142e378f7c416c5cb", .pip,
      sources: ["app.py", "designer/layout.py", "templates/index.html"],
      """
      FROM python:N3.9-slim
      WORKDIR /app
      COPY . .
      RUN pip install --no-cache-dir -r requirements.txt
      EXPOSE 5000
      CMD ["python", "app.py"]

      """),
    PublicDockerfile(
      "zorro1992/task-app-devops", commit: "237161940177b14c139d83b171c3cb8917e620e0", .pip,
      sources: ["app.py", "tasks/models.py", "templates/tasks.html"],
      """
      FROM python
      COPY . /app
      WORKDIR /app
      COPY requirements.txt .
      RUN pip install -r requirements.txt
      CMD ["python", "app.py"]
      """),
    PublicDockerfile(
      "GoGerman/weatherTelegramBot", commit: "0f66988211ee8e0d85c9d6a42989c7596ce4277c", .go,
      sources: ["main.go", "weather/client.go", "bot/handlers.go"],
      expectation: .knownMissingSplit(
        "no WORKDIR: the base image's working folder is not known, so the image check cannot"
          + " prove the split"),
      """
      FROM golang

      COPY . .

      RUN go mod download

      RUN go build -o main .

      CMD ["./main"]
      """),
    PublicDockerfile(
      "Turizak/hivemind-be", commit: "e2a16e89a0455c3342e590b8810c98031da7aede", .go,
      sources: ["main.go", "handlers/posts.go", "db/db.go"],
      """
      FROM golang:1.21-alpine AS build

      WORKDIR /app
      COPY . .

      RUN go mod download
      RUN go build -o /app/main

      FROM alpine:latest

      WORKDIR /app
      COPY --from=build /app/main .

      CMD ["./main"]
      """),
    PublicDockerfile(
      "chetan-deshpande2/merkle-tree", commit: "c5431f64f692fccb95b454532fb8af73d90b6d8e", .yarn,
      sources: ["index.js", "src/merkle.js", "src/hash.js"],
      """
      FROM node:16-alpine
      COPY . /usr/src/app
      WORKDIR /usr/src/app
      RUN yarn install --non-interactive --frozen-lockfile
      """),
    PublicDockerfile(
      "pAmanda/gces-tf-api", commit: "83895419c7b6d5dc0fdede4cc4b13bbaf21086bc", .bundler,
      sources: ["app/models/user.rb", "app/controllers/users_controller.rb", "config/routes.rb"],
      """
      FROM ruby:2.5.7
      RUN gem install bundler
      RUN gem install rake
      WORKDIR /app
      COPY . /app
      RUN bundle install
      EXPOSE 3000
      # CMD ["rails", "server", "-b", "0.0.0.0"]
      """),
    PublicDockerfile(
      "patbenatar/rbexy", commit: "519e3125d6db2aff4df2a6ab26e0d530019c5b26", .bundler,
      sources: ["lib/rbexy.rb", "lib/rbexy/parser.rb", "lib/rbexy/lexer.rb"],
      """
      FROM ruby:3.1.1
      RUN apt-get update -qq

      WORKDIR /app

      COPY . .
      RUN bundle
      RUN bundle exec appraisal bundle 

      """),
    PublicDockerfile(
      "natanfelles/adminer-bootstrap-like", commit: "5297b97f341dbfdc6a5a1f14fee4b4519f8f83b2",
      .composer, sources: ["public/index.php", "src/Plugin.php", "css/style.css"],
      expectation: .noSplit(
        "composer install without --no-scripts and --no-autoloader reads the sources"),
      """
      FROM natanfelles/php-base
      COPY . /var/www
      WORKDIR /var/www
      RUN composer install --no-dev
      CMD ["php", "-S", "[::]:8080", "-t", "/var/www/public"]
      EXPOSE 8080

      """),
  ]

  /// Dockerfiles that already copy the manifests before the install.
  static let cacheFriendly: [PublicDockerfile] = [
    PublicDockerfile(
      "yunhyunglee/dockeradmin", commit: "2bcbc80bd8e1253b1a8b8bafdee428e8d9fdd117", .npm,
      sources: ["src/main.jsx", "src/App.jsx", "index.html"],
      """
      FROM node
      WORKDIR /app
      COPY package.json package-lock.json ./
      RUN npm ci
      COPY . .
      CMD ["npm","run","dev"]
      """),
    PublicDockerfile(
      "palfrey/wharf", commit: "2ff4bc743f2344b6bb74eeb0ece988b570552e82", .pip,
      sources: ["manage.py", "wharf/settings.py", "apps/views.py"],
      """
      FROM python:3
      WORKDIR /app
      COPY requirements.txt /app
      RUN pip install -r requirements.txt
      COPY . /app
      """),
    PublicDockerfile(
      "keaaa/http-echo", commit: "0fd65e19e31ab75e3e22a4cec8bec1df62f252c0", .go,
      sources: ["main.go", "echo/handler.go"],
      """
      FROM golang:alpine as builder
      RUN apk update && apk add ca-certificates 

      WORKDIR /app
      COPY go.mod go.sum ./
      RUN go mod download

      COPY . .
      RUN CGO_ENABLED=0 GOOS=linux go build -ldflags "-s -w" -a -installsuffix cgo -o /usr/local/bin/http-echo

      FROM scratch
      COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
      COPY --from=builder /usr/local/bin/http-echo /usr/local/bin/http-echo
      EXPOSE 8080
      ENTRYPOINT ["/usr/local/bin/http-echo"]

      """),
    PublicDockerfile(
      "owen2345/e2e_tests_connector", commit: "4b2c07f122f26edfe3fe6b3a69d4656f35b34296",
      .bundler, sources: ["lib/connector.rb", "lib/connector/client.rb", "spec/spec_helper.rb"],
      """
      FROM ruby:2.5
      RUN apt-get update -qq
      RUN gem install bundler
      WORKDIR /app
      COPY Gemfile Gemfile.lock /app/
      RUN bundle install
      COPY . /app

      """),
    PublicDockerfile(
      "policygenius/eslint-config-policygenius",
      commit: "22de5c633c5bd3c2450fa4f6dc01c7ac8a89d0e4", .yarn,
      sources: ["index.js", "rules/react.js", "rules/base.js"],
      """
      FROM node:14.17

      COPY package.json /app/
      COPY yarn.lock /app/

      WORKDIR /app

      RUN yarn --frozen-lockfile

      COPY . /app/

      """),
    PublicDockerfile(
      "tamannabothra/StockWatch", commit: "cacf5e80fcfabaa1454efdb2ed2f12a975b7d469", .pip,
      sources: ["app.py", "stocks/fetch.py", "templates/index.html"],
      """
      FROM python:3.9-slim
      WORKDIR /app
      COPY requirements.txt .
      RUN pip install --no-cache -r requirements.txt
      COPY . .
      EXPOSE 5000
      CMD ["python", "app.py"]

      """),
    PublicDockerfile(
      "data-tinker/golang-redis-example", commit: "4269612481936eb09428bd6c7ce20c9161ed7d61",
      .go, sources: ["main.go", "cache/redis.go"],
      """
      FROM golang:1.21 AS builder
      WORKDIR /app
      COPY go.mod go.sum ./
      RUN go mod download
      COPY . ./
      RUN CGO_ENABLED=0 go build -o main

      FROM alpine:3.18
      WORKDIR /app
      COPY --from=builder /app/main /app/main
      RUN ls -la /app  # List the contents of /app in the final stage
      CMD ["/app/main"]

      """),
    PublicDockerfile(
      "unixporn/trup", commit: "32448fc24889841522665ce73421040b1f06d4c3", .go,
      sources: [
        "main.go", "db/db.go", "command/command.go", "ctx/ctx.go", "misc/misc.go",
        "eventhandler/eventhandler.go", "routine/routine.go",
      ],
      """
      FROM golang:1.14-alpine

      RUN mkdir /app

      WORKDIR /app

      ADD go.mod go.sum /app/
      RUN go mod download

      COPY db /app/db
      COPY command /app/command
      COPY ctx /app/ctx
      COPY misc /app/misc
      COPY eventhandler /app/eventhandler
      COPY routine /app/routine
      COPY *.go /app/

      RUN go build -o main .

      CMD ["/app/main"]

      """),
    PublicDockerfile(
      "dakur17/a433-microservices", commit: "0192f1b20187eb0d65b04de0b73ae2929293be62", .npm,
      sources: ["index.js", "orders.js"],
      """
      FROM node:18-alpine
      WORKDIR /src
      COPY package*.json ./
      RUN npm install
      COPY ./*.js ./
      EXPOSE 8080
      CMD ["node", "index.js"]
      """),
  ]
}

// MARK: - Generated histories

extension PublicDockerfile {
  /// The manifests at the root of the project, with the lockfile's text after `bump` bumps.
  func manifests(bump: Int) -> [(path: String, text: String)] {
    switch ecosystem {
    case .npm:
      return [
        (
          "package.json",
          #"{ "name": "app", "version": "1.0.0", "dependencies": { "lib": "^2.0.0" } }"# + "\n"
        ),
        (
          "package-lock.json",
          #"{ "name": "app", "lockfileVersion": 3, "lib": "2.0.\#(bump)" }"# + "\n"
        ),
      ]
    case .yarn:
      return [
        (
          "package.json",
          #"{ "name": "app", "version": "1.0.0", "dependencies": { "lib": "^2.0.0" } }"# + "\n"
        ),
        ("yarn.lock", "# yarn lockfile v1\n\nlib@^2.0.0:\n  version \"2.0.\(bump)\"\n"),
      ]
    case .pip:
      return [("requirements.txt", "flask==3.0.\(bump)\nrequests==2.31.0\n")]
    case .go:
      return [
        (
          "go.mod",
          "module example.invalid/app\n\ngo 1.21\n\nrequire example.invalid/lib v1.\(bump).0\n"
        ),
        (
          "go.sum",
          "example.invalid/lib v1.\(bump).0 h1:\(String(repeating: "a", count: bump + 1))=\n"
        ),
      ]
    case .bundler:
      return [
        ("Gemfile", "source 'https://rubygems.example.invalid'\ngem 'rack'\n"),
        ("Gemfile.lock", "GEM\n  specs:\n    rack (3.0.\(bump))\n"),
      ]
    case .composer:
      return [
        ("composer.json", #"{ "name": "acme/app", "require": { "lib/lib": "^2.0" } }"# + "\n"),
        (
          "composer.lock",
          #"{ "packages": [ { "name": "lib/lib", "version": "2.0.\#(bump)" } ] }"# + "\n"
        ),
      ]
    }
  }

  /// The lockfile: the manifest a dependency bump rewrites.
  var lockfile: String {
    switch ecosystem {
    case .npm: return "package-lock.json"
    case .yarn: return "yarn.lock"
    case .pip: return "requirements.txt"
    case .go: return "go.sum"
    case .bundler: return "Gemfile.lock"
    case .composer: return "composer.lock"
    }
  }

  /// A file's first text, in the syntax its extension suggests.
  static func initialText(of path: String) -> String {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    switch path.split(separator: ".").last ?? "" {
    case "go": return "package \(path.contains("/") ? path.split(separator: "/")[0] : "main")\n"
    case "py", "rb": return "# \(name)\n"
    case "php": return "<?php\n// \(name)\n"
    case "html": return "<!doctype html>\n<title>\(name)</title>\n"
    case "css": return "/* \(name) */\n"
    case "md": return "# \(name)\n"
    default: return "// \(name)\n"
    }
  }

  /// A line that fits at the end of `path`, different for each `edit`.
  static func editLine(for path: String, _ edit: Int) -> String {
    switch path.split(separator: ".").last ?? "" {
    case "py", "rb": return "# change \(edit)\n"
    case "html": return "<!-- change \(edit) -->\n"
    case "css": return "/* change \(edit) */\n"
    case "md": return "\nChange \(edit) explained.\n"
    default: return "// change \(edit)\n"
    }
  }

  /// The first commit and 49 edits, the same on every machine: mostly source edits (a new source
  /// file now and then), some README and docs edits, and a lockfile bump every 10 commits.
  func history() -> [FastImportHistory.Commit] {
    var files: [String: String] = [:]
    for path in sources { files[path] = Self.initialText(of: path) }
    for manifest in manifests(bump: 0) { files[manifest.path] = manifest.text }
    files["README.md"] = "# \(repository)\n"
    files["docs/setup.md"] = "# Setup\n"
    files["Dockerfile"] = text
    var commits = [
      FastImportHistory.Commit(
        subject: "import \(repository)",
        writes: files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    ]
    var random = SplitMix(
      state: repository.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 })
    var sourceFiles = sources
    var bumps = 0
    for index in 1..<50 {
      let write: (path: String, text: String)
      let subject: String
      if index % 10 == 0 {
        bumps += 1
        guard let lock = manifests(bump: bumps).first(where: { $0.path == lockfile }) else {
          continue
        }
        write = lock
        subject = "bump dependencies (\(lock.path))"
      } else if index % 6 == 0 || sourceFiles.isEmpty {
        let document = random.next() % 2 == 0 ? "README.md" : "docs/setup.md"
        write = (document, (files[document] ?? "") + Self.editLine(for: document, index))
        subject = "document (\(document))"
      } else if index % 11 == 5 {
        // A new file next to an existing source file.
        let sibling = sourceFiles[Int(random.next() % UInt64(sourceFiles.count))]
        let folder =
          sibling.contains("/")
          ? String(sibling[..<(sibling.lastIndex(of: "/") ?? sibling.endIndex)]) + "/" : ""
        let fileExtension = sibling.split(separator: ".").last.map(String.init) ?? "txt"
        let path = "\(folder)added\(index).\(fileExtension)"
        sourceFiles.append(path)
        write = (path, Self.initialText(of: path))
        subject = "add \(path)"
      } else {
        let path = sourceFiles[Int(random.next() % UInt64(sourceFiles.count))]
        write = (path, (files[path] ?? "") + Self.editLine(for: path, index))
        subject = "edit \(path)"
      }
      files[write.path] = write.text
      commits.append(FastImportHistory.Commit(subject: subject, writes: [write]))
    }
    return commits
  }
}

/// A git history written by one `git fast-import` process: fast enough for a suite that always
/// runs. Commits are dated a minute apart from `GitRunner.epoch`, with `GitRunner`'s identity,
/// and every file has mode 0644.
enum FastImportHistory {
  struct Commit: Sendable {
    var subject: String
    var writes: [(path: String, text: String)]
  }

  /// Writes `commits` into a new repository at `repository` (which must not exist yet) and
  /// checks the last one out.
  static func record(_ commits: [Commit], in repository: URL) throws {
    let manager = FileManager.default
    try manager.createDirectory(at: repository, withIntermediateDirectories: true)
    let git = GitRunner(repository: repository)
    try git.run(["init", "-q", "--initial-branch=main", "."])
    var stream = Data()
    func append(_ text: String) { stream.append(contentsOf: Array(text.utf8)) }
    for (index, commit) in commits.enumerated() {
      let stamp = "\(GitRunner.epoch + 60 * index) +0000"
      append("commit refs/heads/main\n")
      append("author Planner Test <planner@example.invalid> \(stamp)\n")
      append("committer Planner Test <planner@example.invalid> \(stamp)\n")
      append("data \(commit.subject.utf8.count)\n\(commit.subject)\n")
      for write in commit.writes {
        append("M 100644 inline \(write.path)\ndata \(write.text.utf8.count)\n\(write.text)\n")
      }
    }
    append("done\n")
    let streamFile = repository.deletingLastPathComponent()
      .appendingPathComponent("\(repository.lastPathComponent).fast-import")
    try stream.write(to: streamFile)
    defer { try? manager.removeItem(at: streamFile) }
    try importStream(from: streamFile, into: repository)
    try git.run(["reset", "-q", "--hard", "main"])
  }

  /// Runs `git fast-import` with the stream file as its standard input.
  private static func importStream(from streamFile: URL, into repository: URL) throws {
    let input = try FileHandle(forReadingFrom: streamFile)
    defer { try? input.close() }
    let errors = repository.deletingLastPathComponent()
      .appendingPathComponent("\(repository.lastPathComponent).fast-import-errors")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errors) }
    let errorHandle = try FileHandle(forWritingTo: errors)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: GitRunner.executable)
    process.arguments = ["-C", repository.path, "fast-import", "--quiet", "--done"]
    process.environment = [
      "PATH": "/usr/bin:/bin", "HOME": repository.path, "LC_ALL": "C",
      "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    ]
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errorHandle
    try process.run()
    process.waitUntilExit()
    try errorHandle.close()
    guard process.terminationStatus == 0 else {
      throw ScriptedProcess.Failure(
        command: "git fast-import", status: process.terminationStatus,
        output: String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self))
    }
  }
}
