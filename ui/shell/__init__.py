"""The main window and what hangs on it: the toolbar and menus, the Lesson box, the panel tabs,
the File menu's dialogs and the reading of design files, lessons (presets), presentation mode,
the theme choice, the question before a trained run is discarded, fitting the window to the
screen, keeping a run as a reference, and the words for an error.
"""
