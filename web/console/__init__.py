"""The moderator console: an aiohttp sub-app at /console (issue 16).

- app.py        the sub-app: sessions, the guard, templates, routes
- auth.py       sign-in and sign-out, login limits, the guard (sessions, expiry, CSRF, roles)
- views.py      review queue, conversation list and view, review, annotation, erasure, audit
- exports.py    NLU YAML, test stories, safety lines, curator's to-do, CSV/JSON
- dashboard.py  figures, as charts and tables
- i18n.py       the console's words in English and French
- keys.py       typed keys of the sub-app
"""
