"""How the app looks: the theme (colours of the light and dark themes, fonts, presentation
scale), plot items that follow the scale and the theme, and the styled live plot the panels
and the experiments window draw on.
"""
