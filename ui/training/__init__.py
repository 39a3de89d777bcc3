"""The one bridge between the engine's Trainer (a generator) and Qt, and what it feeds: the
panels and the inspector's view of the network's numbers."""
