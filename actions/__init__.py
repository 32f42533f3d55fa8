"""The rasa_sdk action server: thin Rasa actions calling into knowledge/.

- answers.py        answers from the curated knowledge base, and the fallback
- safety.py         emergencies, the safety question and distress (messages from safety/)
- finder.py         expert-centre and patient-organisation forms and searches
- handoff.py        consent and contact for a human answer
- conversation.py   negative feedback, and erasing the conversation on request
- resources.py      the knowledge index and directory, loaded once at start
- executor.py       rasa_sdk's executor with this server's copy of domain.yml (selective domain)
- __main__.py       starts the server on 127.0.0.1 after loading resources
"""
