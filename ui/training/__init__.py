"""The one bridge between the engine's Trainer (a generator) and Qt: the controller and its worker
thread, the session a run trains, the training bridge that connects them to the buttons and the
panels, the inspector's view of the network's numbers, and the questions asked before a run is
continued, started again or discarded.
"""
