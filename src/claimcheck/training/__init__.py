"""Training and cross-validation of the learned claim model (needs scikit-learn: `pip install 'claimcheck[train]'`).

This layer may import the pipeline; the pipeline never imports it.
"""
