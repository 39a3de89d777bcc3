"""The design vocabulary shared by the canvas, the editors and the experiments window: undo
commands over the spec, default configs of a new layer, box positions, box text and the drag
payload of a layer type.
"""
