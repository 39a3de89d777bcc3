"""Training: the :class:`~simulator.training.trainer.Trainer` loop, the events it yields
(:mod:`events`), the probes that sample its state for the panels (:mod:`probes`) and the
metrics it reports (:mod:`metrics`).
"""
