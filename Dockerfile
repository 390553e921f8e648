# The portal's one image, run as web (gunicorn), worker and beat by docker-compose.yml (docs/operations.md).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=loti.settings.production
# WeasyPrint's libraries and a font for the PDFs; Node.js only to build the styles from GOV.UK Frontend.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY package.json package-lock.json ./
COPY static/scss static/scss
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
RUN pip install --no-cache-dir .
# The same step the production smoke test runs (tests/production): every asset the CSS names must exist.
RUN SECRET_KEY=build-only-never-used-to-sign DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost \
    python manage.py collectstatic --noinput
RUN useradd --create-home loti && chown -R loti /app
USER loti
EXPOSE 8000
CMD ["gunicorn", "loti.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
