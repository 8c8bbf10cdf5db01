# The emulator of the three services as a container (a mock target for a team's own CI).
#   docker build -t cognitive-conformance-emulator .
#   docker run --rm -p 5000:5000 -e CONFORMANCE_EMULATOR_KEYS=my-key cognitive-conformance-emulator
# State survives restarts on a volume (in memory unless a data dir is set):
#   docker run --rm -p 5000:5000 -v emulator-data:/data -e CONFORMANCE_EMULATOR_DATA_DIR=/data cognitive-conformance-emulator
# Every `conformance emulator` option has a CONFORMANCE_EMULATOR_* variable (`conformance emulator --help`):
#   CONFORMANCE_EMULATOR_KEYS              accepted keys, comma-separated (default: the well-known development key)
#   CONFORMANCE_EMULATOR_TRAINING_SECONDS  base training time (default 2)
#   CONFORMANCE_EMULATOR_FAULTS            named faults, comma-separated (default: none)
#   CONFORMANCE_EMULATOR_PROFILE           observed (default) or docs
#   CONFORMANCE_EMULATOR_DATA_DIR          keep the state in this directory, e.g. the volume /data (default: in memory)
#   CONFORMANCE_EMULATOR_WORKERS           worker processes sharing the data dir (default 1; more need a data dir)
# GET /healthz answers 200 without a key.
FROM python:3.11-slim

WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY cognitive_conformance ./cognitive_conformance
RUN pip install --no-cache-dir '.[emulator]' && rm -rf /src

RUN useradd --system --uid 10001 emulator && mkdir /data && chown emulator /data
VOLUME ["/data"]
USER emulator
WORKDIR /home/emulator

ENV CONFORMANCE_EMULATOR_HOST=0.0.0.0 \
    CONFORMANCE_EMULATOR_PORT=5000 \
    PYTHONUNBUFFERED=1
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s \
    CMD ["python", "-c", "import urllib.request, os; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('CONFORMANCE_EMULATOR_PORT', '5000')}/healthz\", timeout=2)"]
ENTRYPOINT ["conformance", "emulator"]
