"""Backprop Studio's command line: train, evaluate, predict and export without Qt.

    backprop-studio train xor --out xor.bpmodel                  # a lesson, with its own data
    backprop-studio train resources/examples/spiral_mlp.json --data spiral --out spiral.bpmodel
    backprop-studio evaluate spiral.bpmodel --data spiral --json
    backprop-studio predict spiral.bpmodel --input points.csv --output predictions.csv
    backprop-studio export spiral.bpmodel --onnx spiral.onnx

(``python -m simulator.cli ...`` works the same.) The syntax is in :mod:`.parser`, the running
and error handling in :mod:`.main`, one module per command (:mod:`.train`, :mod:`.evaluate`,
:mod:`.predict`), and what the commands read and write in :mod:`.inputs` and :mod:`.outputs`.
Problems print one line, ``backprop-studio: error: <message>``, and exit with status 1; a
malformed command line exits with status 2.
"""

from simulator.cli.main import main
from simulator.cli.parser import COMMANDS, PROG, build_parser, command_lines

__all__ = ["COMMANDS", "PROG", "build_parser", "command_lines", "main"]
