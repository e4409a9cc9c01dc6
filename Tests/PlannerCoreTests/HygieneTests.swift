import Foundation
import Testing

@testable import PlannerCore

/// Each rule's examples: Dockerfiles that must get the finding at the marked instruction, and
/// near misses that must get none.
@Suite("Image hygiene")
struct HygieneTests {
  static func findings(
    _ source: String, file: String = "Dockerfile", contextFiles: [String]? = nil,
    allContextPaths: [String]? = nil, hasIgnoreFile: Bool? = nil, scripts: [String: String] = [:],
    target: String? = nil
  ) -> [Finding] {
    Hygiene.check(
      source: Array(source.utf8),
      input: HygieneInput(
        file: file, contextFiles: contextFiles, allContextPaths: allContextPaths,
        hasIgnoreFile: hasIgnoreFile, scripts: scripts.mapValues { Array($0.utf8) },
        target: target))
  }

  /// Expects exactly the findings of `rule` at the marked instructions (none when `at` is
  /// empty), and returns them.
  @discardableResult
  static func expect(
    _ rule: String, in marked: String, at markers: [String], file: String = "Dockerfile",
    contextFiles: [String]? = nil, allContextPaths: [String]? = nil, hasIgnoreFile: Bool? = nil,
    target: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) -> [Finding] {
    let source = MarkedSource(marked)
    let found = findings(
      source.text, file: file, contextFiles: contextFiles, allContextPaths: allContextPaths,
      hasIgnoreFile: hasIgnoreFile, target: target
    ).filter { $0.rule == rule }
    let expected = markers.map { marker in
      source.positions[marker].map { "\(rule) at \($0.line):\($0.column)" } ?? marker
    }
    let actual = found.map { "\($0.rule) at \($0.range.start.line):\($0.range.start.column)" }
    #expect(actual == expected, sourceLocation: sourceLocation)
    return found
  }

  // MARK: - PL301 update without install

  @Test func anUpdateReadByALaterInstallIsReported() throws {
    let found = Self.expect(
      "PL301",
      in: """
        FROM debian:bookworm-slim
        1️⃣RUN apt-get update
        RUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*
        CMD ["curl", "https://example.com"]
        """, at: ["1️⃣"])
    let finding = try #require(found.first)
    #expect(finding.message.contains("'apt-get update'"))
    #expect(finding.message.contains("line 3"))
    #expect(finding.subject == "RUN apt-get update")
    #expect(finding.level == .warning)
  }

  @Test func anUpdateInABaseStageIsReadByTheStagesBuiltOnIt() {
    Self.expect(
      "PL301",
      in: """
        FROM alpine:3.20 AS base
        1️⃣RUN apk update
        FROM base
        RUN apk add curl
        """, at: ["1️⃣"])
  }

  @Test func updatesThatNoInstallReadsStaleAreNotReported() {
    // Update and install in one RUN.
    Self.expect(
      "PL301",
      in: """
        FROM debian:bookworm
        RUN apt-get update && apt-get install -y curl
        """, at: [])
    // Nothing installs later.
    Self.expect(
      "PL301",
      in: """
        FROM debian:bookworm
        RUN apt-get update
        """, at: [])
    // `apk add --no-cache` and `apk add -U` fetch their own index.
    Self.expect(
      "PL301",
      in: """
        FROM alpine:3.20
        RUN apk update
        RUN apk add --no-cache curl
        RUN apk add -U git
        """, at: [])
    // The install refreshes first.
    Self.expect(
      "PL301",
      in: """
        FROM debian:bookworm
        RUN apt-get update
        RUN apt-get update && apt-get install -y curl
        """, at: [])
    // The update's RUN may install through a script.
    Self.expect(
      "PL301",
      in: """
        FROM debian:bookworm
        RUN apt-get update && ./install-deps.sh
        RUN apt-get install -y curl
        """, at: [])
    // Another stage, not built on the first.
    Self.expect(
      "PL301",
      in: """
        FROM debian:bookworm AS one
        RUN apt-get update
        FROM debian:bookworm
        RUN apt-get install -y curl
        """, at: [])
  }

  // MARK: - PL302 build dependencies removed later

  /// A php-fpm image in the style of "Creating Smaller Docker Containers": build dependencies
  /// in a virtual group, PHP extensions, a monitoring agent, then the group removed.
  static func articleStyle(removeInSameRUN: Bool) -> String {
    let remove = removeInSameRUN ? " \\\n    && apk del .build-deps" : ""
    let later = removeInSameRUN ? "" : "3️⃣RUN apk del .build-deps\n"
    return """
      FROM php:8.2-fpm-alpine
      ENV DD_AGENT_VERSION=1.2.3
      WORKDIR /srv/app
      1️⃣RUN apk add --no-cache --virtual .build-deps $PHPIZE_DEPS icu-dev libxml2-dev \\
          && apk add --no-cache icu-libs libxml2 \\
          && docker-php-ext-install -j"$(nproc)" intl soap opcache \\
          && pecl install redis \\
          && docker-php-ext-enable redis\(remove)
      2️⃣RUN curl -fsSL -o /tmp/agent.tar.gz "https://example.com/agent-${DD_AGENT_VERSION}.tar.gz" \\
          && tar -xzf /tmp/agent.tar.gz -C /opt \\
          && /opt/agent/install.sh \\
          && rm /tmp/agent.tar.gz
      \(later)COPY . .
      """
  }

  @Test func theArticleStyleRemovalInALaterRunIsReported() throws {
    let source = MarkedSource(Self.articleStyle(removeInSameRUN: false))
    let found = Self.findings(source.text, hasIgnoreFile: true)
    #expect(found.map(\.rule) == ["PL302"])
    let finding = try #require(found.first)
    #expect(finding.range.start == source.positions["3️⃣"])
    #expect(
      finding.message
        == "'.build-deps' is installed on line 4 and removed here, in a later RUN: the layer of "
        + "line 4 still holds it; install, build and remove in one RUN ('apk add --virtual "
        + ".build-deps … && apk del .build-deps') or build in an earlier stage")
    #expect(finding.subject == ".build-deps")
    #expect(finding.fix == nil)
  }

  @Test func theArticleStyleRemovalInTheSameRunIsClean() {
    let source = MarkedSource(Self.articleStyle(removeInSameRUN: true))
    #expect(Self.findings(source.text, hasIgnoreFile: true).isEmpty)
  }

  @Test func aVendorInstallerDoesNotHideCompilersLeftBehind() {
    // The article's monitoring agent is installed by its own script; an installer adds
    // software, so git (never removed) is still reported.
    Self.expect(
      "PL305",
      in: """
        FROM php:8.3-fpm-alpine
        1️⃣RUN apk add --no-cache --virtual .build-deps $PHPIZE_DEPS icu-dev \
            && apk add --no-cache icu-libs git
        RUN curl -fsSL -o /tmp/agent.tar.gz https://example.com/agent.tar.gz \
            && tar -xzf /tmp/agent.tar.gz -C /tmp \
            && /tmp/agent/newrelic-install install
        RUN apk del .build-deps
        CMD ["php-fpm"]
        """, at: ["1️⃣"])
    // A script that may remove packages still keeps planner quiet.
    Self.expect(
      "PL305",
      in: """
        FROM php:8.3-fpm-alpine
        RUN apk add --no-cache git
        RUN /usr/local/bin/cleanup.sh
        CMD ["php-fpm"]
        """, at: [])
  }

  @Test func gitThatTheImageServesOrRunsIsNotABuildTool() {
    // Gitea's final stage: git with an SSH server is the application's own need.
    Self.expect(
      "PL305",
      in: """
        FROM alpine:3.20
        RUN apk --no-cache add bash ca-certificates curl gettext git linux-pam openssh s6 sqlite su-exec gnupg \\
            && rm -rf /var/cache/apk/*
        ENTRYPOINT ["/usr/bin/entrypoint"]
        """, at: [])
    // pre-commit runs git.
    Self.expect(
      "PL305",
      in: """
        FROM python:3.12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends git \\
            && rm -rf /var/lib/apt/lists/*
        RUN pip install --no-cache-dir pre-commit
        ENTRYPOINT ["pre-commit"]
        """, at: [])
  }

  @Test func aptPackagesPurgedInALaterRunAreReported() throws {
    let found = Self.expect(
      "PL302",
      in: """
        FROM python:3.12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev make \\
            && rm -rf /var/lib/apt/lists/*
        RUN pip install --no-cache-dir psycopg2
        1️⃣RUN apt-get purge -y gcc make
        CMD ["python", "app.py"]
        """, at: ["1️⃣"])
    #expect(found.first?.message.hasPrefix("'gcc' and 'make' are installed on line 2") == true)
  }

  @Test func packagesNamedByAVariableAreMatchedByValueOrByName() {
    Self.expect(
      "PL302",
      in: """
        FROM debian:bookworm-slim
        ENV BUILD_DEPS="gcc make"
        RUN apt-get update && apt-get install -y $BUILD_DEPS && rm -rf /var/lib/apt/lists/*
        1️⃣RUN apt-get purge -y $BUILD_DEPS
        """, at: ["1️⃣"])
    let found = Self.expect(
      "PL302",
      in: """
        FROM alpine:3.20
        ARG DEPS
        RUN apk add --no-cache $DEPS
        1️⃣RUN apk del $DEPS
        """, at: ["1️⃣"])
    #expect(found.first?.subject == "$DEPS")
  }

  @Test func removalsThatDoNotShipOrDoNotMatchAreNotReported() {
    // A build stage that only feeds COPY --from.
    Self.expect(
      "PL302",
      in: """
        FROM alpine:3.20 AS build
        RUN apk add --no-cache build-base
        RUN apk del build-base
        FROM alpine:3.20
        COPY --from=build /out /out
        """, at: [])
    // Removing what the file never installed, or a member of a virtual group by name.
    Self.expect(
      "PL302",
      in: """
        FROM alpine:3.20
        RUN apk add --no-cache --virtual .deps gcc
        RUN apk del curl gcc
        """, at: [])
  }

  // MARK: - PL303 package caches

  @Test func apkAddWithoutNoCacheIsReportedWithAOneLineFix() throws {
    let found = Self.expect(
      "PL303",
      in: """
        FROM alpine:3.20
        1️⃣RUN set -eux; \\
            apk add curl \\
                git; \\
            echo done
        CMD ["sh"]
        """, at: ["1️⃣"])
    let finding = try #require(found.first)
    #expect(finding.subject == "apk add curl git")
    let fix = try #require(finding.fix)
    #expect(fix.file == "Dockerfile")
    #expect(
      fix.replacements == [
        .init(
          range: SourceRange(start: .init(line: 3, column: 1), end: .init(line: 4, column: 1)),
          text: "    apk add --no-cache curl \\\n")
      ])
  }

  @Test func apkCachesThatAreCleanedOrMountedAreNotReported() {
    for run in [
      "RUN apk add --no-cache curl",
      "RUN apk --no-cache add curl",
      "RUN apk add curl && rm -rf /var/cache/apk/*",
      "RUN apk add curl && apk cache clean",
      "RUN --mount=type=cache,target=/var/cache/apk apk add curl",
    ] {
      Self.expect("PL303", in: "FROM alpine:3.20\n\(run)\n", at: [])
    }
    // Only in a build stage.
    Self.expect(
      "PL303",
      in: """
        FROM alpine:3.20 AS build
        RUN apk add build-base
        FROM scratch
        COPY --from=build /out /out
        """, at: [])
  }

  @Test func aptListsLeftByTheUpdateOfTheSameRunAreReported() throws {
    let found = Self.expect(
      "PL303",
      in: """
        FROM ubuntu:24.04
        1️⃣RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
        """, at: ["1️⃣"])
    #expect(found.first?.message.contains("rm -rf /var/lib/apt/lists/*") == true)
    #expect(found.first?.fix == nil)
    // Lists fetched by an earlier RUN are still in the image.
    let later = Self.expect(
      "PL303",
      in: """
        FROM ubuntu:24.04
        RUN apt-get update
        1️⃣RUN apt-get install -y curl
        RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*
        RUN apt-get install -y --no-install-recommends vim
        """, at: ["1️⃣"])
    #expect(
      later.first?.message
        == "'apt-get install' reads the lists that line 2 fetched, and no RUN removes them from "
        + "the image: update, install and 'rm -rf /var/lib/apt/lists/*' in one RUN")
    for run in [
      "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
      "RUN apt-get update && apt-get install -y curl && apt-get clean && rm -rf /var/lib/apt/lists",
      "RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update "
        + "&& apt-get install -y curl",
      // No RUN fetched lists.
      "RUN apt-get install -y ./local.deb",
    ] {
      Self.expect("PL303", in: "FROM ubuntu:24.04\n\(run)\n", at: [])
    }
  }

  @Test func pipInstallWithoutNoCacheDirIsReportedWithAOneLineFix() throws {
    let found = Self.expect(
      "PL303",
      in: """
        FROM python:3.12-slim
        WORKDIR /app
        COPY requirements.txt .
        1️⃣RUN python -m pip install -r requirements.txt
        CMD ["python", "app.py"]
        """, at: ["1️⃣"])
    let fix = try #require(found.first?.fix)
    #expect(
      fix.replacements.map(\.text) == [
        "RUN python -m pip install --no-cache-dir -r requirements.txt\n"
      ])
    #expect(fix.description == "add --no-cache-dir to 'pip install'")
  }

  @Test func pipCachesThatAreOffOrMountedAreNotReported() {
    for lines in [
      "RUN pip install --no-cache-dir flask",
      "ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask",
      "RUN PIP_NO_CACHE_DIR=off pip install flask",
      "RUN --mount=type=cache,target=/root/.cache/pip pip install flask",
      "RUN pip install flask && rm -rf /root/.cache",
      "RUN pip install --no-cache flask",
      "RUN pip install /wheels/app-1.0-py3-none-any.whl",
      "COPY pip.conf /etc/pip.conf\nRUN pip install flask",
    ] {
      Self.expect(
        "PL303", in: "FROM python:3.12-slim\n\(lines)\nCMD [\"flask\", \"run\"]\n", at: [])
    }
  }

  // MARK: - PL304 development dependencies

  @Test func npmCiWithDevDependenciesInTheFinalImageIsReported() throws {
    let found = Self.expect(
      "PL304",
      in: """
        FROM node:20-slim
        WORKDIR /app
        COPY . .
        1️⃣RUN npm ci
        CMD ["node", "server.js"]
        """, at: ["1️⃣"])
    #expect(
      found.first?.message
        == "'npm ci' installs devDependencies into the final image: use 'npm ci --omit=dev' or "
        + "set NODE_ENV=production")
  }

  @Test func aBuildAfterAFullInstallSuggestsABuildStage() throws {
    let found = Self.expect(
      "PL304",
      in: """
        FROM node:20-slim
        WORKDIR /app
        COPY . .
        1️⃣RUN npm ci && npm run build
        CMD ["node", "dist/server.js"]
        """, at: ["1️⃣"])
    let message = try #require(found.first?.message)
    #expect(message.contains("'npm run build' on line 4"))
    #expect(message.contains("build in an earlier stage"))
    // `--prod` given to the build script does not prune anything.
    Self.expect(
      "PL304",
      in: """
        FROM node
        WORKDIR /app
        COPY . .
        1️⃣RUN npm ci
        RUN npm run build --prod
        """, at: ["1️⃣"])
  }

  @Test func productionInstallsAndPrunedOrBuildStageInstallsAreNotReported() {
    for lines in [
      "RUN npm ci --omit=dev",
      "RUN npm ci --only=production",
      "RUN npm install --production",
      "ENV NODE_ENV=production\nRUN npm ci",
      "RUN NODE_ENV=production npm ci",
      "RUN npm ci && npm run build && npm prune --omit=dev",
      "RUN npm ci\nRUN npm run build\nRUN npm prune --production",
      "RUN npm install express",
      "RUN npm install -g pm2",
      "RUN yarn install --production --frozen-lockfile",
    ] {
      Self.expect(
        "PL304", in: "FROM node:20-slim\nWORKDIR /app\n\(lines)\nCMD [\"node\", \"server.js\"]\n",
        at: [])
    }
    // The install runs in a build stage; the final stage copies the output.
    Self.expect(
      "PL304",
      in: """
        FROM node:20 AS build
        WORKDIR /app
        COPY . .
        RUN npm ci && npm run build
        FROM node:20-slim
        COPY --from=build /app/dist /app
        CMD ["node", "/app/server.js"]
        """, at: [])
  }

  @Test func developmentImagesAndToolboxesAreNotChecked() {
    let source =
      "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"npm\", \"run\", \"dev\"]\n"
    Self.expect("PL304", in: source, at: [])
    for file in ["Dockerfile.dev", "docker/test.Dockerfile", ".devcontainer/Dockerfile"] {
      Self.expect(
        "PL304", in: "FROM node:20\nRUN npm ci\nCMD [\"node\", \"x.js\"]\n", at: [], file: file)
    }
    Self.expect("PL304", in: "FROM node:20\nRUN npm ci\nCMD [\"bash\"]\n", at: [])
    Self.expect("PL304", in: "FROM node:20 AS dev\nRUN npm ci\n", at: [])
    // A folder named dev says nothing; nor does a missing command (compose may give it).
    Self.expect("PL304", in: "FROM node:20\n1️⃣RUN npm ci\n", at: ["1️⃣"], file: "dev/build/Dockerfile")
    // A base image that is not an official one may set NODE_ENV.
    Self.expect(
      "PL304", in: "FROM acme/node-base:20\nRUN npm ci\nCMD [\"node\", \"x.js\"]\n", at: [])
  }

  @Test func otherEcosystemsDevelopmentInstallsAreReported() {
    Self.expect(
      "PL304",
      in: """
        FROM php:8.3-fpm-alpine
        COPY --from=composer:2 /usr/bin/composer /usr/bin/composer
        1️⃣RUN composer install --no-interaction
        RUN composer dump-autoload --no-dev
        """, at: ["1️⃣"])
    Self.expect(
      "PL304",
      in: """
        FROM python:3.12-slim
        1️⃣RUN pip install --no-cache-dir -r requirements.txt -r requirements-dev.txt
        2️⃣RUN pip install --no-cache-dir -e ".[dev]"
        CMD ["gunicorn", "app:app"]
        """, at: ["1️⃣", "2️⃣"])
    Self.expect(
      "PL304",
      in: """
        FROM ruby:3.3-slim
        1️⃣RUN bundle install
        CMD ["bundle", "exec", "puma"]
        """, at: ["1️⃣"])
    Self.expect(
      "PL304",
      in: """
        FROM node:20-alpine
        1️⃣RUN yarn install --frozen-lockfile
        CMD ["node", "index.js"]
        """, at: ["1️⃣"])
  }

  @Test func wrappersAndInstallsRemovedInTheSameRunAreRead() {
    // `gosu user …` and `bundle exec …` run the command after them.
    Self.expect(
      "PL304",
      in: """
        FROM ruby:3.3
        1️⃣RUN gosu app bundle install --jobs 4
        2️⃣RUN bundle exec bin/yarn install
        """, at: ["1️⃣", "2️⃣"])
    // The gems only build the manual: Ruby and the gems go in the same RUN.
    Self.expect(
      "PL304",
      in: """
        FROM debian:bookworm
        RUN apt-get update && apt-get install -y ruby ruby-dev make \\
            && (cd /app/docs && bundle install) && make -C /app install \\
            && apt-get purge -y ruby ruby-dev && rm -rf /var/lib/apt/lists/* /var/lib/gems
        ENTRYPOINT ["/usr/local/bin/app"]
        """, at: [])
  }

  @Test func otherEcosystemsRuntimeInstallsAreNotReported() {
    Self.expect(
      "PL304",
      in: """
        FROM php:8.3-fpm-alpine
        RUN composer install --no-dev --optimize-autoloader
        """, at: [])
    Self.expect(
      "PL304",
      in: """
        FROM python:3.12-slim
        RUN pip install --no-cache-dir -r requirements.txt -r requirements/devices.txt
        CMD ["gunicorn", "app:app"]
        """, at: [])
    for setting in [
      "ENV BUNDLE_WITHOUT=development:test\nRUN bundle install",
      "RUN bundle config set --local without 'development test' && bundle install",
      "RUN bundle install --without development test",
    ] {
      Self.expect(
        "PL304", in: "FROM ruby:3.3-slim\n\(setting)\nCMD [\"bundle\", \"exec\", \"puma\"]\n",
        at: [])
    }
  }

  @Test func flagsPassedThroughVariablesAreReadWordByWord() {
    for (image, lines) in [
      (
        "php:8.3-fpm-alpine",
        "ARG COMPOSER_FLAGS=\"--no-dev --optimize-autoloader\"\nRUN composer install $COMPOSER_FLAGS"
      ),
      ("php:8.3-fpm-alpine", "ARG COMPOSER_ARGS\nRUN composer install ${COMPOSER_ARGS}"),
      (
        "ruby:3.3-slim",
        "ARG BUNDLE_FLAGS=\"--without development test\"\nRUN bundle install ${BUNDLE_FLAGS}"
      ),
      ("ruby:3.3-slim", "ARG BUNDLE_FLAGS\nRUN bundle install $BUNDLE_FLAGS"),
      ("node:20-slim", "ARG NPM_FLAGS=\"--no-audit --omit=dev\"\nRUN npm ci $NPM_FLAGS"),
      ("node:20-slim", "ARG NPM_FLAGS\nRUN npm ci $NPM_FLAGS"),
      (
        "node:20-slim",
        "ENV YARN_FLAGS=\"--frozen-lockfile --production\"\nRUN yarn install $YARN_FLAGS"
      ),
      ("node:20-slim", "ARG YARN_FLAGS\nRUN yarn install --frozen-lockfile ${YARN_FLAGS}"),
    ] {
      Self.expect("PL304", in: "FROM \(image)\n\(lines)\nCMD [\"/srv/app\"]\n", at: [])
    }
    // A known value without such a flag is still read, word by word.
    Self.expect(
      "PL304",
      in: """
        FROM php:8.3-fpm-alpine
        ARG COMPOSER_FLAGS="--optimize-autoloader --no-interaction"
        1️⃣RUN composer install $COMPOSER_FLAGS
        CMD ["php-fpm"]
        """, at: ["1️⃣"])
    Self.expect(
      "PL304",
      in: """
        FROM node:20-slim
        ARG NPM_FLAGS="--no-audit --no-fund"
        1️⃣RUN npm ci $NPM_FLAGS
        CMD ["node", "server.js"]
        """, at: ["1️⃣"])
  }

  @Test func aLongChainOfInstallsIsReadWhole() {
    // What runs after each command used to be gathered again for every command: 2,000
    // commands in one RUN took seconds in a debug build (no timing is asserted here; the suite's
    // time shows it).
    let chain = Array(repeating: "npm ci", count: 2_000).joined(separator: " && ")
    let built = Self.findings(
      "FROM node:20-slim\nRUN \(chain) && npm run build\nCMD [\"node\", \"server.js\"]\n")
    #expect(built.count == 2_000)
    #expect(built.allSatisfy { $0.rule == "PL304" && $0.range.start.line == 2 })
    #expect(built.allSatisfy { $0.message.contains("'npm run build' on line 2") })
    let pruned = Self.findings(
      "FROM node:20-slim\nRUN \(chain) && npm prune --omit=dev\nCMD [\"node\", \"server.js\"]\n")
    #expect(pruned.isEmpty)
  }

  // MARK: - PL305 build tools in the final image

  @Test func compilersLeftInTheFinalImageAreReported() throws {
    let found = Self.expect(
      "PL305",
      in: """
        FROM node:20-alpine
        1️⃣RUN apk add --no-cache python3 make g++ git
        COPY . .
        RUN npm ci --omit=dev
        CMD ["node", "server.js"]
        """, at: ["1️⃣"])
    #expect(found.first?.subject == "make g++ git")
    #expect(
      found.first?.message.hasPrefix("'make', 'g++' and 'git' stay in the final image") == true)
  }

  @Test func phpizeDependenciesLeftOnThePHPImageAreReported() {
    Self.expect(
      "PL305",
      in: """
        FROM php:8.3-fpm-alpine
        1️⃣RUN apk add --no-cache $PHPIZE_DEPS && pecl install redis && docker-php-ext-enable redis
        """, at: ["1️⃣"])
  }

  @Test func compilersRemovedOrNeededOrInToolboxesAreNotReported() {
    for run in [
      // Removed in the same RUN, by group or by name.
      "RUN apk add --no-cache --virtual .build-deps build-base && make && apk del .build-deps",
      "RUN apt-get update && apt-get install -y build-essential && make "
        + "&& apt-get purge -y --auto-remove build-essential && rm -rf /var/lib/apt/lists/*",
      // The official images' pattern: everything installed is marked auto, then purged.
      #"RUN savedAptMark="$(apt-mark showmanual)"; apt-get update; apt-get install -y gcc; "#
        + "make; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; "
        + "apt-get purge -y --auto-remove; rm -rf /var/lib/apt/lists/*",
    ] {
      Self.expect("PL305", in: "FROM debian:bookworm-slim\n\(run)\nCMD [\"/app\"]\n", at: [])
    }
    // Removed in a later RUN: PL302 reports it, not PL305.
    Self.expect(
      "PL305",
      in: """
        FROM alpine:3.20
        RUN apk add --no-cache gcc musl-dev
        RUN gcc -o /app main.c
        RUN apk del gcc
        CMD ["/app"]
        """, at: [])
    // The command runs the tool; a toolbox only opens a shell; no program at all.
    Self.expect(
      "PL305", in: "FROM alpine:3.20\nRUN apk add --no-cache make\nCMD [\"make\", \"serve\"]\n",
      at: [])
    Self.expect(
      "PL305", in: "FROM alpine:3.20\nRUN apk add --no-cache gcc git\nCMD [\"bash\"]\n", at: [])
    Self.expect(
      "PL305",
      in: "FROM ubuntu:24.04\nRUN apt-get install -y build-essential\nCMD sleep infinity\n",
      at: [])
    // A piped setup script installs; a script of the image's own may remove packages.
    Self.expect(
      "PL305",
      in: """
        FROM debian:bookworm-slim
        1️⃣RUN apt-get update && apt-get install -y git curl && rm -rf /var/lib/apt/lists/*
        RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
        """, at: ["1️⃣"])
    Self.expect(
      "PL305",
      in: """
        FROM debian:bookworm-slim
        RUN apt-get update && apt-get install -y git curl && rm -rf /var/lib/apt/lists/*
        RUN /usr/local/bin/cleanup.sh
        """, at: [])
    // A plain autoremove keeps what was installed by name.
    Self.expect(
      "PL305",
      in: """
        FROM debian:bookworm-slim
        1️⃣RUN apt-get update && apt-get install -y gcc && apt-get autoremove -y \\
            && rm -rf /var/lib/apt/lists/*
        """, at: ["1️⃣"])
    // Only the build stage holds them.
    Self.expect(
      "PL305",
      in: """
        FROM golang:1.23-alpine AS build
        RUN apk add --no-cache git make
        FROM alpine:3.20
        COPY --from=build /out/app /app
        CMD ["/app"]
        """, at: [])
  }

  @Test func gitServingTheApplicationsRepositoriesIsNotABuildTool() {
    Self.expect(
      "PL305",
      in: """
        FROM ruby:3.3-slim
        RUN apt-get update && apt-get install -y --no-install-recommends git mercurial subversion \\
            && rm -rf /var/lib/apt/lists/*
        CMD ["rails", "server"]
        """, at: [])
    Self.expect(
      "PL305",
      in: """
        FROM ruby:3.3-slim
        1️⃣RUN apt-get update && apt-get install -y --no-install-recommends git \\
            && rm -rf /var/lib/apt/lists/*
        CMD ["rails", "server"]
        """, at: ["1️⃣"])
  }

  @Test func theSavedManualListKeepsWhatEarlierRunsInstalled() {
    Self.expect(
      "PL305",
      in: """
        FROM debian:bookworm-slim
        1️⃣RUN apt-get update && apt-get install -y make && rm -rf /var/lib/apt/lists/*
        RUN savedAptMark="$(apt-mark showmanual)"; \\
            apt-get update; apt-get install -y gcc; \\
            gcc -o /usr/local/bin/app app.c; \\
            apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; \\
            apt-get purge -y --auto-remove; rm -rf /var/lib/apt/lists/*
        CMD ["/usr/local/bin/app"]
        """, at: ["1️⃣"])
  }

  // MARK: - PL306 context hygiene

  @Test func aContextWithoutAnIgnoreFileIsReportedAtTheTop() throws {
    let found = Self.findings(
      "FROM alpine:3.20\nCOPY . /app\n", allContextPaths: [".git/HEAD", "app.sh"],
      hasIgnoreFile: false
    ).filter { $0.rule == "PL306" }
    #expect(found.count == 1)
    let finding = try #require(found.first)
    #expect(finding.range == SourceRange.lines(1, 1))
    #expect(finding.subject == ".dockerignore")
    #expect(finding.message.contains("'.git' included"))
  }

  @Test func foldersThatAStepCopiesAreReportedOncePerKind() throws {
    let files = [".git/HEAD", ".git/config", ".idea/workspace.xml", "src/.DS_Store", "src/a.js"]
    let found = Self.expect(
      "PL306",
      in: """
        FROM node:20-slim
        COPY package.json ./
        1️⃣COPY . .
        COPY . /again
        """, at: ["1️⃣", "1️⃣", "1️⃣"], contextFiles: files, hasIgnoreFile: true)
    #expect(found.map(\.subject) == [".DS_Store", ".git", ".idea"])
    #expect(
      found.map(\.message) == [
        "'COPY . .' copies .DS_Store files into the image: exclude '.DS_Store' in .dockerignore",
        "'COPY . .' copies the .git folder into the image: exclude '.git' in .dockerignore",
        "'COPY . .' copies the .idea folder into the image: exclude '.idea' in .dockerignore",
      ])
  }

  @Test func aFolderTheExecutableOnlyProbedGetsNoFileCount() throws {
    // The executable passes one entry for each such folder, not the folder's files.
    let found = Self.expect(
      "PL306", in: "FROM alpine:3.20\n1️⃣COPY . /app\n", at: ["1️⃣"],
      contextFiles: [".git/HEAD", "app.sh"], hasIgnoreFile: true)
    let message = try #require(found.first?.message)
    #expect(
      message
        == "'COPY . /app' copies the .git folder into the image: exclude '.git' in .dockerignore")
  }

  @Test func aMissingIgnoreFileMattersOnlyToStepsThatReadTheContextRoot() {
    // BuildKit sends only the paths the steps name.
    let paths = [".git/HEAD", "requirements.txt", "app/main.py"]
    Self.expect(
      "PL306",
      in: """
        FROM python:3.12-slim
        WORKDIR /srv
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
        COPY app/ ./app/
        RUN --mount=type=bind,source=app,target=/mnt/app ls /mnt/app
        CMD ["python", "-m", "app"]
        """, at: [], allContextPaths: paths, hasIgnoreFile: false)
    // A source that is not known statically is not guessed at.
    Self.expect(
      "PL306", in: "FROM alpine:3.20\nARG SRC\nCOPY $SRC /srv/\n", at: [],
      allContextPaths: paths, hasIgnoreFile: false)
    for reader in [
      "COPY . /srv/", "COPY ./ /srv/", "COPY / /srv/", "COPY * /srv/", "ADD . /srv/",
      "COPY requirements.txt ./. /srv/", "COPY --chown=1000 ./* /srv/",
      "RUN --mount=type=bind,target=/src ls /src",
      "RUN --mount=type=bind,source=.,target=/src ls /src",
    ] {
      Self.expect(
        "PL306", in: "1️⃣FROM alpine:3.20\n\(reader)\n", at: ["1️⃣"], allContextPaths: paths,
        hasIgnoreFile: false)
    }
  }

  @Test func contextsThatNothingReadsOrUnknownIgnoreFilesAreNotReported() {
    let files = [".git/HEAD", "src/a.js"]
    Self.expect(
      "PL306", in: "FROM alpine:3.20\nCOPY src/ /src/\n", at: [], contextFiles: files,
      hasIgnoreFile: true)
    // No step reads the context.
    Self.expect(
      "PL306", in: "FROM alpine:3.20\nCOPY --from=busybox /bin/sh /sh\n", at: [],
      contextFiles: files, hasIgnoreFile: false)
    // Whether there is an ignore file is not known.
    Self.expect("PL306", in: "FROM alpine:3.20\nCOPY . .\n", at: [], hasIgnoreFile: nil)
  }

  // MARK: - PL307 upgrades

  @Test func wholeSystemUpgradesAreReported() {
    Self.expect(
      "PL307",
      in: """
        FROM debian:bookworm-slim
        1️⃣RUN apt-get update && apt-get -y dist-upgrade && rm -rf /var/lib/apt/lists/*
        2️⃣RUN apk upgrade --no-cache
        3️⃣RUN yum -y update && yum clean all
        RUN yum -y update openssl
        """, at: ["1️⃣", "2️⃣", "3️⃣"])
    Self.expect(
      "PL307",
      in: """
        FROM alpine:3.20 AS build
        RUN apk upgrade --no-cache
        FROM scratch
        COPY --from=build /etc/ssl /etc/ssl
        """, at: [])
  }

  // MARK: - PL308 large base images

  @Test func aLargeFinalBaseGetsItsSlimAndAlpineVariants() throws {
    let found = Self.expect(
      "PL308",
      in: """
        ARG NODE_VERSION=20
        1️⃣FROM node:${NODE_VERSION} AS base
        WORKDIR /app
        FROM base
        CMD ["node", "server.js"]
        """, at: ["1️⃣"])
    let message = try #require(found.first?.message)
    #expect(message.contains("'node:20-slim'"))
    #expect(message.contains("'node:20-alpine'"))
    #expect(message.contains("musl"))
    #expect(message.contains("'%P'"))
    #expect(found.first?.level == .note)
  }

  @Test(
    "variants of the same version",
    arguments: [
      ("node:20-bookworm", "node:20-bookworm-slim", "node:20-alpine"),
      ("python:3.12-bookworm", "python:3.12-slim-bookworm", "python:3.12-alpine"),
      ("python", "python:slim", "python:alpine"),
      ("golang:1.23", nil, "golang:1.23-alpine"),
      ("php:8.3-fpm", nil, "php:8.3-fpm-alpine"),
      ("debian:bookworm", "debian:bookworm-slim", nil),
      (
        "docker.io/library/ruby:3.3", "docker.io/library/ruby:3.3-slim",
        "docker.io/library/ruby:3.3-alpine"
      ),
    ] as [(String, String?, String?)])
  func variantsOfTheSameVersion(image: String, slim: String?, alpine: String?) throws {
    let found = Self.findings("FROM \(image)\nCMD [\"/app\"]\n").filter { $0.rule == "PL308" }
    let message = try #require(found.first?.message)
    if let slim { #expect(message.contains("'\(slim)'")) }
    if let alpine { #expect(message.contains("'\(alpine)'")) }
    #expect(message.contains("musl") == (alpine != nil))
  }

  @Test(
    "small, unknown or non-final bases are left alone",
    arguments: [
      "FROM node:20-alpine\nCMD [\"node\"]\n",
      "FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n",
      "FROM ubuntu:24.04\nCMD [\"/app\"]\n",
      "FROM php:8.3-apache\nCOPY . /var/www/html\n",
      "FROM node@sha256:0000000000000000000000000000000000000000000000000000000000000000\nCMD [\"/app\"]\n",
      "ARG TAG\nFROM node:$TAG\nCMD [\"/app\"]\n",
      "FROM gcr.io/distroless/nodejs20-debian12\nCMD [\"app.js\"]\n",
      "FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim\nCMD [\"node\", \"x.js\"]\n",
      "FROM node:20\nCMD [\"bash\"]\n",
      "FROM scratch\nCOPY app /app\nCMD [\"/app\"]\n",
    ])
  func smallUnknownOrNonFinalBasesAreLeftAlone(source: String) {
    #expect(Self.findings(source).filter { $0.rule == "PL308" }.isEmpty)
  }

  // MARK: - PL309 flattening

  @Test func flatteningInARunOrAScriptIsReported() throws {
    Self.expect(
      "PL309",
      in: """
        FROM docker:27
        1️⃣RUN docker export "$(docker create app)" | docker import - app:flat
        RUN docker export app > app.tar
        """, at: ["1️⃣"])
    let script = """
      #!/bin/sh
      # docker export x | docker import - y (a comment)
      docker container export "$id" \\
        | docker image import - "$name:flat"
      """
    let found = Self.findings(
      "FROM alpine:3.20\n", scripts: ["scripts/flatten.sh": script, "build.sh": "docker build .\n"])
    #expect(found.map(\.file) == ["scripts/flatten.sh"])
    #expect(found.first?.range.start == SourcePosition(line: 3, column: 1))
    #expect(found.first?.range.end.line == 4)
  }

  @Test func aScriptFindingNamesTheScriptAndItsLine() throws {
    let script = "#!/bin/sh\r\nset -e\r\n\tdocker export \"$id\" | docker import - app:flat\r\n"
    let found = Self.findings(
      "FROM alpine:3.20\nRUN docker export c | docker import - i\n", file: "docker/Dockerfile",
      scripts: ["ci/flatten.sh": script])
    #expect(found.map(\.file) == ["docker/Dockerfile", "ci/flatten.sh"])
    #expect(found.map(\.rule) == ["PL309", "PL309"])
    let finding = try #require(found.last)
    #expect(
      finding.range
        == SourceRange(start: .init(line: 3, column: 2), end: .init(line: 3, column: 48)))
    #expect(finding.subject == #"docker export "$id" | docker import - app:flat"#)
  }

  // MARK: - The target stage

  /// A build stage, the runtime stage, and a lint stage built on the build stage, last.
  static let lintStageLast = """
    FROM node:20-alpine AS build
    WORKDIR /app
    COPY . .
    1️⃣RUN npm ci && npm run build
    FROM node:20-alpine AS runtime
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci --omit=dev
    COPY --from=build /app/dist ./dist
    CMD ["node", "dist/server.js"]
    FROM build AS lint
    RUN apk add --no-cache git
    CMD ["npm", "run", "lint"]
    """

  @Test func theTargetStageIsTheFinalImage() {
    // Without a target, the last stage and the stage it is built on ship.
    Self.expect("PL304", in: Self.lintStageLast, at: ["1️⃣"])
    Self.expect("PL304", in: Self.lintStageLast, at: ["1️⃣"], target: "Lint")
    let source = MarkedSource(Self.lintStageLast).text
    for target in ["runtime", "RUNTIME"] {
      #expect(Self.findings(source, target: target).isEmpty, "\(target)")
    }
    // A target no stage has builds nothing.
    #expect(Self.findings(source, target: "release").isEmpty)
  }

  @Test func theTargetStagesNameSaysWhetherTheImageIsForDevelopment() {
    let source = """
      FROM node:20-slim AS app
      WORKDIR /app
      COPY . .
      1️⃣RUN npm ci
      CMD ["node", "server.js"]
      FROM app AS test
      CMD ["npm", "test"]
      """
    Self.expect("PL304", in: source, at: [])
    Self.expect("PL304", in: source, at: ["1️⃣"], target: "app")
  }

  // MARK: - Reading RUN

  @Test func hereDocumentAndExecFormRunsAreRead() {
    Self.expect(
      "PL303",
      in: """
        FROM alpine:3.20
        1️⃣RUN <<EOF
        set -e
        # apk add --no-cache would be better
        apk add curl
        EOF
        2️⃣RUN ["apk", "add", "git"]
        3️⃣RUN ["/bin/sh", "-c", "apk add make"]
        RUN <<EOF cat > /etc/motd
        apk add this-is-text
        EOF
        """, at: ["1️⃣", "2️⃣", "3️⃣"])
    // A here-document run by another interpreter is not read as shell.
    Self.expect(
      "PL303",
      in: """
        FROM python:3.12-alpine
        RUN <<EOF
        #!/usr/bin/env python3
        print("apk add curl")
        EOF
        """, at: [])
  }

  @Test func unparsableFilesGetNoFindingsAndFindingsAreSorted() {
    #expect(Self.findings("FROM alpine\nRUN <<EOF\necho\n").isEmpty)
    let found = Self.findings(
      """
      FROM node:20
      RUN apt-get upgrade -y
      RUN apk add curl
      COPY . .
      CMD ["node", "x.js"]
      """, hasIgnoreFile: false)
    #expect(found.map(\.rule) == ["PL306", "PL308", "PL307", "PL303"])
    #expect(found.map(\.range.start.line) == [1, 1, 2, 3])
  }

  // MARK: - Examples

  @Test(
    "findings on the Examples",
    arguments: [
      ("go-service", []),
      ("node-app", []),
      ("php-fpm-alpine", ["PL302 at 25"]),
      ("python-app", []),
    ] as [(String, [String])])
  func findingsOnTheExamples(name: String, expected: [String]) throws {
    let url = SharedCorpus.repositoryRoot.appendingPathComponent("Examples/\(name)/Dockerfile")
    let source = Array(try Data(contentsOf: url))
    let found = Hygiene.check(
      source: source, input: HygieneInput(file: "Dockerfile", hasIgnoreFile: true))
    #expect(found.map { "\($0.rule) at \($0.range.start.line)" } == expected)
  }
}
