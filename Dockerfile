# briefbot: the Discord bot with its default offline models (MiniLM and spaCy come from PyPI packages).
#   docker build -t briefbot .
#   docker run -d --name briefbot -e DISCORD_TOKEN=... -v briefbot-data:/data briefbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# torch first, from the CPU wheel index: the default PyPI wheel would pull in ~3 GB of CUDA libraries.
COPY requirements.lock ./
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==$(sed -n 's/^torch==//p' requirements.lock)" \
    && pip install -r requirements.lock

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
