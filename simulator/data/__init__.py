"""Datasets: built-in generators, loaders for the user's files, preprocessing and splits."""

from simulator.data.dataset import Dataset

__all__ = ["Dataset"]
