# Convene: one image for every process (web, worker, beat, migrate); docker-compose.yml picks
# the command. Build: docker build -t convene .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

RUN groupadd --system convene \
    && useradd --system --gid convene --home-dir /app --no-create-home --shell /usr/sbin/nologin convene

WORKDIR /app
COPY . /app
# Editable, so the code imported is /app itself (settings find var/ and staticfiles/ beside it).
# psycopg[binary] ships its own libpq, so no compiler or system libraries are needed.
RUN pip install -e /app

# Static files are baked into the image; the key is a throwaway that only lets settings load.
RUN CONVENE_PRODUCTION=1 SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var \
    && chown -R convene:convene /app/var /app/staticfiles

USER convene
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]
CMD ["bin/web"]
