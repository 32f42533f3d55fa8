"""What every process shares (web, actions, bot, knowledge, safety): the languages, the
working-group codes, text folding and the rendering of domain.yml responses.

Standard library and PyYAML only, and Python 3.10-compatible, so that the Rasa process
(.venv-rasa, Python 3.10) imports it as cheaply as the app processes do. Nothing here
imports from another package of the project.

- ``languages``  the six languages and the fall-back one
- ``groups``     the network's working-group codes and the "outside the network" value
- ``text``       ``fold``: the accent- and case-free form that matchers compare
- ``responses``  ``render``: a response of domain.yml as a public-API message
"""
