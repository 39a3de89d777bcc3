"""Training: the :class:`~simulator.training.trainer.Trainer` loop, the events it yields
(:mod:`events`), the probes that sample its state for the panels (:mod:`probes`), the
metrics it reports (:mod:`metrics`) and one training step on one sample taken apart
(:mod:`step_through`).
"""
