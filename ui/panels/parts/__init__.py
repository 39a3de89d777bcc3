"""Pieces the live panels share: growing arrays and envelopes, image mosaics and conv kernel
tiles, activation rows, dataset views, the link that shows one chosen sample, and the run kept
as a reference on the loss and accuracy plots.
"""
