# briefbot: the Discord bot with its default offline models (MiniLM and spaCy come from PyPI packages).
#   docker build -t briefbot .
#   docker run -d --name briefbot -e DISCORD_TOKEN=... -v briefbot-data:/data briefbot
#
# BASE is any Debian bookworm image: python:3.11-slim (the default) brings Python, a plain
# `debian:bookworm` (or a root file system made with debootstrap) gets Debian's python3 (3.11).
# TORCH_INDEX is where the CPU-only torch wheel comes from (empty: the default index, plus any
# PIP_FIND_LINKS folder mounted into the build). Built and run without Docker Hub, for example:
#   debootstrap --variant=minbase bookworm rootfs http://deb.debian.org/debian
#   (tar -C rootfs -c . | gzip) > rootfs.tar.gz; c=$(buildah from scratch)
#   buildah add $c rootfs.tar.gz /; buildah commit $c localhost/debian-bookworm
#   buildah bud --isolation chroot --build-arg BASE=localhost/debian-bookworm -t briefbot .
# docker/verify.sh does all of this (with a local torch wheel and a proxy's CA mounted into the
# build), then briefs an article in the container with no network: see the README, "Docker".
ARG BASE=python:3.11-slim
FROM ${BASE}

ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ARG PIP_FIND_LINKS=""
# Behind a TLS-intercepting proxy: the path of its CA bundle, mounted into the build (pip reads it).
ARG PIP_CERT

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app

# A virtual environment works on both kinds of base (Debian's own Python refuses global installs).
# Debian's python3 has the venv module but not ensurepip (that is python3-venv), so a base with
# python3 alone passes `python3 -m venv --help` and then fails to create the environment.
RUN if ! python3 -c 'import ensurepip' > /dev/null 2>&1; then \
        apt-get update \
        && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && python3 -m venv /opt/venv

# torch first, CPU-only: the default PyPI wheel would pull in ~3 GB of CUDA libraries.
COPY requirements.lock ./
RUN pip install ${TORCH_INDEX:+--index-url "$TORCH_INDEX"} ${PIP_FIND_LINKS:+--find-links "$PIP_FIND_LINKS"} \
        "torch==$(sed -n 's/^torch==//p' requirements.lock)" \
    && grep -v '^torch==' requirements.lock > /tmp/requirements-without-torch.txt \
    && pip install -r /tmp/requirements-without-torch.txt

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY service ./service
COPY storage ./storage
COPY summarizer ./summarizer
COPY config ./config
RUN pip install --no-deps .

RUN useradd --create-home --uid 10001 briefbot \
    && mkdir /data \
    && chown briefbot /data
USER briefbot

# The database (briefs, actors, subscriptions, feeds, the command-tree hash) lives on the volume.
ENV BRIEFBOT_CONFIG=/app/config/settings.toml \
    BRIEFBOT_DATABASE_PATH=/data/briefbot.db
VOLUME ["/data"]

# `briefbot run` handles SIGTERM (docker stop): it closes the gateway, the store and the workers.
CMD ["briefbot", "run"]
