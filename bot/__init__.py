"""Code that runs inside the Rasa process: custom NLU components.

- language.py             detects the language of each message (lingua + common words)
- components.py           the Rasa NLU components wrapping the modules below and safety/
- serve.py                starts Rasa's server (token, action_results.py, without_tensorflow.py)
"""
