"""Training ▸ Experiments…: hyper-parameter search, k-fold cross-validation and ensembles of
the current design, run live in the training controller's worker thread."""
