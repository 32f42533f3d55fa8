# The dialogue: Rasa Open Source 3.6.21 (the official image) with this project's NLU
# components (bot/, common/, safety/ and the safety model they read; knowledge/ for the
# disease lexicon, the places gazetteer and the cue words) and the trained model.
# Build from the repository root after `make model safety-model`:
#   docker build -f docker/rasa.Dockerfile --build-arg MODEL=models/<hash>.tar.gz -t vascern/rasa .
FROM rasa/rasa:3.6.21

USER root
WORKDIR /app
# The same pinned packages as .venv-rasa (pip leaves the ones the image has alone).
COPY requirements/rasa.lock requirements/rasa.lock
RUN pip install --no-cache-dir -r requirements/rasa.lock
COPY bot/ bot/
COPY common/ common/
COPY safety/ safety/
COPY knowledge/ knowledge/
COPY config.yml domain.yml credentials.yml ./
COPY docker/endpoints.yml docker/endpoints.yml
# Only the model the instances serve (docker-compose passes MODEL as a build argument too).
ARG MODEL
COPY ${MODEL} ${MODEL}
COPY var/safety/ var/safety/
ENV PYTHONPATH=/app HF_HUB_OFFLINE=1 RASA_TELEMETRY_ENABLED=false
USER 1001

EXPOSE 5005
# MODEL names the model under models/ (docker-compose passes it). The API token comes from
# RASA_TOKEN (an env-file secret), never from the command line (bot/serve.py).
ENTRYPOINT []
CMD ["sh", "-c", "exec python -m bot.serve -i 0.0.0.0 -p 5005 -m \"$MODEL\" --endpoints docker/endpoints.yml --credentials credentials.yml"]
