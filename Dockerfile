# The live-updates service's image (docs/operations.md): server.py on the locked production
# dependencies. Not built in CI (no Docker on the CI machine); tests/test_infra.py checks
# what it can without Docker.
FROM python:3.11-slim

COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/uv

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1

WORKDIR /app

# The locked dependencies without the development group (no moto, no test tools).
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-cache

# The code: the top-level modules and the packages the server imports. No devserver/ (the
# embedded engine: development only), no tests/, no static/ (GraphiQL is off in
# production), no benchmarks/.
COPY *.py ./
COPY datasources ./datasources
COPY resolvers ./resolvers
COPY schema ./schema
RUN python -m compileall -q -j 0 *.py datasources resolvers schema

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin neonpanda
USER 10001

EXPOSE 8000
# One process; the ECS task's command adds --workers (the ServiceWorkers parameter).
CMD ["python", "server.py", "--host", "0.0.0.0", "--port", "8000"]
