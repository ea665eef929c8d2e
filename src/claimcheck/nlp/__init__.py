"""spaCy layer: the blank pipelines, the claim matcher and the context component."""

from claimcheck.nlp.pipeline import build_pipeline

__all__ = ["build_pipeline"]
