import Testing

/// Thirty Dockerfiles from public repositories, each with the findings a hand review says the
/// hygiene rules must give (and no others). Used by HygieneCorpusTests.
///
/// Each text is verbatim at the commit given (read from the repository, not retyped from memory);
/// line numbers in `expected` count lines of `text` from 1. PL306 (context hygiene) is out of scope
/// here: no build context comes with these files. No file here flattens an image (PL309).
struct HygieneCorpusEntry: Sendable, CustomTestStringConvertible {
  var repository: String  // owner/name
  var path: String
  var commit: String
  var text: String
  /// "PL303@12" = rule PL303 reported at the instruction starting on line 12 (1-based, of `text`).
  /// Sorted by line then id.
  var expected: [String]
  /// Why each expected finding is right, and which near-misses correctly give nothing.
  var review: String
  var testDescription: String { repository + "/" + path }
}

enum HygieneCorpus {
  static let entries: [HygieneCorpusEntry] = [
    HygieneCorpusEntry(
      repository: "meilisearch/meilisearch",
      path: "Dockerfile",
      commit: "02887fb5da710d0e849466f4241a38dbb01f4ce0",
      text: #"""
        # Compile
        FROM    rust:1.89-alpine3.22 AS compiler

        RUN     apk add -q --no-cache build-base openssl-dev

        WORKDIR /

        ARG     COMMIT_SHA
        ARG     COMMIT_DATE
        ARG     GIT_TAG
        ENV     VERGEN_GIT_SHA=${COMMIT_SHA} VERGEN_GIT_COMMIT_TIMESTAMP=${COMMIT_DATE} VERGEN_GIT_DESCRIBE=${GIT_TAG}
        ENV     RUSTFLAGS="-C target-feature=-crt-static"

        COPY    . .
        RUN     set -eux; \
                apkArch="$(apk --print-arch)"; \
                if [ "$apkArch" = "aarch64" ]; then \
                    export JEMALLOC_SYS_WITH_LG_PAGE=16; \
                fi && \
                cargo build --release -p meilisearch -p meilitool

        # Run
        FROM    alpine:3.22
        LABEL   org.opencontainers.image.source="https://github.com/meilisearch/meilisearch"

        ENV     MEILI_HTTP_ADDR 0.0.0.0:7700
        ENV     MEILI_SERVER_PROVIDER docker

        RUN     apk add -q --no-cache libgcc tini curl

        # add meilisearch and meilitool to the `/bin` so you can run it from anywhere
        # and it's easy to find.
        COPY    --from=compiler /target/release/meilisearch /bin/meilisearch
        COPY    --from=compiler /target/release/meilitool /bin/meilitool
        # To stay compatible with the older version of the container (pre v0.27.0) we're
        # going to symlink the meilisearch binary in the path to `/meilisearch`
        RUN     ln -s /bin/meilisearch /meilisearch

        # This directory should hold all the data related to meilisearch so we're going
        # to move our PWD in there.
        # We don't want to put the meilisearch binary
        WORKDIR /meili_data


        EXPOSE  7700/tcp

        ENTRYPOINT ["tini", "--"]
        CMD     /bin/meilisearch

        """#,
      expected: [],
      review: """
        Two stages. The compiler stage installs build-base (a compiler) and runs cargo, but it
        is used only through COPY --from, so PL305 and PL308 stay silent for it
        (rust:1.89-alpine3.22 is an Alpine tag anyway). The final stage is alpine:3.22 and its
        only install, `apk add -q --no-cache` (line 29), keeps no index: the -q before
        --no-cache must not hide the flag. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "healthchecks/healthchecks",
      path: "docker/Dockerfile",
      commit: "07117ff8213472957a7c6e1cc99a3bd2afaef9c7",
      text: #"""
        FROM python:3.14.3-slim-trixie AS builder

        SHELL ["/bin/bash", "-o", "pipefail", "-c"]

        COPY requirements.txt /tmp
        # build-essential is required to build uswsi, psycopg, mysqlclient
        # libffi-dev is required to build cffi (a dependency of minio)
        # libpq-dev is required to build psycopg[c]
        # libmaria-dev is required to build mysqlclient
        # libcurl4-openssl-dev is required to build pycurl
        # pkg-config is required to build mysqlclient
        RUN \
            apt-get update && \
            apt-get install -y build-essential libffi-dev libpq-dev libmariadb-dev libcurl4-openssl-dev pkg-config
        RUN pip wheel --wheel-dir /wheels apprise uwsgi mysqlclient minio==7.2.20 "psycopg[c]" -r /tmp/requirements.txt

        COPY . /opt/healthchecks/
        RUN \
            rm -rf /opt/healthchecks/.git && \
            rm -rf /opt/healthchecks/stuff

        FROM python:3.14.3-slim-trixie

        RUN useradd --system hc
        ENV PYTHONUNBUFFERED=1
        WORKDIR /opt/healthchecks

        RUN \
            apt-get update && \
            apt-get install -y libcurl4t64 libpq5 libmariadb3 && \
            rm -rf /var/apt/cache && \
            rm -rf /var/lib/apt/lists

        RUN --mount=type=bind,target=/wheels,source=/wheels,from=builder \
            pip install --upgrade pip && \
            pip install --no-cache /wheels/*

        COPY --from=builder /opt/healthchecks/ /opt/healthchecks/
        COPY docker/fetchstatus.py /opt/healthchecks/

        RUN \
            rm -f /opt/healthchecks/hc/local_settings.py && \
            DEBUG=False SECRET_KEY=build-key ./manage.py collectstatic --noinput && \
            DEBUG=False SECRET_KEY=build-key ./manage.py compress

        RUN mkdir /data && chown hc /data

        USER hc

        ENV USE_GZIP_MIDDLEWARE=True
        HEALTHCHECK --start-period=20s --start-interval=5s --interval=60s --retries=1 CMD ./fetchstatus.py
        CMD [ "uwsgi", "/opt/healthchecks/docker/uwsgi.ini"]

        """#,
      expected: ["PL303@34"],
      review: """
        PL303@34: the final stage's `pip install --upgrade pip` has no --no-cache-dir, and the
        only mount of that RUN is a bind mount of /wheels (from=builder), not a cache mount, so
        the download of pip stays in /root/.cache/pip. The second command's `--no-cache` is
        pip's accepted abbreviation of --no-cache-dir, but the first command already leaves a
        cache. Near-misses: the final apt RUN (line 28) removes `/var/lib/apt/lists` (the folder
        itself, without `/*`), which removes the lists just as well, so no PL303 there. The
        builder stage installs build-essential without removing the apt lists (line 12), but it
        reaches the final image only through COPY --from and a bind mount, never FROM, so
        neither PL303 nor PL305 applies. Both FROMs are -slim-trixie tags: no PL308.
        """),
    HygieneCorpusEntry(
      repository: "ggerganov/llama.cpp",
      path: ".devops/main.Dockerfile",
      commit: "0e730dd23b0fb5f93dba574e0a48d9a69dc5dbae",
      text: #"""
        ARG UBUNTU_VERSION=22.04

        FROM ubuntu:$UBUNTU_VERSION as build

        RUN apt-get update && \
            apt-get install -y build-essential git

        WORKDIR /app

        COPY . .

        RUN make

        FROM ubuntu:$UBUNTU_VERSION as runtime

        COPY --from=build /app/main /main

        ENTRYPOINT [ "/main" ]

        """#,
      expected: [],
      review: """
        The build stage runs `apt-get update && apt-get install build-essential git` without
        removing the lists, but it is used only through COPY --from: no PL303 or PL305. The
        final stage is ubuntu:$UBUNTU_VERSION, which resolves through the global ARG to
        ubuntu:22.04; ubuntu is not one of the families with a slim or Alpine variant of the
        same image, so no PL308. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "excalidraw/excalidraw",
      path: "Dockerfile",
      commit: "055aacf64fe6ec78a8edd138bd5447c7974eeba0",
      text: #"""
        FROM --platform=${BUILDPLATFORM} node:24 AS build

        WORKDIR /opt/node_app

        COPY . .

        # do not ignore optional dependencies:
        # Error: Cannot find module @rollup/rollup-linux-x64-gnu
        RUN --mount=type=cache,target=/root/.cache/yarn \
            npm_config_target_arch=${TARGETARCH} yarn --network-timeout 600000

        ARG NODE_ENV=production

        RUN npm_config_target_arch=${TARGETARCH} yarn build:app:docker

        FROM nginx:1.27-alpine

        COPY --from=build /opt/node_app/excalidraw-app/build /usr/share/nginx/html

        HEALTHCHECK CMD wget -q -O /dev/null http://localhost || exit 1

        """#,
      expected: [],
      review: """
        The build stage is the large node:24 image and runs a bare `yarn` (an install with dev
        dependencies), but it is used only through COPY --from, so PL308 and PL304 stay silent.
        The final stage is nginx:1.27-alpine with no RUN at all. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "umami-software/umami",
      path: "Dockerfile",
      commit: "047aad1283c0523343e08497f279e9237de340df",
      text: #"""
        # Install dependencies only when needed
        FROM node:18-alpine AS deps
        # Check https://github.com/nodejs/docker-node/tree/b4117f9333da4138b03a546ec926ef50a31506c3#nodealpine to understand why libc6-compat might be needed.
        RUN apk add --no-cache libc6-compat
        WORKDIR /app
        COPY package.json yarn.lock ./
        # Add yarn timeout to handle slow CPU when Github Actions
        RUN yarn config set network-timeout 300000
        RUN yarn install --frozen-lockfile

        # Rebuild the source code only when needed
        FROM node:18-alpine AS builder
        WORKDIR /app
        COPY --from=deps /app/node_modules ./node_modules
        COPY . .
        COPY docker/middleware.js ./src

        ARG DATABASE_TYPE
        ARG BASE_PATH

        ENV DATABASE_TYPE $DATABASE_TYPE
        ENV BASE_PATH $BASE_PATH

        ENV NEXT_TELEMETRY_DISABLED 1

        RUN yarn build-docker

        # Production image, copy all the files and run next
        FROM node:18-alpine AS runner
        WORKDIR /app

        ENV NODE_ENV production
        ENV NEXT_TELEMETRY_DISABLED 1

        RUN addgroup --system --gid 1001 nodejs
        RUN adduser --system --uid 1001 nextjs

        RUN yarn add npm-run-all dotenv prisma semver

        # You only need to copy next.config.js if you are NOT using the default configuration
        COPY --from=builder /app/next.config.js .
        COPY --from=builder --chown=nextjs:nodejs /app/public ./public
        COPY --from=builder /app/package.json ./package.json
        COPY --from=builder /app/prisma ./prisma
        COPY --from=builder /app/scripts ./scripts

        # Automatically leverage output traces to reduce image size
        # https://nextjs.org/docs/advanced-features/output-file-tracing
        COPY --from=builder --chown=nextjs:nodejs /app/.next/standalone ./
        COPY --from=builder --chown=nextjs:nodejs /app/.next/static ./.next/static

        USER nextjs

        EXPOSE 3000

        ENV HOSTNAME 0.0.0.0
        ENV PORT 3000

        CMD ["yarn", "start-docker"]

        """#,
      expected: [],
      review: """
        Three stages, all node:18-alpine. The deps stage runs `yarn install --frozen-lockfile`
        (dev dependencies included) but is used only through COPY --from. The runner stage sets
        NODE_ENV=production and runs `yarn add npm-run-all dotenv prisma semver`: that is `yarn
        add` with named packages, not `yarn install`, so PL304 does not apply (it does leave
        yarn's own cache, which no PL303 case covers). `apk add --no-cache` (line 4) is clean.
        Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "postmanlabs/httpbin",
      path: "Dockerfile",
      commit: "012b849874b6007f4e7439d8b81899c043a04d3f",
      text: #"""
        FROM python:alpine3.10 AS compile-image

        ENV LC_ALL=C.UTF-8
        ENV LANG=C.UTF-8

        RUN python -m venv /opt/venv
        ENV PATH="/opt/venv/bin:$PATH"

        ADD Pipfile Pipfile.lock /httpbin/
        WORKDIR /httpbin

        RUN apk add --update --no-cache bash && pip3 install --no-cache-dir pipenv \
            && apk add --no-cache --virtual .build-deps gcc build-base linux-headers ca-certificates python3-dev libffi-dev libressl-dev musl-dev git \
            && pip install cffi \
            && /bin/bash -c "pip3 install --no-cache-dir -r <(pipenv lock -r)" \
            && apk del .build-deps

        ADD . /httpbin
        RUN pip3 install --no-cache-dir /httpbin


        FROM python:alpine3.10
        COPY --from=compile-image /opt/venv /opt/venv
        ENV PATH="/opt/venv/bin:$PATH"

        LABEL name="httpbin"
        LABEL version="0.9.2"
        LABEL description="A simple HTTP service."
        LABEL org.kennethreitz.vendor="Kenneth Reitz"

        EXPOSE 8080

        CMD ["gunicorn", "-b", "0.0.0.0:8080", "httpbin:app", "-k", "gevent", "--worker-tmp-dir", "/dev/shm"]

        """#,
      expected: [],
      review: """
        compile-image runs `pip install cffi` without --no-cache-dir and installs gcc,
        build-base and git (removed with `apk del .build-deps` in the same RUN anyway), but the
        stage reaches the final image only through COPY --from, so no PL303, PL305 or PL302. The
        final stage is python:alpine3.10, an Alpine tag: no PL308. `apk add --update --no-cache`
        keeps no index. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "traefik/traefik",
      path: "Dockerfile",
      commit: "03490d64525c56f0ba0b8ca5fc5d36eeba917356",
      text: #"""
        # syntax=docker/dockerfile:1.2
        FROM alpine:3.21

        RUN apk add --no-cache --no-progress ca-certificates tzdata

        ARG TARGETPLATFORM
        COPY ./dist/$TARGETPLATFORM/traefik /

        EXPOSE 80
        VOLUME ["/tmp"]

        ENTRYPOINT ["/traefik"]

        """#,
      expected: [],
      review: """
        A single alpine:3.21 stage with `apk add --no-cache --no-progress`; the binary is copied
        from the context. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "maybe-finance/maybe",
      path: "Dockerfile",
      commit: "01d5dab1aa6dccb13e4f5d0f148fd6e06e36990d",
      text: #"""
        # syntax = docker/dockerfile:1

        # Make sure RUBY_VERSION matches the Ruby version in .ruby-version and Gemfile
        ARG RUBY_VERSION=3.3.5
        FROM registry.docker.com/library/ruby:$RUBY_VERSION-slim AS base

        # Rails app lives here
        WORKDIR /rails

        # Install base packages
        RUN apt-get update -qq && \
          apt-get install --no-install-recommends -y curl libvips postgresql-client

        # Set production environment
        ENV RAILS_ENV="production" \
          BUNDLE_DEPLOYMENT="1" \
          BUNDLE_PATH="/usr/local/bundle" \
          BUNDLE_WITHOUT="development"


        # Throw-away build stage to reduce size of final image
        FROM base AS build

        # Install packages needed to build gems
        RUN apt-get install --no-install-recommends -y build-essential git libpq-dev pkg-config

        # Install application gems
        COPY .ruby-version Gemfile Gemfile.lock ./
        RUN bundle install && \
          rm -rf ~/.bundle/ "${BUNDLE_PATH}"/ruby/*/cache "${BUNDLE_PATH}"/ruby/*/bundler/gems/*/.git && \
          bundle exec bootsnap precompile --gemfile

        # Copy application code
        COPY . .

        # Precompile bootsnap code for faster boot times
        RUN bundle exec bootsnap precompile app/ lib/

        # Precompiling assets for production without requiring secret RAILS_MASTER_KEY
        RUN SECRET_KEY_BASE_DUMMY=1 ./bin/rails assets:precompile


        # Final stage for app image
        FROM base

        # Clean up installation packages to reduce image size
        RUN rm -rf /var/lib/apt/lists /var/cache/apt/archives

        # Copy built artifacts: gems, application
        COPY --from=build "${BUNDLE_PATH}" "${BUNDLE_PATH}"
        COPY --from=build /rails /rails

        # Run and own only the runtime files as a non-root user for security
        RUN groupadd --system --gid 1000 rails && \
          useradd rails --uid 1000 --gid 1000 --create-home --shell /bin/bash && \
          chown -R rails:rails db log storage tmp
        USER 1000:1000

        # Entrypoint prepares the database.
        ENTRYPOINT ["/rails/bin/docker-entrypoint"]

        # Start the server by default, this can be overwritten at runtime
        EXPOSE 3000
        CMD ["./bin/rails", "server"]

        """#,
      expected: ["PL303@11"],
      review: """
        PL303@11: the base stage runs `apt-get update -qq && apt-get install ...` without
        removing /var/lib/apt/lists, and base is in the final image because the final stage is
        `FROM base`. The final stage's `RUN rm -rf /var/lib/apt/lists /var/cache/apt/archives`
        (line 47) is a later layer and does not shrink the image, so the finding stays at line
        11. Near-misses: the build stage (FROM base, used only through COPY --from) installs
        build-essential and git and runs bundle install (with BUNDLE_WITHOUT inherited from base
        anyway): no PL305 or PL304. The base image is a -slim tag reached through
        `registry.docker.com/library/ruby:$RUBY_VERSION-slim`, and the final stage is FROM a
        stage: no PL308. No update without install, no upgrade.
        """),
    HygieneCorpusEntry(
      repository: "locustio/locust",
      path: "Dockerfile",
      commit: "089a60fd7682f67376b140b914f8c4261294e9b0",
      text: #"""
        FROM python:3.6-alpine as builder

        RUN apk --no-cache add g++ zeromq-dev
        COPY . /src
        WORKDIR /src
        RUN pip install .

        FROM python:3.6-alpine

        RUN apk --no-cache add zeromq && adduser -h / -s /bin/false -H -D locust
        COPY --from=builder /usr/local/lib/python3.6/site-packages /usr/local/lib/python3.6/site-packages
        COPY --from=builder /usr/local/bin/locust /usr/local/bin/locust
        COPY docker_start.sh docker_start.sh
        RUN chmod +x docker_start.sh

        EXPOSE 8089 5557 5558

        USER locust
        CMD ["./docker_start.sh"]

        """#,
      expected: [],
      review: """
        The builder installs g++ and runs `pip install .` without --no-cache-dir, but it is used
        only through COPY --from. The final python:3.6-alpine stage writes `apk --no-cache add`
        (the flag before the subcommand), which keeps no index. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "verdaccio/verdaccio",
      path: "Dockerfile",
      commit: "00b57662dbd45d2182079a4f2498feacd34e5d6a",
      text: #"""
        FROM --platform=${BUILDPLATFORM:-linux/amd64} node:20.17.0-alpine as builder

        ENV NODE_ENV=production \
            VERDACCIO_BUILD_REGISTRY=https://registry.npmjs.org  \
            HUSKY_SKIP_INSTALL=1 \
            CI=true \
            HUSKY_DEBUG=1

        RUN apk add --force-overwrite && \
            apk --no-cache add openssl ca-certificates wget && \
            apk --no-cache add g++ gcc libgcc libstdc++ linux-headers make python3 && \
            wget -q -O /etc/apk/keys/sgerrand.rsa.pub https://alpine-pkgs.sgerrand.com/sgerrand.rsa.pub && \
            wget -q https://github.com/sgerrand/alpine-pkg-glibc/releases/download/2.35-r0/glibc-2.35-r0.apk && \
            apk add --force-overwrite glibc-2.35-r0.apk

        WORKDIR /opt/verdaccio-build
        COPY . .

        ## build the project and create a tarball of the project for later
        ## global installation
        RUN yarn config set npmRegistryServer $VERDACCIO_BUILD_REGISTRY && \
            yarn config set enableProgressBars true && \
            yarn config set enableScripts false && \
            yarn install --immutable && \
            yarn build
        ## pack the project
        RUN yarn pack --dry-run \
            && yarn pack --out verdaccio.tgz \
            && mkdir -p /opt/tarball \
            && mv /opt/verdaccio-build/verdaccio.tgz /opt/tarball
        ## clean up and reduce bundle size
        RUN rm -Rf /opt/verdaccio-build

        FROM node:20.17.0-alpine
        LABEL maintainer="https://github.com/verdaccio/verdaccio"

        ENV VERDACCIO_APPDIR=/opt/verdaccio \
            VERDACCIO_USER_NAME=verdaccio \
            VERDACCIO_USER_UID=10001 \
            VERDACCIO_PORT=4873 \
            VERDACCIO_PROTOCOL=http
        ENV PATH=$VERDACCIO_APPDIR/docker-bin:$PATH \
            HOME=$VERDACCIO_APPDIR

        WORKDIR $VERDACCIO_APPDIR

        # https://github.com/Yelp/dumb-init
        RUN apk --no-cache add openssl dumb-init

        RUN mkdir -p /verdaccio/storage /verdaccio/plugins /verdaccio/conf

        COPY --from=builder /opt/tarball .

        USER root
        # install verdaccio as a global package so is fully handled by npm
        # ensure none dependency is being missing and is prod by default
        RUN npm install -g $VERDACCIO_APPDIR/verdaccio.tgz \
            ## clean up cache
            && npm cache clean --force \
            && rm -Rf .npm/ \
            && rm $VERDACCIO_APPDIR/verdaccio.tgz \
            # yarn is not need it after this step
            # Also remove the symlinks added in the [`node:alpine` Docker image](https://github.com/nodejs/docker-node/blob/02a64a08a98a472c6141cd583d2e9fc47bcd9bfd/18/alpine3.16/Dockerfile#L91-L92).
            && rm -Rf /opt/yarn-v1.22.19/ /usr/local/bin/yarn /usr/local/bin/yarnpkg

        ADD conf/docker.yaml /verdaccio/conf/config.yaml
        ADD docker-bin $VERDACCIO_APPDIR/docker-bin

        RUN adduser -u $VERDACCIO_USER_UID -S -D -h $VERDACCIO_APPDIR -g "$VERDACCIO_USER_NAME user" -s /sbin/nologin $VERDACCIO_USER_NAME && \
            chmod -R +x /usr/local/lib/node_modules/verdaccio/bin/verdaccio $VERDACCIO_APPDIR/docker-bin && \
            chown -R $VERDACCIO_USER_UID:root /verdaccio/storage && \
            chmod -R g=u /verdaccio/storage /etc/passwd

        USER $VERDACCIO_USER_UID

        EXPOSE $VERDACCIO_PORT

        VOLUME /verdaccio/storage

        ENTRYPOINT ["uid_entrypoint"]

        CMD verdaccio --config /verdaccio/conf/config.yaml --listen $VERDACCIO_PROTOCOL://0.0.0.0:$VERDACCIO_PORT

        """#,
      expected: [],
      review: """
        The builder stage has `apk add` without --no-cache (lines 9-14), g++/gcc/make and `yarn
        install --immutable`, but it is used only through COPY --from. The final
        node:20.17.0-alpine stage uses `apk --no-cache add` and `npm install -g
        $VERDACCIO_APPDIR/verdaccio.tgz`, which names what to install (a tarball), so it is not
        the bare `npm install` of PL304. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "metabase/metabase",
      path: "Dockerfile",
      commit: "0024b89173d0c1f3ab97e447b04594db950defe8",
      text: #"""
        ###################
        # STAGE 1.1: builder frontend
        ###################

        FROM metabase/ci:java-11-lein-2.9.6-clj-1.10.3.822-04-22-2021 as frontend

        ARG ENV=production

        ARG MB_EDITION=oss

        WORKDIR /app/source

        COPY . .

        RUN apk add --no-cache patch

        RUN if [ "$ENV" = "staging" ] ; then patch -p1 < staging.patch; fi

        RUN NODE_ENV=production MB_EDITION=$MB_EDITION yarn --frozen-lockfile && yarn build && bin/i18n/build-translation-resources

        ###################
        # STAGE 1.2: backend deps
        ###################

        FROM metabase/ci:java-11-lein-2.9.6-clj-1.10.3.822-04-22-2021 as backend

        WORKDIR /app/source

        # backend dependencies
        COPY project.clj .
        RUN lein deps :tree

        ###################
        # STAGE 1.3: drivers
        ###################

        FROM metabase/ci:java-11-lein-2.9.6-clj-1.10.3.822-04-22-2021 as drivers

        ARG MB_EDITION=oss

        WORKDIR /app/source

        COPY --from=backend /root/.m2/repository/. /root/.m2/repository/.

        # add the rest of the source
        COPY . .

        # build the app
        RUN INTERACTIVE=false MB_EDITION=$MB_EDITION sh bin/build-drivers.sh

        ###################
        # STAGE 1.4: main builder
        ###################

        FROM metabase/ci:java-11-lein-2.9.6-clj-1.10.3.822-04-22-2021 as builder

        ARG MB_EDITION=oss

        WORKDIR /app/source

        # try to reuse caching as much as possible
        COPY --from=frontend /root/.m2/repository/. /root/.m2/repository/.
        COPY --from=frontend /app/source/. .
        COPY --from=backend /root/.m2/repository/. /root/.m2/repository/.
        COPY --from=backend /app/source/. .
        COPY --from=drivers /root/.m2/repository/. /root/.m2/repository/.
        COPY --from=drivers /app/source/. .

        # build the app
        RUN INTERACTIVE=false MB_EDITION=$MB_EDITION bin/build version uberjar

        # ###################
        # # STAGE 2: runner
        # ###################

        ## Remember that this runner image needs to be the same as bin/docker/Dockerfile with the exception that this one grabs the
        ## jar from the previous stage rather than the local build

        FROM adoptopenjdk/openjdk11:alpine-jre as runner

        ENV FC_LANG en-US LC_CTYPE en_US.UTF-8

        # dependencies
        RUN apk upgrade && apk add --update-cache --no-cache bash ttf-dejavu fontconfig curl java-cacerts && \
            mkdir -p /app/certs && \
            curl https://s3.amazonaws.com/rds-downloads/rds-combined-ca-bundle.pem -o /app/certs/rds-combined-ca-bundle.pem  && \
            /opt/java/openjdk/bin/keytool -noprompt -import -trustcacerts -alias aws-rds -file /app/certs/rds-combined-ca-bundle.pem -keystore /etc/ssl/certs/java/cacerts -keypass changeit -storepass changeit && \
            curl https://cacerts.digicert.com/DigiCertGlobalRootG2.crt.pem -o /app/certs/DigiCertGlobalRootG2.crt.pem  && \
            /opt/java/openjdk/bin/keytool -noprompt -import -trustcacerts -alias azure-cert -file /app/certs/DigiCertGlobalRootG2.crt.pem -keystore /etc/ssl/certs/java/cacerts -keypass changeit -storepass changeit && \
            mkdir -p /plugins && chmod a+rwx /plugins

        # add Metabase script and uberjar
        COPY --from=builder /app/source/target/uberjar/metabase.jar /app/
        COPY bin/docker/run_metabase.sh /app/

        # expose our default runtime port
        EXPOSE 3000

        # run it
        ENTRYPOINT ["/app/run_metabase.sh"]

        """#,
      expected: ["PL307@84"],
      review: """
        PL307@84: the final stage (runner) runs `apk upgrade`. The `apk add` of the same RUN has
        --no-cache (with --update-cache), so no PL303. The four metabase/ci stages (apk add
        --no-cache patch, `yarn --frozen-lockfile`, lein) reach the runner only through COPY
        --from. The runner's base adoptopenjdk/openjdk11:alpine-jre is not an official-library
        image and is an Alpine JRE tag anyway: no PL308.
        """),
    HygieneCorpusEntry(
      repository: "jqlang/jq",
      path: "Dockerfile",
      commit: "05e72217b8fefbf6473850752839a0be57d97949",
      text: #"""
        FROM debian:8

        COPY . /app

        # get dependencies, build, and remove anything we don't need for running jq.
        # valgrind seems to have trouble with pthreads TLS so it's off.

        RUN apt-get update && \
            apt-get install -y \
                build-essential \
                autoconf \
                libtool \
                git \
                bison \
                flex \
                ruby \
                wget \
                ruby-dev && \
            wget https://github.com/kkos/oniguruma/archive/v5.9.6.tar.gz -O onig-5.9.6.tar.gz && \
            sha512sum onig-5.9.6.tar.gz | grep 6b048d345e148c9da38af7a8df76d4a358eb3d4db91fa7834076e511f526a63544284f212b0d56badbbd33112c8b458a5fff02bfbbda012ecfe478bc436ea679 && \
            tar zxvf onig-5.9.6.tar.gz && \
            (cd oniguruma-5.9.6 && \
                touch NEWS ChangeLog && \
                autoreconf -i && \
                ./configure --prefix=/usr/local && \
                make && \
                make install ) && \
            gem install bundler && \
            (cd /app/docs && bundle install) && \
            (cd /app && \
                autoreconf -i && \
                ./configure --disable-valgrind --enable-all-static --prefix=/usr/local && \
                make -j8 && \
                make check && \
                make install && \
                make dist-clean-local ) && \
            (cd oniguruma-5.9.6 && \
                make uninstall ) && \
            apt-get purge -y \
                build-essential \
                autoconf \
                libtool \
                bison \
                git \
                flex \
                ruby \
                ruby-dev && \
            apt-get autoremove -y && \
            rm -rf oniguruma-5.9.6 && \
            rm -rf /var/lib/apt/lists/* /var/lib/gems

        ENTRYPOINT ["/usr/local/bin/jq"]
        CMD []

        """#,
      expected: ["PL308@1"],
      review: """
        One stage, one big RUN (line 8). It installs build-essential and git but purges both
        (`apt-get purge -y build-essential ... git ...`) later in the same RUN, so no PL305 and
        no PL302; it ends with `rm -rf /var/lib/apt/lists/*`, so no PL303. The RUN also contains
        `(cd /app/docs && bundle install)` with no --without: the literal PL304 definition would
        flag it, but the gems only build the manual during this RUN, and the same RUN purges
        ruby and runs `rm -rf ... /var/lib/gems`, so no development dependency reaches the
        image. A correct implementation gives nothing here (see the ambiguity in the report).
        PL308 at line 1: the official debian image has a slim variant of every release
        (debian:8-slim, jessie-slim), about half the size, with the same glibc; the rule is a
        note. (The first review said debian has no slim variant; it does.)
        """),
    HygieneCorpusEntry(
      repository: "openstreetmap/openstreetmap-website",
      path: "Dockerfile",
      commit: "05e533571649f846ee09e6e81431b5fc5fe3c01a",
      text: #"""
        FROM ubuntu:22.04

        ENV DEBIAN_FRONTEND=noninteractive

        # Install system packages then clean up to minimize image size
        RUN apt-get update \
         && apt-get install --no-install-recommends -y \
              build-essential \
              curl \
              default-jre-headless \
              file \
              git-core \
              gpg-agent \
              libarchive-dev \
              libffi-dev \
              libgd-dev \
              libpq-dev \
              libsasl2-dev \
              libvips-dev \
              libxml2-dev \
              libxslt1-dev \
              libyaml-dev \
              locales \
              postgresql-client \
              ruby \
              ruby-dev \
              ruby-bundler \
              software-properties-common \
              tzdata \
              unzip

        # Install Node.js 18 and npm
        RUN curl -fsSL https://deb.nodesource.com/setup_18.x | bash - \
         && apt-get install -y nodejs

        # Install yarn globally
        RUN npm install --global yarn \
         # We can't use snap packages for firefox inside a container, so we need to get firefox+geckodriver elsewhere
         && add-apt-repository -y ppa:mozillateam/ppa \
         && echo "Package: *\nPin: release o=LP-PPA-mozillateam\nPin-Priority: 1001" > /etc/apt/preferences.d/mozilla-firefox \
         && apt-get install --no-install-recommends -y \
              firefox-geckodriver \
         && apt-get clean \
         && rm -rf /var/lib/apt/lists/*

        # Install compatible Osmosis to help users import sample data in a new instance
        RUN curl -OL https://github.com/openstreetmap/osmosis/releases/download/0.47.2/osmosis-0.47.2.tgz \
         && tar -C /usr/local -xzf osmosis-0.47.2.tgz

        ENV DEBIAN_FRONTEND=dialog

        # Setup app location
        RUN mkdir -p /app
        WORKDIR /app

        # Install Ruby packages
        ADD Gemfile Gemfile.lock /app/
        RUN bundle install

        # Install NodeJS packages using yarn
        ADD package.json yarn.lock /app/
        ADD bin/yarn /app/bin/
        RUN bundle exec bin/yarn install

        """#,
      expected: ["PL303@6", "PL305@6", "PL303@33", "PL304@58", "PL304@63"],
      review: """
        One stage on ubuntu:22.04. PL303@6 and PL305@6: `apt-get update && apt-get install` of
        build-essential (and git-core) with no removal of the lists and no later removal of the
        compiler. PL303@33: the NodeSource script plus `apt-get install -y nodejs` leaves the
        lists again. PL304@58: `bundle install` with no --without, BUNDLE_WITHOUT or `bundle
        config set without`. PL304@63: `bundle exec bin/yarn install` runs the Rails binstub
        bin/yarn, which execs `yarn install`, without --production and without
        NODE_ENV=production. Near-misses: the RUN at line 37 installs with `apt-get install` but
        ends with `rm -rf /var/lib/apt/lists/*` (no PL303), and its `npm install --global yarn`
        names a package (no PL304). ubuntu has no slim variant: no PL308.
        """),
    HygieneCorpusEntry(
      repository: "GoogleCloudPlatform/microservices-demo",
      path: "src/emailservice/Dockerfile",
      commit: "00d83a33d3567db1fb1e052c647e1a8c0f85bcbe",
      text: #"""
        # Copyright 2020 Google LLC
        #
        # Licensed under the Apache License, Version 2.0 (the "License");
        # you may not use this file except in compliance with the License.
        # You may obtain a copy of the License at
        #
        #      http://www.apache.org/licenses/LICENSE-2.0
        #
        # Unless required by applicable law or agreed to in writing, software
        # distributed under the License is distributed on an "AS IS" BASIS,
        # WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        # See the License for the specific language governing permissions and
        # limitations under the License.

        FROM python:3.7-slim as base

        FROM base as builder

        RUN apt-get -qq update \
            && apt-get install -y --no-install-recommends \
                g++ \
            && rm -rf /var/lib/apt/lists/*

        # get packages
        COPY requirements.txt .
        RUN pip install -r requirements.txt

        FROM base as final
        # Enable unbuffered logging
        ENV PYTHONUNBUFFERED=1
        # Enable Profiler
        ENV ENABLE_PROFILER=1

        RUN apt-get -qq update \
            && apt-get install -y --no-install-recommends \
                wget

        # Download the grpc health probe
        RUN GRPC_HEALTH_PROBE_VERSION=v0.4.12 && \
            wget -qO/bin/grpc_health_probe https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/${GRPC_HEALTH_PROBE_VERSION}/grpc_health_probe-linux-amd64 && \
            chmod +x /bin/grpc_health_probe

        WORKDIR /email_server

        # Grab packages from builder
        COPY --from=builder /usr/local/lib/python3.7/ /usr/local/lib/python3.7/

        # Add the application
        COPY . .

        EXPOSE 8080
        ENTRYPOINT [ "python", "email_server.py" ]

        """#,
      expected: ["PL303@34"],
      review: """
        PL303@34: the final stage (FROM base, python:3.7-slim) runs `apt-get -qq update &&
        apt-get install -y --no-install-recommends wget` and never removes /var/lib/apt/lists.
        Near-misses: the builder stage (also FROM base) removes its lists and installs g++ and
        runs `pip install -r requirements.txt` without --no-cache-dir, but it is used only
        through COPY --from and is not an ancestor of the final stage. The base is a -slim tag:
        no PL308.
        """),
    HygieneCorpusEntry(
      repository: "GoogleCloudPlatform/microservices-demo",
      path: "src/currencyservice/Dockerfile",
      commit: "004d7803862cf7ca50163a8165d8c2220de38c76",
      text: #"""
        # Copyright 2020 Google LLC
        #
        # Licensed under the Apache License, Version 2.0 (the "License");
        # you may not use this file except in compliance with the License.
        # You may obtain a copy of the License at
        #
        #      http://www.apache.org/licenses/LICENSE-2.0
        #
        # Unless required by applicable law or agreed to in writing, software
        # distributed under the License is distributed on an "AS IS" BASIS,
        # WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        # See the License for the specific language governing permissions and
        # limitations under the License.

        FROM node:16-alpine as base

        FROM base as builder

        # Some packages (e.g. @google-cloud/profiler) require additional
        # deps for post-install scripts
        RUN apk add --update --no-cache \
            python3 \
            make \
            g++

        WORKDIR /usr/src/app

        COPY package*.json ./

        RUN npm install --only=production

        FROM base

        RUN GRPC_HEALTH_PROBE_VERSION=v0.4.6 && \
            wget -qO/bin/grpc_health_probe https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/${GRPC_HEALTH_PROBE_VERSION}/grpc_health_probe-linux-amd64 && \
            chmod +x /bin/grpc_health_probe

        WORKDIR /usr/src/app

        COPY --from=builder /usr/src/app/node_modules ./node_modules

        COPY . .

        EXPOSE 7000

        ARG OTEL_EXPORTER_OTLP_ENDPOINT
        ENV OTEL_EXPORTER_OTLP_ENDPOINT=${OTEL_EXPORTER_OTLP_ENDPOINT}

        ENTRYPOINT [ "node", "server.js" ]

        """#,
      expected: [],
      review: """
        The builder (FROM base) installs make and g++ with `apk add --update --no-cache` and
        runs `npm install --only=production`; it is used only through COPY --from. The final
        stage is FROM base (node:16-alpine) and only downloads a probe with wget. Nothing to
        report.
        """),
    HygieneCorpusEntry(
      repository: "GoogleCloudPlatform/microservices-demo",
      path: "src/cartservice/src/Dockerfile",
      commit: "00d83a33d3567db1fb1e052c647e1a8c0f85bcbe",
      text: #"""
        # Copyright 2021 Google LLC
        #
        # Licensed under the Apache License, Version 2.0 (the "License");
        # you may not use this file except in compliance with the License.
        # You may obtain a copy of the License at
        #
        #      http://www.apache.org/licenses/LICENSE-2.0
        #
        # Unless required by applicable law or agreed to in writing, software
        # distributed under the License is distributed on an "AS IS" BASIS,
        # WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        # See the License for the specific language governing permissions and
        # limitations under the License.

        # https://mcr.microsoft.com/v2/dotnet/sdk/tags/list
        FROM mcr.microsoft.com/dotnet/sdk:6.0.400 as builder
        WORKDIR /app
        COPY cartservice.csproj .
        RUN dotnet restore cartservice.csproj -r linux-musl-x64
        COPY . .
        RUN dotnet publish cartservice.csproj -p:PublishSingleFile=true -r linux-musl-x64 --self-contained true -p:PublishTrimmed=True -p:TrimMode=Link -c release -o /cartservice --no-restore

        # https://mcr.microsoft.com/v2/dotnet/runtime-deps/tags/list
        FROM mcr.microsoft.com/dotnet/runtime-deps:6.0.8-alpine3.16-amd64
        RUN GRPC_HEALTH_PROBE_VERSION=v0.4.12 && \
            wget -qO/bin/grpc_health_probe https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/${GRPC_HEALTH_PROBE_VERSION}/grpc_health_probe-linux-amd64 && \
            chmod +x /bin/grpc_health_probe
        WORKDIR /app
        COPY --from=builder /cartservice .
        ENV ASPNETCORE_URLS http://*:7070
        ENV DOTNET_EnableDiagnostics=0
        ENTRYPOINT ["/app/cartservice"]

        """#,
      expected: [],
      review: """
        .NET: the SDK stage (mcr.microsoft.com/dotnet/sdk) restores and publishes and is used
        only through COPY --from; the final stage is runtime-deps on Alpine with no package
        install. The large SDK image is not the final stage, so no PL308. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "GoogleCloudPlatform/microservices-demo",
      path: "src/adservice/Dockerfile",
      commit: "0044b0717270a4ac2a20292056e6c89e6a0dee08",
      text: #"""
        # Copyright 2020 Google LLC
        #
        # Licensed under the Apache License, Version 2.0 (the "License");
        # you may not use this file except in compliance with the License.
        # You may obtain a copy of the License at
        #
        #      http://www.apache.org/licenses/LICENSE-2.0
        #
        # Unless required by applicable law or agreed to in writing, software
        # distributed under the License is distributed on an "AS IS" BASIS,
        # WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        # See the License for the specific language governing permissions and
        # limitations under the License.

        FROM eclipse-temurin:19 as builder

        WORKDIR /app

        COPY ["build.gradle", "gradlew", "./"]
        COPY gradle gradle
        RUN chmod +x gradlew
        RUN ./gradlew downloadRepos

        COPY . .
        RUN chmod +x gradlew
        RUN ./gradlew installDist

        FROM eclipse-temurin:19-jre-alpine

        RUN apk add --no-cache ca-certificates

        # Download Stackdriver Profiler Java agent
        RUN mkdir -p /opt/cprof && \
            wget -q -O- https://storage.googleapis.com/cloud-profiler/java/latest/profiler_java_agent_alpine.tar.gz \
            | tar xzv -C /opt/cprof && \
            rm -rf profiler_java_agent.tar.gz

        RUN GRPC_HEALTH_PROBE_VERSION=v0.4.13 && \
            wget -qO/bin/grpc_health_probe https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/${GRPC_HEALTH_PROBE_VERSION}/grpc_health_probe-linux-amd64 && \
            chmod +x /bin/grpc_health_probe

        WORKDIR /app
        COPY --from=builder /app .

        EXPOSE 9555
        ENTRYPOINT ["/app/build/install/hipstershop/bin/AdService"]

        """#,
      expected: [],
      review: """
        Java: the builder is the full eclipse-temurin:19 JDK, but only its output is copied; the
        final stage is eclipse-temurin:19-jre-alpine (already Alpine, so no PL308) and uses `apk
        add --no-cache`. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "GoogleCloudPlatform/microservices-demo",
      path: "src/loadgenerator/Dockerfile",
      commit: "0038863794a3d8cea3d8ae3e9b13b47a821cf333",
      text: #"""
        # Copyright 2020 Google LLC
        #
        # Licensed under the Apache License, Version 2.0 (the "License");
        # you may not use this file except in compliance with the License.
        # You may obtain a copy of the License at
        #
        #      http://www.apache.org/licenses/LICENSE-2.0
        #
        # Unless required by applicable law or agreed to in writing, software
        # distributed under the License is distributed on an "AS IS" BASIS,
        # WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        # See the License for the specific language governing permissions and
        # limitations under the License.

        FROM python:3.11.6-slim@sha256:e932b9a0f25c306d542fc69133d24b872a6a264810e300b553e7ecd027599ca5 as base

        FROM base as builder

        COPY requirements.txt .

        RUN pip install --prefix="/install" -r requirements.txt
        RUN echo "Hello World6"

        FROM base

        WORKDIR /loadgen

        COPY --from=builder /install /usr/local

        # Add application code.
        COPY locustfile.py .

        # enable gevent support in debugger
        ENV GEVENT_SUPPORT=True

        ENTRYPOINT locust --host="http://${FRONTEND_ADDR}" --headless -u "${USERS:-10}" 2>&1

        """#,
      expected: [],
      review: """
        The builder stage is FROM base and runs `pip install --prefix=/install -r
        requirements.txt` without --no-cache-dir, but the final stage is also FROM base (a
        sibling, not built on the builder) and takes only /install through COPY --from, so the
        builder's pip cache never reaches the image. The base is a -slim tag pinned by digest:
        no PL308. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "requarks/wiki",
      path: "dev/build/Dockerfile",
      commit: "0376d7885083a13643801d038d4503875cc2cfaf",
      text: #"""
        FROM node:26
        LABEL maintainer="requarks.io"

        RUN apt-get update && apt-get install -qy --no-install-recommends \
            bash \
            build-essential \
            chromium \
            curl \
            fonts-liberation \
            git \
            gnupg \
            openssh-client \
            pandoc \
            && rm -rf /var/lib/apt/lists/*
        RUN mkdir -p /wiki && \
            mkdir -p /logs && \
            mkdir -p /wiki/data/content && \
            chown -R node:node /wiki /logs

        WORKDIR /wiki

        COPY --chown=node:node ./assets ./assets
        COPY --chown=node:node ./blocks/compiled ./blocks/compiled
        COPY --chown=node:node ./backend ./backend
        COPY --chown=node:node ./dev/build/config.yml ./config.yml
        COPY --chown=node:node ./LICENSE ./LICENSE

        USER node

        ENV NODE_ENV=production

        # The browser the Puppeteer extension drives, installed above rather than downloaded by Puppeteer: the
        # distro keeps it patched, it exists for arm64 as well as amd64, and the image does not carry two copies
        # of Chromium. `PUPPETEER_SKIP_DOWNLOAD` has to be set before the install below for that to hold.
        ENV PUPPETEER_SKIP_DOWNLOAD=true
        ENV PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium

        WORKDIR /wiki/backend
        RUN npm ci --omit=dev

        # The Puppeteer extension, which server-side page rendering needs. Added here rather than declared in
        # `backend/package.json` because it is an optional extension: an installation that renders its pages in
        # the editor -- which is all of them, on any normal save -- has no use for a browser on the server, and
        # a source checkout should not have to fetch one to install the backend. Pinned like every other
        # dependency, so an image build is reproducible.
        RUN npm install --no-save puppeteer@25.4.0

        WORKDIR /wiki

        VOLUME ["/wiki/data/content"]

        EXPOSE 3000
        EXPOSE 3443

        CMD ["node", "server"]

        """#,
      expected: ["PL308@1", "PL305@4"],
      review: """
        PL308@1: a single stage FROM node:26, the full Debian image of a family with -slim and
        -alpine variants. PL305@4: build-essential and git are installed and never removed (the
        RUN does remove the apt lists, so no PL303). Near-misses: `npm ci --omit=dev` (line 39)
        and `npm install --no-save puppeteer@25.4.0` (line 46, which names its package) install
        no dev dependencies, and NODE_ENV=production is set as well.
        """),
    HygieneCorpusEntry(
      repository: "FreshRSS/FreshRSS",
      path: "Docker/Dockerfile-Alpine",
      commit: "0292b2f1f3a8cba3179467bba6c6af6bd0e97453",
      text: ##"""
        FROM alpine:3.18

        ENV TZ UTC
        SHELL ["/bin/ash", "-eo", "pipefail", "-c"]

        RUN apk add --no-cache \
        	tzdata \
        	apache2 php-apache2 \
        	php php-curl php-gmp php-intl php-mbstring php-xml php-zip \
        	php-ctype php-dom php-fileinfo php-iconv php-json php-opcache php-openssl php-phar php-session php-simplexml php-xmlreader php-xmlwriter php-xml php-tokenizer php-zlib \
        	php-pdo_sqlite php-pdo_mysql php-pdo_pgsql

        RUN mkdir -p /var/www/FreshRSS /run/apache2/
        WORKDIR /var/www/FreshRSS

        COPY . /var/www/FreshRSS
        COPY ./Docker/*.Apache.conf /etc/apache2/conf.d/

        ARG FRESHRSS_VERSION
        ARG SOURCE_BRANCH
        ARG SOURCE_COMMIT

        LABEL \
        	org.opencontainers.image.authors="Alkarex" \
        	org.opencontainers.image.description="A self-hosted RSS feed aggregator" \
        	org.opencontainers.image.documentation="https://freshrss.github.io/FreshRSS/" \
        	org.opencontainers.image.licenses="AGPL-3.0" \
        	org.opencontainers.image.revision="${SOURCE_BRANCH}.${SOURCE_COMMIT}" \
        	org.opencontainers.image.source="https://github.com/FreshRSS/FreshRSS" \
        	org.opencontainers.image.title="FreshRSS" \
        	org.opencontainers.image.url="https://freshrss.org/" \
        	org.opencontainers.image.vendor="FreshRSS" \
        	org.opencontainers.image.version="$FRESHRSS_VERSION"

        RUN rm -f /etc/apache2/conf.d/languages.conf /etc/apache2/conf.d/info.conf \
        		/etc/apache2/conf.d/status.conf /etc/apache2/conf.d/userdir.conf && \
        	sed -r -i "/^\s*LoadModule .*mod_(alias|autoindex|negotiation|status).so$/s/^/#/" \
        		/etc/apache2/httpd.conf && \
        	sed -r -i "/^\s*#\s*LoadModule .*mod_(deflate|expires|headers|mime|remoteip|setenvif).so$/s/^\s*#//" \
        		/etc/apache2/httpd.conf && \
        	sed -r -i "/^\s*(CustomLog|ErrorLog|Listen) /s/^/#/" \
        		/etc/apache2/httpd.conf && \
        	# Disable built-in updates when using Docker, as the full image is supposed to be updated instead.
        	sed -r -i "\\#disable_update#s#^.*#\t'disable_update' => true,#" ./config.default.php && \
        	touch /var/www/FreshRSS/Docker/env.txt && \
        	echo "27,57 * * * * . /var/www/FreshRSS/Docker/env.txt; \
        		su apache -s /bin/sh -c 'php /var/www/FreshRSS/app/actualize_script.php' \
        		2>> /proc/1/fd/2 > /tmp/FreshRSS.log" > /etc/crontab.freshrss.default

        ENV COPY_LOG_TO_SYSLOG On
        ENV COPY_SYSLOG_TO_STDERR On
        ENV CRON_MIN ''
        ENV DATA_PATH ''
        ENV FRESHRSS_ENV ''
        ENV LISTEN ''

        ENTRYPOINT ["./Docker/entrypoint.sh"]

        EXPOSE 80
        # hadolint ignore=DL3025
        CMD ([ -z "$CRON_MIN" ] || crond -d 6) && \
        	exec httpd -D FOREGROUND

        """##,
      expected: [],
      review: """
        A single alpine:3.18 stage; the only install is `apk add --no-cache` (line 6), with
        tab-indented package lines. The long RUN at line 35 edits configuration (a comment line
        inside the continuation, a quoted string spanning lines) and installs nothing. Nothing
        to report. (This text contains a backslash followed by #, so it is stored with
        ##-delimited raw strings.)
        """),
    HygieneCorpusEntry(
      repository: "laravel/sail",
      path: "runtimes/7.4/Dockerfile",
      commit: "0682eea0c2d3c1389259beb66978ef6ded5e5d8f",
      text: #"""
        FROM ubuntu:21.10

        LABEL maintainer="Taylor Otwell"

        ARG WWWGROUP
        ARG NODE_VERSION=16

        WORKDIR /var/www/html

        ENV DEBIAN_FRONTEND noninteractive
        ENV TZ=UTC

        RUN ln -snf /usr/share/zoneinfo/$TZ /etc/localtime && echo $TZ > /etc/timezone

        RUN apt-get update \
            && apt-get install -y gnupg gosu curl ca-certificates zip unzip git supervisor sqlite3 libcap2-bin libpng-dev python2 \
            && mkdir -p ~/.gnupg \
            && chmod 600 ~/.gnupg \
            && echo "disable-ipv6" >> ~/.gnupg/dirmngr.conf \
            && apt-key adv --homedir ~/.gnupg --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys E5267A6C \
            && apt-key adv --homedir ~/.gnupg --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys C300EE8C \
            && echo "deb http://ppa.launchpad.net/ondrej/php/ubuntu impish main" > /etc/apt/sources.list.d/ppa_ondrej_php.list \
            && apt-get update \
            && apt-get install -y php7.4-cli php7.4-dev \
               php7.4-pgsql php7.4-sqlite3 php7.4-gd \
               php7.4-curl php7.4-memcached \
               php7.4-imap php7.4-mysql php7.4-mbstring \
               php7.4-xml php7.4-zip php7.4-bcmath php7.4-soap \
               php7.4-intl php7.4-readline php7.4-pcov \
               php7.4-msgpack php7.4-igbinary php7.4-ldap \
               php7.4-redis php7.4-xdebug \
            && php -r "readfile('https://getcomposer.org/installer');" | php -- --install-dir=/usr/bin/ --filename=composer \
            && curl -sL https://deb.nodesource.com/setup_$NODE_VERSION.x | bash - \
            && apt-get install -y nodejs \
            && npm install -g npm \
            && curl -sS https://dl.yarnpkg.com/debian/pubkey.gpg | apt-key add - \
            && echo "deb https://dl.yarnpkg.com/debian/ stable main" > /etc/apt/sources.list.d/yarn.list \
            && apt-get update \
            && apt-get install -y yarn \
            && apt-get install -y mysql-client \
            && apt-get install -y postgresql-client \
            && apt-get -y autoremove \
            && apt-get clean \
            && rm -rf /var/lib/apt/lists/* /tmp/* /var/tmp/*

        RUN setcap "cap_net_bind_service=+ep" /usr/bin/php7.4

        RUN groupadd --force -g $WWWGROUP sail
        RUN useradd -ms /bin/bash --no-user-group -g $WWWGROUP -u 1337 sail

        COPY start-container /usr/local/bin/start-container
        COPY supervisord.conf /etc/supervisor/conf.d/supervisord.conf
        COPY php.ini /etc/php/7.4/cli/conf.d/99-sail.ini
        RUN chmod +x /usr/local/bin/start-container

        EXPOSE 80

        ENTRYPOINT ["start-container"]

        """#,
      expected: ["PL305@15"],
      review: """
        PL305@15: the one big RUN installs git (with gnupg, php7.4-dev and the rest) and never
        removes it. It ends with `rm -rf /var/lib/apt/lists/*` (no PL303), every `apt-get
        update` in it is followed by an install in the same RUN (no PL301), and `npm install -g
        npm` names a package (no PL304). ubuntu:21.10 has no slim variant: no PL308.
        """),
    HygieneCorpusEntry(
      repository: "snipe/snipe-it",
      path: "Dockerfile",
      commit: "008482203e7d2202b773dbda4526aaa7f527379d",
      text: #"""
        FROM ubuntu:trusty
        MAINTAINER Brady Wetherington <uberbrady@gmail.com>

        RUN apt-get update && apt-get install -y \
        apache2-bin \
        libapache2-mod-php5 \
        php5-curl \
        php5-ldap \
        php5-mysql \
        php5-mcrypt \
        php5-gd \
        patch \
        curl \
        vim \
        git \
        mysql-client

        RUN php5enmod mcrypt
        RUN php5enmod gd

        RUN sed -i 's/variables_order = .*/variables_order = "EGPCS"/' /etc/php5/apache2/php.ini
        RUN sed -i 's/variables_order = .*/variables_order = "EGPCS"/' /etc/php5/cli/php.ini

        RUN useradd --uid 1000 --gid 50 docker

        RUN echo export APACHE_RUN_USER=docker >> /etc/apache2/envvars
        RUN echo export APACHE_RUN_GROUP=staff >> /etc/apache2/envvars

        COPY docker/000-default.conf /etc/apache2/sites-enabled/000-default.conf

        #SSL
        RUN mkdir -p /var/lib/snipeit/ssl
        COPY docker/001-default-ssl.conf /etc/apache2/sites-enabled/001-default-ssl.conf
        #COPY docker/001-default-ssl.conf /etc/apache2/sites-available/001-default-ssl.conf

        RUN a2enmod ssl
        #RUN a2ensite 001-default-ssl.conf

        COPY . /var/www/html

        RUN a2enmod rewrite

        ############ INITIAL APPLICATION SETUP #####################

        WORKDIR /var/www/html

        #Append to bootstrap file (less brittle than 'patch')
        # RUN sed -i 's/return $app;/$env="production";\nreturn $app;/' bootstrap/start.php

        #copy all configuration files
        # COPY docker/*.php /var/www/html/app/config/production/
        COPY docker/docker.env /var/www/html/.env

        RUN chown -R docker /var/www/html

        RUN \
        	rm -r "/var/www/html/storage/private_uploads"      && ln -fs "/var/lib/snipeit/data/private_uploads"   "/var/www/html/storage/private_uploads"      && \
        	mkdir -p "/var/www/html/public/uploads" && \
        	rm -rf "/var/www/html/public/uploads/avatars"   && ln -fs "/var/lib/snipeit/data/uploads/avatars"   "/var/www/html/public/uploads/avatars"   && \
        	rm -rf "/var/www/html/public/uploads/models"    && ln -fs "/var/lib/snipeit/data/uploads/models"    "/var/www/html/public/uploads/models"    && \
        	rm -rf "/var/www/html/public/uploads/suppliers" && ln -fs "/var/lib/snipeit/data/uploads/suppliers" "/var/www/html/public/uploads/suppliers" && \
        	rm -r "/var/www/html/storage/backups"        && ln -fs "/var/lib/snipeit/dumps"                  "/var/www/html/storage/backups"

        ############## DEPENDENCIES via COMPOSER ###################

        #global install of composer
        RUN cd /tmp;curl -sS https://getcomposer.org/installer | php;mv /tmp/composer.phar /usr/local/bin/composer

        # Get dependencies
        RUN cd /var/www/html;composer install

        ############### APPLICATION INSTALL/INIT #################

        #RUN php artisan app:install
        # too interactive! Try something else

        #COPY docker/app_install.exp /tmp/app_install.exp
        #RUN chmod +x /tmp/app_install.exp
        #RUN /tmp/app_install.exp

        ############### DATA VOLUME #################

        VOLUME [/var/lib/snipeit]

        ##### START SERVER

        COPY docker/entrypoint.sh /entrypoint.sh
        RUN chmod +x /entrypoint.sh

        ENTRYPOINT ["/entrypoint.sh"]

        EXPOSE 80
        EXPOSE 443

        """#,
      expected: ["PL303@4", "PL305@4", "PL304@70"],
      review: """
        PL303@4: `apt-get update && apt-get install -y ...` without removing the lists. PL305@4:
        git is among the packages and is never removed. PL304@70: `cd /var/www/html;composer
        install` without --no-dev in the only (final) stage. Near-miss: the composer installer
        at line 67 installs no dependencies. ubuntu:trusty has no slim variant: no PL308.
        """),
    HygieneCorpusEntry(
      repository: "wakproductions/momo_stocks",
      path: "Dockerfile",
      commit: "008b2b3a3f61bd5304f0f20ee6b7ea23bf92686b",
      text: #"""
        FROM ruby:2.4.1
        RUN apt-get update
        RUN apt-get install -y nodejs # Node is needed for certain Javascript add-ons like Uglifier of Coffee-rails
        WORKDIR /app
        ADD . /app

        RUN gem install bundler -v 1.15.0
        RUN bundle install


        """#,
      expected: ["PL308@1", "PL301@2", "PL303@3", "PL304@8"],
      review: """
        PL308@1: ruby:2.4.1 is the full image (ruby:2.4.1-slim exists). PL301@2: `apt-get
        update` alone in its RUN. PL303@3: `apt-get install -y nodejs` with no removal of the
        lists (the text after # on that line is a shell comment, not an argument). PL304@8:
        `bundle install` without excluding groups. `gem install bundler -v 1.15.0` is not PL304.
        """),
    HygieneCorpusEntry(
      repository: "uktrade/trade-remedies-public",
      path: "Dockerfile",
      commit: "0cf3745f52dd45153cdd2f91c9b5200d414da7b7",
      text: #"""
        FROM python:3.9.10
        ADD . /app
        WORKDIR /app

        RUN wget -q -O - https://dl-ssl.google.com/linux/linux_signing_key.pub | apt-key add -
        RUN sh -c 'echo "deb [arch=amd64] http://dl.google.com/linux/chrome/deb/ stable main" >> /etc/apt/sources.list.d/google-chrome.list'
        RUN apt-get -y update
        RUN apt-get install -y google-chrome-stable

        RUN apt-get install -yqq unzip
        RUN wget -O /tmp/chromedriver.zip http://chromedriver.storage.googleapis.com/`curl -sS chromedriver.storage.googleapis.com/LATEST_RELEASE`/chromedriver_linux64.zip
        RUN unzip /tmp/chromedriver.zip chromedriver -d /usr/local/bin/

        RUN pip install --upgrade pip
        RUN pip install -r requirements/dev.txt

        """#,
      expected: ["PL308@1", "PL301@7", "PL303@8", "PL303@10", "PL303@14", "PL303@15", "PL304@15"],
      review: """
        PL308@1: python:3.9.10 is the full image. PL301@7: `apt-get -y update` alone. PL303@8
        and PL303@10: the two `apt-get install` RUNs leave the lists. PL303@14 and PL303@15: pip
        without --no-cache-dir (no PIP_NO_CACHE_DIR, no cache mount). PL304@15: `-r
        requirements/dev.txt` is a dev requirements file (the dev is the file name, in a
        requirements folder). Near-miss: line 5 pipes into `apt-key add -`, which installs
        nothing.
        """),
    HygieneCorpusEntry(
      repository: "betagouv/aides-jeunes",
      path: "openfisca/Dockerfile",
      commit: "0ec305b258c7852d97dc81ba48b59e1d1e4466cd",
      text: #"""
        FROM python:2.7-alpine

        # Install packages needed for build
        RUN apk add --no-cache --virtual .build-deps \
            build-base \
            gcc \
            linux-headers \
            git

        RUN apk add --no-cache \
            yaml \
            yaml-dev

        RUN mkdir /usr/src/openfisca
        WORKDIR /usr/src/openfisca

        COPY api.py ./
        COPY config.py ./
        COPY requirements.txt ./

        RUN pip install --upgrade -r requirements.txt

        # Remove packages not needed after build
        RUN apk del .build-deps

        COPY docker-entrypoint.sh /

        RUN chmod +x /docker-entrypoint.sh

        ENTRYPOINT ["/docker-entrypoint.sh"]

        """#,
      expected: ["PL303@21", "PL302@24"],
      review: """
        PL303@21: `pip install --upgrade -r requirements.txt` without --no-cache-dir. PL302@24:
        `apk del .build-deps` removes the virtual group that line 4 installed (build-base, gcc,
        linux-headers, git) in a later RUN, so the earlier layer still holds them. Because they
        are removed in a later RUN, it is PL302 and not PL305. Near-misses: both `apk add` RUNs
        use --no-cache; requirements.txt is not a dev file; python:2.7-alpine is already Alpine.
        """),
    HygieneCorpusEntry(
      repository: "typpo/quickchart",
      path: "Dockerfile",
      commit: "01673a0f37b302cd348d18bfc7816c7645b665e4",
      text: #"""
        FROM node:10-alpine

        ENV NODE_ENV production

        WORKDIR /quickchart

        RUN apk add --no-cache --virtual .build-deps git yarn build-base g++ python
        RUN apk add --no-cache --virtual .npm-deps cairo-dev pango-dev libjpeg-turbo-dev
        RUN apk add --no-cache --virtual .fonts libmount ttf-dejavu ttf-droid ttf-freefont ttf-liberation ttf-ubuntu-font-family font-noto fontconfig

        COPY package*.json .
        COPY yarn.lock .
        RUN yarn install --production

        RUN apk del .build-deps

        COPY *.js ./
        COPY lib/*.js lib/
        COPY templates templates/
        COPY LICENSE .

        EXPOSE 3400

        ENTRYPOINT [ "yarn", "start" ]

        """#,
      expected: ["PL302@15"],
      review: """
        PL302@15: `apk del .build-deps` removes git, yarn, build-base, g++ and python installed
        at line 7, in a later RUN. This is PL302 and not PL305. Near-misses: every `apk add` has
        --no-cache; `yarn install --production` (line 13) skips dev dependencies (and
        NODE_ENV=production is set); node:10-alpine is already Alpine.
        """),
    HygieneCorpusEntry(
      repository: "Stockopedia/charts-export-server",
      path: "Dockerfile",
      commit: "326770620ccd872289f10290961a848365125f10",
      text: #"""
        FROM node:10-alpine

        # Build-time
        RUN set -ex \
          && apk add --no-cache --virtual .build-deps ca-certificates openssl \
          && wget -qO- "https://github.com/dustinblackman/phantomized/releases/download/2.1.1/dockerized-phantomjs.tar.gz" | tar xz -C /

        WORKDIR /usr/charts-server
        COPY . .

        RUN addgroup -S app && adduser -S -G app app
        RUN chown -R app /usr/charts-server
        USER app

        ENV ACCEPT_HIGHCHARTS_LICENSE YES
        ENV HIGHCHARTS_USE_STYLED NO
        RUN npm install

        USER root
        RUN npm install forever -g
        RUN apk del .build-deps

        # Run-time
        USER app

        EXPOSE 5000

        CMD ["npm", "run", "forever"]

        """#,
      expected: ["PL304@17", "PL302@21"],
      review: """
        PL304@17: a bare `npm install` in the final (only) stage without --omit=dev or
        --production, without NODE_ENV=production, and with no later `npm prune`. PL302@21: `apk
        del .build-deps` removes, in a later RUN, ca-certificates and openssl that line 4
        installed as .build-deps. Near-miss: `npm install forever -g` (line 20) names its
        package.
        """),
    HygieneCorpusEntry(
      repository: "GoogleCloudPlatform/golang-samples",
      path: "run/helloworld/Dockerfile",
      commit: "0cc5d56a42de6bacce9cf4ef6f4d7a7f0f0ac8e6",
      text: #"""
        # Copyright 2020 Google LLC
        #
        # Licensed under the Apache License, Version 2.0 (the "License");
        # you may not use this file except in compliance with the License.
        # You may obtain a copy of the License at
        #
        #    https://www.apache.org/licenses/LICENSE-2.0
        #
        # Unless required by applicable law or agreed to in writing, software
        # distributed under the License is distributed on an "AS IS" BASIS,
        # WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        # See the License for the specific language governing permissions and
        # limitations under the License.

        # [START cloudrun_helloworld_dockerfile_go]

        # Use the official Go image to create a binary.
        # This is based on Debian and sets the GOPATH to /go.
        # https://hub.docker.com/_/golang
        FROM golang:1.23-bookworm as builder

        # Create and change to the app directory.
        WORKDIR /app

        # Retrieve application dependencies.
        # This allows the container build to reuse cached dependencies.
        # Expecting to copy go.mod and if present go.sum.
        COPY go.* ./
        RUN go mod download

        # Copy local code to the container image.
        COPY . ./

        # Build the binary.
        RUN go build -v -o server

        # Use the official Debian slim image for a lean production container.
        # https://hub.docker.com/_/debian
        # https://docs.docker.com/develop/develop-images/multistage-build/#use-multi-stage-builds
        FROM debian:bookworm-slim
        RUN set -x && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
            ca-certificates && \
            rm -rf /var/lib/apt/lists/*

        # Copy the binary to the production image from the builder stage.
        COPY --from=builder /app/server /app/server

        # Run the web service on container startup.
        CMD ["/app/server"]

        # [END cloudrun_helloworld_dockerfile_go]

        """#,
      expected: [],
      review: """
        Go: the builder is golang:1.23-bookworm (large, but used only through COPY --from). The
        final debian:bookworm-slim stage runs `apt-get update && DEBIAN_FRONTEND=noninteractive
        apt-get install` (an inline environment assignment before the command) and removes
        /var/lib/apt/lists/* in the same RUN: no PL303, no PL301. Nothing to report.
        """),
    HygieneCorpusEntry(
      repository: "yuta519/django-demo",
      path: "Dockerfile",
      commit: "063b994a15b57ce8f0cd16f9285afabe9584385b",
      text: #"""
        FROM python:3
        ENV PYTHONUNBUFFERED=1 \
            PYTHONDONTWRITEBYTECODE=1 \
            \
            PIP_NO_CACHE_DIR=off \
            PIP_DISABLE_PIP_VERSION_CHECK=on \
            PIP_DEFAULT_TIMEOUT=100 \
            \
            POETRY_VERSION=1.1.5 \
            POETRY_HOME="/opt/poetry" \
            POETRY_VIRTUALENVS_CREATE=false \
            \
            PYSETUP_PATH="/opt/pysetup"

        WORKDIR /app
        COPY . /app/
        COPY ./pyproject.toml ./poetry.lock ./

        RUN pip install --upgrade pip setuptools wheel
        RUN pip install poetry

        RUN poetry install

        ENTRYPOINT ["/app/entrypoint.sh"]

        """#,
      expected: ["PL308@1"],
      review: """
        PL308@1: python:3 is the full image. Near-misses: the stage sets PIP_NO_CACHE_DIR=off.
        pip disables its cache for any valid value of this variable, including off/false/0 (kept
        for backward compatibility), so the two pip installs at lines 19 and 20 leave no cache:
        no PL303. `poetry install` installs dev dependencies too, but poetry is not one of the
        tools PL304 covers.
        """),
    HygieneCorpusEntry(
      repository: "ikeyu0806/actix-web-todo",
      path: "Dockerfile",
      commit: "5173c51e62ea845e58dfbd33f5114ff587b9d3b1",
      text: #"""
        FROM rust:latest

        WORKDIR /app

        RUN apt-get update \
          && apt-get upgrade -y \
          && apt-get install -y sqlite3

        CMD ["cargo", "run"]

        """#,
      expected: ["PL308@1", "PL303@5", "PL307@5"],
      review: """
        PL308@1: rust:latest is the full image (slim and Alpine variants exist). PL303@5: the
        `apt-get install -y sqlite3` of this RUN leaves /var/lib/apt/lists. PL307@5: `apt-get
        upgrade -y`. The update has its install in the same RUN: no PL301.
        """),
  ]
}
