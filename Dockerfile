# Kooperationswissen: the published site in one container (see docs/deploy.md).
# The database is built once, at image build time, from data/; the container serves it immutable,
# so any number of replicas of this image serve the identical site.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md metadata.yml ./
COPY kb kb
COPY data data
RUN pip install --no-cache-dir . && kb build && kb serve --help > /dev/null
ENV PORT=8080
EXPOSE 8080
# kb serve finds the database current (no rebuild) and replaces itself with Datasette.
CMD ["sh", "-c", "exec kb serve --host 0.0.0.0 --port ${PORT}"]
