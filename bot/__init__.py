"""Code that runs inside the Rasa process: custom NLU components.

- language.py             detects the language of each message (lingua + common words)
- components.py           the Rasa NLU components wrapping the modules below and safety/
- slot_mappings.py        language, city and country slots after every message
- serve.py                starts Rasa's server: token, and the changes it makes to Rasa
                          (action_results.py, event_types.py, keep_alive.py,
                          slot_mappings.py, without_tensorflow.py)
"""
