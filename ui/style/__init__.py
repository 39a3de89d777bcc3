"""How the app looks: the theme (colours, fonts, presentation scale), plot items that follow
the scale, and the styled live plot the panels and the experiments window draw on.
"""
