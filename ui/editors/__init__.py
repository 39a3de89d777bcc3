"""Widgets that edit the design and the run: the layer palette, the layer inspector, the
training settings, the dataset chooser and the form fields they share.
"""
