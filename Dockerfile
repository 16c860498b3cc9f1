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
COPY infralint ./infralint
COPY rules ./rules
# The wheel and its dependencies, resolved once here, into a venv the final stage copies whole.
RUN python -m venv /opt/infralint \
 && /opt/infralint/bin/pip install --no-cache-dir . \
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
