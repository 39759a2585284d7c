# syntax=docker/dockerfile:1
# Thrive production image: Django served by gunicorn; the same image runs the Celery worker and
# beat (see docker-compose.yml). Built in three stages so neither Node.js nor uv is shipped.

# --- 1. Front end: GOV.UK Frontend and MoJ Frontend compiled into static/build/ ----------------
FROM node:20-bookworm-slim AS frontend
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
# pango for weasyprint (PDFs), libmagic for upload type detection, Arial-compatible fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libmagic1 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 thrive \
    && useradd --system --uid 10001 --gid thrive --home-dir /app --no-create-home thrive

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DEBUG=false

WORKDIR /app
COPY --from=python-packages /app/.venv /app/.venv
# Application code stays owned by root (read-only to the app); only the collected static files
# and local media (unused when STORAGE_BUCKET_NAME is set) are writable.
COPY . .
COPY --from=frontend /app/static/build /app/static/build
RUN mkdir -p /app/staticfiles /app/media \
    && chown thrive:thrive /app/staticfiles /app/media

USER thrive
EXPOSE 8000
CMD ["gunicorn", "thrive.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
