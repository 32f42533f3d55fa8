"""VASCERN knowledge: curated entries, their search index, and what the assistant answers.

    entries     load and validate knowledge/content/<group>/<id>.<lang>.yml
    index       chunk, embed and build the FAISS index; check that it is ready
    encoders    the sentence encoders (onnx_encoder: the embedding model on ONNX Runtime)
    retrieve    hybrid (dense + BM25) search over the index, per language
    answer      compose a short cited answer, or none below the threshold
    settings    settings read once from the environment
    devset      the retrieval dev set (bench/devset/), for the benchmark and the calibration
    directory, places, lexicon   expert centres, organisations and words (other owners)

Importing this package imports nothing heavy: the Rasa process uses knowledge.lexicon,
knowledge.places, knowledge.topics and knowledge.route (docker/rasa.Dockerfile copies this
folder), and must not load faiss or torch. Run `python -m knowledge --help`.
"""
