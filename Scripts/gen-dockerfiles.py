#!/usr/bin/env python3
"""Generate N varied, realistic Dockerfiles and the build context they share, for the batch
benchmark (`planner suggest` and `hadolint` on many files in one call).

    Scripts/gen-dockerfiles.py N DIR [--seed 1]

Layout (DIR is created if needed):

    DIR/0001.Dockerfile … DIR/N.Dockerfile   the Dockerfiles, numbered from 1
    DIR/context/                             the one build context they all use

`planner suggest FILE…` reads every file against a single `--context` folder, so the files are
flat and the context holds every manifest any of them copies (package.json, requirements.txt,
go.mod, Gemfile, composer.json and their lock files), a few source files and a .dockerignore.
The Dockerfiles sit outside the context, as they would in a real project's `docker/` folder:
inside it, every file's `COPY . .` would also send the other N - 1 Dockerfiles, and the walk of
the context would grow with N. Run from DIR:

    planner suggest --context context *.Dockerfile
    hadolint *.Dockerfile

Each file is one of five ecosystems (Node, Python, Go, Ruby, PHP) on an Alpine or Debian base
image, single- or multi-stage; its dependency install comes after `COPY . .` or after only the
manifests; its system packages are installed with apk or apt-get, with or without cleaning the
package index; and it has some of: ARG (before FROM and inside a stage), ENV, WORKDIR, USER,
EXPOSE, LABEL, HEALTHCHECK, cache mounts, a `# syntax` line and comments, and CMD or
ENTRYPOINT. The output is deterministic: the same arguments write the same bytes.
"""
import argparse
import os
import random

CONTEXT_FILES = {
    ".dockerignore": ".git\nnode_modules\nvendor\n__pycache__\n*.log\n",
    "README.md": "# shop\n\nThe services of the shop, one image each.\n",
    "package.json": '{\n  "name": "shop-web",\n  "version": "1.4.2",\n  "private": true,\n'
    '  "scripts": {\n    "build": "node scripts/build.js",\n    "start": "node dist/server.js",\n'
    '    "test": "node --test"\n  },\n  "dependencies": {\n    "express": "^4.19.2",\n'
    '    "pino": "^9.3.2"\n  }\n}\n',
    "package-lock.json": '{\n  "name": "shop-web",\n  "version": "1.4.2",\n  "lockfileVersion": 3,\n'
    '  "requires": true,\n  "packages": {}\n}\n',
    "scripts/build.js": "require('fs').cpSync('src', 'dist', { recursive: true });\n",
    "src/server.js": "const express = require('express');\nconst app = express();\n"
    "app.get('/healthz', (req, res) => res.send('ok'));\napp.listen(3000);\n",
    "src/health.js": "require('http').get('http://localhost:3000/healthz', (r) => process.exit(r.statusCode === 200 ? 0 : 1));\n",
    "requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\npsycopg[binary]==3.2.1\n",
    "app/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get('/healthz')\n"
    "def healthz():\n    return 'ok'\n",
    "wsgi.py": "from app import app\n",
    "go.mod": "module example.com/shop\n\ngo 1.23\n\nrequire github.com/go-chi/chi/v5 v5.1.0\n",
    "go.sum": "github.com/go-chi/chi/v5 v5.1.0 h1:acVI1TYaD+hhedDJ3r54HyA6sExp3HfXq7QWEEY/xMw=\n"
    "github.com/go-chi/chi/v5 v5.1.0/go.mod h1:DslCQbL2OYiznFReuXYUmQ2hGd1aDpCnlMNITLSKoi8=\n",
    "cmd/server/main.go": "package main\n\nimport \"net/http\"\n\nfunc main() {\n"
    "\thttp.ListenAndServe(\":8080\", nil)\n}\n",
    "Gemfile": "source 'https://rubygems.org'\n\ngem 'puma', '~> 6.4'\ngem 'sinatra', '~> 4.0'\n",
    "Gemfile.lock": "GEM\n  remote: https://rubygems.org/\n  specs:\n    puma (6.4.2)\n"
    "    sinatra (4.0.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  puma (~> 6.4)\n  sinatra (~> 4.0)\n",
    "config.ru": "require './app'\nrun Sinatra::Application\n",
    "config/puma.rb": "port ENV.fetch('PORT', 9292)\nworkers 2\n",
    "app.rb": "require 'sinatra'\n\nget('/healthz') { 'ok' }\n",
    "composer.json": '{\n  "name": "shop/api",\n  "require": {\n    "php": "^8.2",\n'
    '    "slim/slim": "^4.14"\n  }\n}\n',
    "composer.lock": '{\n  "content-hash": "0b1f4bd4d6d6c1e1d1b1c1d1e1f1a1b1",\n  "packages": []\n}\n',
    "public/index.php": "<?php\nrequire __DIR__ . '/../vendor/autoload.php';\necho 'ok';\n",
}

LANGUAGES = ["node", "python", "go", "ruby", "php"]

# Base images per language: (image, package manager of the distribution).
BASES = {
    "node": [("node:22-alpine", "apk"), ("node:20-bookworm-slim", "apt"), ("node:22", "apt")],
    "python": [("python:3.12-slim", "apt"), ("python:3.11-alpine", "apk"), ("python:3.13-bookworm", "apt")],
    "go": [("golang:1.23-alpine", "apk"), ("golang:1.22-bookworm", "apt")],
    "ruby": [("ruby:3.3-slim", "apt"), ("ruby:3.3-alpine", "apk"), ("ruby:3.2-bookworm", "apt")],
    "php": [("php:8.3-fpm-alpine", "apk"), ("php:8.2-apache", "apt"), ("php:8.3-cli-bookworm", "apt")],
}

SYSTEM_PACKAGES = {
    "apk": ["curl", "ca-certificates", "git", "tzdata", "build-base", "libpq", "icu-libs", "bash"],
    "apt": ["curl", "ca-certificates", "git", "tzdata", "build-essential", "libpq5", "gnupg", "locales"],
}

MANIFESTS = {
    "node": "package.json package-lock.json",
    "python": "requirements.txt",
    "go": "go.mod go.sum",
    "ruby": "Gemfile Gemfile.lock",
    "php": "composer.json composer.lock",
}

PORTS = {"node": 3000, "python": 8000, "go": 8080, "ruby": 9292, "php": 9000}


def install(language, rng, cache_mount):
    """The dependency install of a language, as one RUN instruction."""
    mount = ""
    if language == "node":
        if cache_mount:
            mount = "--mount=type=cache,target=/root/.npm "
        command = rng.choice(["npm ci --omit=dev", "npm ci", "npm install --production"])
        if rng.random() < 0.4 and not cache_mount:
            command += " \\\n    && npm cache clean --force"
    elif language == "python":
        if cache_mount:
            mount = "--mount=type=cache,target=/root/.cache/pip "
            command = "pip install -r requirements.txt"
        else:
            command = "pip install --no-cache-dir -r requirements.txt"
    elif language == "go":
        if cache_mount:
            mount = "--mount=type=cache,target=/go/pkg/mod "
        command = "go mod download"
    elif language == "ruby":
        command = ("bundle config set --local without 'development test' \\\n"
                   "    && bundle install --jobs 4 --retry 3")
    else:
        command = "composer install --no-dev --no-interaction --prefer-dist --no-scripts"
    return f"RUN {mount}{command}\n"


def build_step(language, rng, multi_stage):
    """What turns the sources into something to run, if the language needs it (a Node build
    stage always builds: the next stage copies its dist/)."""
    if language == "node":
        return "RUN npm run build\n" if multi_stage or rng.random() < 0.6 else ""
    if language == "go":
        return ("RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w -X main.version=${APP_VERSION}\" "
                "-o /out/server ./cmd/server\n")
    if language == "php":
        return "RUN composer dump-autoload --optimize --classmap-authoritative\n"
    if language == "python" and rng.random() < 0.3:
        return "RUN python -m compileall -q app\n"
    return ""


def system_install(manager, rng):
    """System packages, with or without cleaning the package index afterwards."""
    packages = " ".join(sorted(rng.sample(SYSTEM_PACKAGES[manager], rng.randint(1, 4))))
    clean = rng.random() < 0.6
    if manager == "apk":
        if clean:
            return f"RUN apk add --no-cache {packages}\n"
        return f"RUN apk update && apk add {packages}\n"
    if clean:
        return ("RUN apt-get update \\\n    && apt-get install -y --no-install-recommends "
                f"{packages} \\\n    && rm -rf /var/lib/apt/lists/*\n")
    return f"RUN apt-get update && apt-get install -y {packages}\n"


def environment(language, rng):
    values = {
        "node": ["NODE_ENV=production", "PORT=3000", "NPM_CONFIG_LOGLEVEL=warn"],
        "python": ["PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "PIP_DISABLE_PIP_VERSION_CHECK=1"],
        "go": ["CGO_ENABLED=0", "GOFLAGS=-mod=readonly"],
        "ruby": ["RACK_ENV=production", "BUNDLE_DEPLOYMENT=1", "BUNDLE_PATH=/usr/local/bundle"],
        "php": ["COMPOSER_ALLOW_SUPERUSER=1", "APP_ENV=prod"],
    }[language]
    chosen = values[: rng.randint(1, len(values))]
    if len(chosen) > 1 and rng.random() < 0.5:
        return "ENV " + " \\\n    ".join(chosen) + "\n"
    return "".join(f"ENV {value}\n" for value in chosen)


def user_lines(language, manager, rng):
    """A non-root user, or none (about a quarter of the files run as root)."""
    if rng.random() < 0.25:
        return ""
    if language == "node":
        return "USER node\n"
    if language == "php":
        return "USER www-data\n"
    if rng.random() < 0.5:
        return "USER 10001:10001\n"
    if manager == "apk":
        return "RUN addgroup -S app && adduser -S -G app app\nUSER app\n"
    return "RUN groupadd --system app && useradd --system --gid app --no-create-home app\nUSER app\n"


def healthcheck(language, rng):
    if rng.random() < 0.4:
        return ""
    port = PORTS[language]
    if language == "node" and rng.random() < 0.5:
        return 'HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "src/health.js"]\n'
    tool = rng.choice(["curl -fsS", "wget -qO-"])
    return f"HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD {tool} http://localhost:{port}/healthz || exit 1\n"


def command(language, rng, multi_stage):
    if language == "node":
        if multi_stage:
            return rng.choice(['CMD ["node", "dist/server.js"]\n', 'CMD ["npm", "start"]\n'])
        return rng.choice(['CMD ["node", "dist/server.js"]\n', 'CMD ["npm", "start"]\n', 'CMD ["node", "src/server.js"]\n'])
    if language == "python":
        return rng.choice(['CMD ["gunicorn", "--bind", "0.0.0.0:8000", "wsgi:app"]\n',
                           'CMD gunicorn --bind 0.0.0.0:8000 --workers 2 wsgi:app\n'])
    if language == "go":
        return rng.choice(['ENTRYPOINT ["/usr/local/bin/server"]\n', 'CMD ["/usr/local/bin/server"]\n'])
    if language == "ruby":
        return 'CMD ["bundle", "exec", "puma", "-C", "config/puma.rb"]\n'
    return rng.choice(['CMD ["php-fpm"]\n', 'CMD ["php", "-S", "0.0.0.0:9000", "-t", "public"]\n'])


def dockerfile(number, rng):
    language = LANGUAGES[number % len(LANGUAGES)] if rng.random() < 0.7 else rng.choice(LANGUAGES)
    image, manager = rng.choice(BASES[language])
    multi_stage = rng.random() < 0.45
    manifest_first = rng.random() < 0.5
    cache_mount = manifest_first and rng.random() < 0.3
    system_first = rng.random() < 0.7  # else the packages come after `COPY . .`
    workdir = {"node": "/app", "python": "/app", "go": "/src", "ruby": "/app", "php": "/var/www/html"}[language]
    name, tag = image.split(":")
    version_arg = f"{name.upper()}_VERSION"

    out = []
    if rng.random() < 0.5:
        out.append("# syntax=docker/dockerfile:1\n")
    if rng.random() < 0.4:
        out.append(f"# service {number:04d}: a {language} application.\n")
    pinned_in_arg = rng.random() < 0.4
    if pinned_in_arg:
        version, _, variant = tag.partition("-")
        out.append(f"ARG {version_arg}={version}\n\n")
        image = f"{name}:${{{version_arg}}}" + (f"-{variant}" if variant else "")

    out.append(f"FROM {image}" + (" AS build\n" if multi_stage else "\n"))
    if rng.random() < 0.5 or language == "go":
        out.append(f"ARG APP_VERSION=1.{number % 40}.{number % 7}\n")
    out.append(environment(language, rng))
    out.append(f"WORKDIR {workdir}\n")
    system = system_install(manager, rng) if rng.random() < 0.8 else ""
    if language == "php":
        out.append("COPY --from=composer:2 /usr/bin/composer /usr/bin/composer\n")
    if system and system_first:
        out.append("\n" + system)
    if manifest_first:
        if rng.random() < 0.4:
            out.append("# The dependencies first, so that they stay cached while the sources change.\n")
        out.append(f"COPY {MANIFESTS[language]} ./\n")
        out.append(install(language, rng, cache_mount))
        out.append("COPY . .\n")
    else:
        out.append("COPY . .\n")
        if system and not system_first:
            out.append(system)
        out.append(install(language, rng, cache_mount))
    if system and not system_first and manifest_first:
        out.append(system)
    out.append(build_step(language, rng, multi_stage))

    if multi_stage:
        out.append("\n")
        if rng.random() < 0.3:
            out.append("FROM build AS test\n")
            out.append({"node": "RUN npm test\n", "python": "RUN python -m pytest -q\n", "go": "RUN go vet ./... && go test ./...\n",
                        "ruby": "RUN bundle exec rake test\n", "php": "RUN vendor/bin/phpunit\n"}[language])
            out.append("\n")
        runtime = {
            "node": rng.choice(["node:22-alpine", "gcr.io/distroless/nodejs22-debian12"]),
            "python": f"{name}:{tag}",
            "go": rng.choice(["gcr.io/distroless/static-debian12:nonroot", "alpine:3.20", "scratch"]),
            "ruby": f"{name}:{tag}",
            "php": rng.choice(["php:8.3-fpm-alpine", "php:8.3-apache"]),
        }[language]
        out.append(f"FROM {runtime}\n")
        if rng.random() < 0.5:
            out.append(f'LABEL org.opencontainers.image.title="service-{number:04d}" '
                       f'org.opencontainers.image.source="https://example.com/shop"\n')
        copies = {
            "node": "COPY --from=build /app/node_modules ./node_modules\nCOPY --from=build /app/dist ./dist\n",
            "python": f"COPY --from=build /usr/local/lib/python{tag.split('-')[0]}/site-packages "
                      f"/usr/local/lib/python{tag.split('-')[0]}/site-packages\n"
                      "COPY --from=build /app .\n",
            "go": "COPY --from=build /out/server /usr/local/bin/server\n",
            "ruby": "COPY --from=build /usr/local/bundle /usr/local/bundle\nCOPY --from=build /app .\n",
            "php": "COPY --from=build /var/www/html /var/www/html\n",
        }[language]
        if language != "go":
            out.append(f"WORKDIR {workdir}\n")
        out.append(copies)
        runtime_manager = "apk" if "alpine" in runtime else "apt"
        if runtime.startswith(("gcr.io", "scratch")):
            out.append("USER 65532:65532\n" if rng.random() < 0.5 else "")
        else:
            out.append(user_lines(language, runtime_manager, rng))
    else:
        if language == "go":
            out.append("RUN cp /out/server /usr/local/bin/server\n")
        out.append(user_lines(language, manager, rng))
    out.append(f"EXPOSE {PORTS[language]}\n")
    out.append(healthcheck(language, rng))
    out.append(command(language, rng, multi_stage))
    return "".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many Dockerfiles to write")
    parser.add_argument("folder", help="where to write them (created if needed)")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    width = max(4, len(str(arguments.count)))
    context = os.path.join(arguments.folder, "context")
    for path, text in sorted(CONTEXT_FILES.items()):
        target = os.path.join(context, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", newline="\n") as out:
            out.write(text)
    for number in range(1, arguments.count + 1):
        with open(os.path.join(arguments.folder, f"{number:0{width}d}.Dockerfile"), "w", newline="\n") as out:
            out.write(dockerfile(number, rng))


if __name__ == "__main__":
    main()
