"""The public aiohttp service: chat API, health, metrics; later the widget and console.

- app.py        the app factory `init_app(settings)`, used by `main()` and by the tests
- routes.py     every route on one screen
- chat.py       POST /api/chat: validate, forward to Rasa, store, answer
- rasa.py       the client of Rasa's REST channel and of the action server's health
- replies.py    Rasa REST output -> API messages (emergency first), disclaimer
- storage.py    conversations and messages in SQLite (PostgreSQL in production: issue 9)
- limits.py     request-size and rate limits
- health.py     GET /healthz and GET /metrics
- settings.py   settings read once from the environment
"""
