"""Benchmarks of the VASCERN assistant (run each as `python -m bench.<name>`)."""
