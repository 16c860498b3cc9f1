# The infralint container image:
#   docker run --rm -v "$PWD:/src" ghcr.io/infralint/infralint:<version> check .
#
# Base: python:3.12.7-slim-bookworm, pinned by the digest of its multi-platform index so that
# every build gets the same bytes. RELEASING.md ("Updating the container image's base") says how
# to refresh tag and digest together; keep both FROM lines on the same image.

FROM python:3.12.7-slim-bookworm@sha256:032c52613401895aa3d418a4c563d2d05f993bc3ecc065c8f4e2280978acd249 AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /build
# Only what the wheel is built from (see .dockerignore).
COPY pyproject.toml README.md ./
COPY docker ./docker
COPY infralint ./infralint
COPY rules ./rules
# Nothing is resolved at build time: the build backend and every dependency come from hash-pinned
# lock files (docker/*.txt), the wheel is built without build isolation from the pinned backend,
# and the venv the final stage copies whole gets the lock, then the wheel alone.
RUN python -m venv /opt/build \
 && /opt/build/bin/pip install --no-cache-dir --require-hashes -r docker/build-requirements.txt \
 && /opt/build/bin/pip wheel --no-cache-dir --no-build-isolation --no-deps --wheel-dir /wheels . \
 && python -m venv /opt/infralint \
 && /opt/infralint/bin/pip install --no-cache-dir --require-hashes -r docker/requirements.txt \
 && /opt/infralint/bin/pip install --no-cache-dir --no-deps /wheels/infralint-*.whl \
 && /opt/infralint/bin/infralint --version

FROM python:3.12.7-slim-bookworm@sha256:032c52613401895aa3d418a4c563d2d05f993bc3ecc065c8f4e2280978acd249
LABEL org.opencontainers.image.title="infralint" \
      org.opencontainers.image.description="A linter for reproducible, immutable infrastructure" \
      org.opencontainers.image.source="https://github.com/infralint/infralint" \
      org.opencontainers.image.licenses="MIT"
ENV PATH=/opt/infralint/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN useradd --no-log-init --system --create-home --uid 10001 infralint
COPY --from=build /opt/infralint /opt/infralint
USER 10001
# A command-line tool that exits when done: there is no service whose health could be probed.
HEALTHCHECK NONE
# The checked tree is mounted here; `check .` then checks it with repository-relative paths.
WORKDIR /src
ENTRYPOINT ["infralint"]
CMD ["check", "."]
