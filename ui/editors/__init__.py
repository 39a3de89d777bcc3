"""Widgets that edit the design and the run, and show the network's numbers: the layer palette,
the layer inspector (with its parameter tables and "Evaluate an input" box), the training
settings, the dataset chooser, the form fields they share and the one table of help texts
behind every setting's tooltip.
"""
