"""The main window and what hangs on it: menus and toolbar, the File menu's dialogs, lessons
(presets) and presentation mode.
"""
