"""Experiments that train many networks: one run (:mod:`run`), hyper-parameter search and
k-fold cross-validation (:mod:`tuning`), bagging and boosting (:mod:`ensembles`).

Each is a generator of events, like the Trainer, so the app runs it in the same worker.
"""
