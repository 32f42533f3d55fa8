"""Code that runs inside the Rasa process: custom NLU components.

- language.py             detects the language of each message (lingua + common words)
- components.py           the Rasa NLU components wrapping the modules below
- red_flags.py            the red-flag detector (pure Python, no Rasa import)
"""
