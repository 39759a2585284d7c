# syntax=docker/dockerfile:1
# Thrive production image: Django served by gunicorn; the same image runs the migrate job, the
# Celery worker and the scheduler (docker-compose.yml, deploy/kubernetes/). Built in three
# stages so neither Node.js nor uv is shipped. Static files are collected at build time, so
# containers can run with a read-only root filesystem (only /tmp needs to be writable).

# --- 1. Front end: GOV.UK Frontend and MoJ Frontend compiled into static/build/ ----------------
# Node.js 24, a long-term support release (supported until April 2028).
FROM node:24-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ frontend/
RUN npm run build

# --- 2. Python packages: the locked production dependencies in /app/.venv ---------------------
FROM python:3.12-slim-bookworm AS python-packages
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project

# --- 3. Runtime ---------------------------------------------------------------------------------
FROM python:3.12-slim-bookworm
# pango for weasyprint (PDFs) and HarfBuzz's subsetter (it embeds only the glyphs a PDF uses;
# without it WeasyPrint falls back to fontTools, a quarter of a Print PDF's time), libmagic for
# upload type detection, Arial-compatible fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libmagic1 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 thrive \
    && useradd --system --uid 10001 --gid thrive --home-dir /app --no-create-home thrive

ARG THRIVE_VERSION=0.2.0
LABEL org.opencontainers.image.title="Thrive" \
      org.opencontainers.image.version="${THRIVE_VERSION}" \
      org.opencontainers.image.licenses="AGPL-3.0-or-later"
# XDG_CACHE_HOME: fontconfig's cache (PDFs) goes to /tmp, the only writable place.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DEBUG=false \
    LOG_FORMAT=json \
    XDG_CACHE_HOME=/tmp/.cache

WORKDIR /app
COPY --from=python-packages /app/.venv /app/.venv
# Application code and static files stay owned by root: read-only to the app, which runs as
# an unprivileged user and writes only to /tmp (and media/, used only without a bucket).
COPY . .
COPY --from=frontend /app/static/build /app/static/build
RUN DEBUG=false SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput \
    && python -m compileall -q thrive cases documents portal selfservice continuity \
    && mkdir -p /app/media && chown thrive:thrive /app/media

USER 10001:10001
EXPOSE 8000
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "thrive.wsgi"]
