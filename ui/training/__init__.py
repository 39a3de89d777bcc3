"""The one bridge between the engine's Trainer (a generator) and Qt."""
