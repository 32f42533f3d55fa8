"""The public aiohttp service: chat API and WebSocket, the widget's files, health, metrics.

- app.py           the app factory `init_app(settings)`, used by `main()` and by the tests
- routes.py        every route on one screen
- conversation.py  the conversation service: one patient turn, for both chat API and WebSocket
- chat.py          POST /api/chat, /api/history, /api/feedback: check the request, run the turn
- ws.py            GET /ws: the same turns over a WebSocket, for the widget
- validation.py    a client's JSON into a request, or a 4xx with the reason
- security.py      security headers, the CORS allow-list and the WebSocket's origin check
- middlewares.py   metrics of every response, errors as JSON
- limits.py        rate limits per client (behind trusted proxies) and per conversation
- rasa.py          the client of Rasa's chat channel (bot/channel.py) and the health probes
- replies.py       Rasa's output -> API messages (emergency first), the disclaimer
- safety_net.py    the safety layer inside web (context for Rasa; emergencies while it is down)
- storage/         transcripts: SQLAlchemy, Alembic migrations, redaction, handoff contacts
- health.py        GET /healthz and GET /metrics
- settings.py      settings read once from the environment
"""
