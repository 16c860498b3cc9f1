"""A seeded generator of realistic infrastructure files, for scale tests and CI-sized smoke runs.

    python benchmarks/synth.py OUT_DIR --files 1000 [--seed 7]

Writes Dockerfiles, compose files and Chef cookbooks in roughly the corpus's proportions
(about 33% Dockerfiles, 13% compose files, 54% Chef files), built from the constructs real files
use: multi-stage builds, apt/apk/pip installs, downloads, heredocs, services with build contexts.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

BASES = [
    "ubuntu:22.04",
    "debian:12-slim",
    "alpine:3.20",
    "python:3.12-slim",
    "node:20",
    "golang:1.22",
    "nginx:latest",
    "ubuntu",
    "eclipse-temurin:21-jre",
    "redis:7.2",
]
APT = [
    "curl",
    "ca-certificates",
    "git",
    "build-essential",
    "libpq-dev",
    "wget",
    "unzip",
    "gnupg",
    "jq",
    "openssl",
    "locales",
    "tzdata",
]
PIP = ["flask", "gunicorn==22.0.0", "requests", "psycopg2-binary==2.9.9", "uvicorn", "django"]
RECIPE_PACKAGES = ["nginx", "git", "curl", "ntp", "openssl", "vim", "htop"]


def dockerfile(rng: random.Random) -> str:
    lines = ["# syntax=docker/dockerfile:1"]
    stages = rng.choice([1, 1, 2, 3])
    for index in range(stages):
        base = rng.choice(BASES)
        alias = f" AS stage{index}" if index < stages - 1 else ""
        lines.append(f"FROM {base}{alias}")
        if rng.random() < 0.3:
            lines.append("ARG VERSION=1.2.3")
        lines.append(f"ENV APP_HOME=/app LANG=C.UTF-8 PORT={rng.randint(3000, 9000)}")
        packages = " \\\n        ".join(rng.sample(APT, rng.randint(2, 6)))
        if "alpine" in base:
            lines.append(f"RUN apk add --no-cache {packages.replace(chr(92), '')}")
        else:
            lines.append(
                "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n"
                f"        {packages} \\\n    && rm -rf /var/lib/apt/lists/*"
            )
        if rng.random() < 0.4:
            lines.append(
                "RUN curl -fsSL https://example.com/tool-${VERSION:-1.0}.tar.gz -o /tmp/t.tgz "
                "\\\n    && tar -xzf /tmp/t.tgz -C /usr/local/bin && rm /tmp/t.tgz"
            )
        if rng.random() < 0.3:
            lines.append("RUN <<EOF\nset -e\ncd /opt\necho building > /opt/built\nEOF")
        lines.append("WORKDIR /app")
        lines.append("COPY requirements.txt ./")
        lines.append(f"RUN pip install --no-cache-dir {' '.join(rng.sample(PIP, 3))}")
        lines.append("COPY . .")
    if rng.random() < 0.5:
        lines.append("USER app")
    lines.append(f"EXPOSE {rng.randint(3000, 9000)}")
    lines.append(
        rng.choice(
            [
                'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]',
                "CMD python app.py > /var/log/app.log 2>&1",
                'ENTRYPOINT ["/docker-entrypoint.sh"]',
                "CMD nginx -g 'daemon off;'",
            ]
        )
    )
    return "\n".join(lines) + "\n"


def compose(rng: random.Random) -> str:
    out = ["services:"]
    for index in range(rng.randint(1, 6)):
        out.append(f"  svc{index}:")
        if rng.random() < 0.4:
            out += ["    build:", "      context: .", "      args:", "        VERSION: 1.2.3"]
        else:
            out.append(f"    image: {rng.choice(BASES)}")
        out += ["    restart: unless-stopped", "    environment:", f"      - PORT={8000 + index}"]
        out += ["    ports:", f'      - "{8000 + index}:{8000 + index}"']
        if rng.random() < 0.2:
            out += ["    volumes:", "      - ./logs:/var/log/app"]
        if rng.random() < 0.2:
            out.append("    command: sh -c 'apt-get update && apt-get install -y curl && ./run'")
    return "\n".join(out) + "\n"


def recipe(rng: random.Random) -> str:
    out = []
    for package in rng.sample(RECIPE_PACKAGES, rng.randint(1, 4)):
        action = rng.choice(["", "  action :upgrade\n", "  version '1.2.3'\n"])
        out.append(f"package '{package}' do\n{action}end\n")
    if rng.random() < 0.6:
        out.append(
            "execute 'install tool' do\n"
            "  command 'curl -sSL https://example.com/install.sh | bash'\n"
            + rng.choice(["", "  not_if { ::File.exist?('/usr/local/bin/tool') }\n"])
            + "end\n"
        )
    if rng.random() < 0.4:
        out.append(
            "remote_file '/tmp/app.tgz' do\n  source 'https://example.com/app.tgz'\n"
            + rng.choice(["", "  checksum '" + "a" * 64 + "'\n"])
            + "end\n"
        )
    out.append("service 'nginx' do\n  action [:enable, :start]\nend\n")
    return "\n".join(out)


def generate(out: Path, files: int, seed: int) -> int:
    rng = random.Random(seed)
    written = 0
    index = 0
    while written < files:
        project = out / f"project{index:05d}"
        project.mkdir(parents=True, exist_ok=True)
        (project / "Dockerfile").write_text(dockerfile(rng))
        written += 1
        if written < files and rng.random() < 0.4:
            (project / "compose.yaml").write_text(compose(rng))
            written += 1
        cookbook = project / "cookbook"
        for number in range(rng.randint(1, 3)):
            if written >= files:
                break
            (cookbook / "recipes").mkdir(parents=True, exist_ok=True)
            if not (cookbook / "metadata.rb").exists():
                (cookbook / "metadata.rb").write_text(
                    f"name 'cb{index}'\nversion '1.0.{index}'\ndepends 'apt'\n"
                )
                written += 1
            (cookbook / "recipes" / f"r{number}.rb").write_text(recipe(rng))
            written += 1
        index += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"wrote {generate(args.out, args.files, args.seed)} files under {args.out}")


if __name__ == "__main__":
    main()
