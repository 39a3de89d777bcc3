"""Pieces the live panels share: growing arrays, image mosaics, activation rows, dataset
views and the link that shows one chosen sample.
"""
