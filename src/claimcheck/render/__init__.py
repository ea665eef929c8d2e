"""Renderers: turn Reports into terminal views, JSON, JSON Lines. They read findings only."""
