"""Optimizers and learning-rate schedules, each in the module of its family.

Importing the package registers every optimizer (:mod:`sgd`, :mod:`adam`, :mod:`adaptive`)
in :data:`OPTIMIZERS` and every schedule in :data:`SCHEDULES`; ``get_optimizer`` and
``get_schedule`` build them from a name or a config.
"""

from simulator.optim import adam, adaptive, schedules, sgd
from simulator.optim.adam import Adam, Nadam
from simulator.optim.adaptive import Adadelta, Adagrad, RMSprop
from simulator.optim.base import OPTIMIZERS, Optimizer, get_optimizer, optimizer_names
from simulator.optim.schedules import SCHEDULES, Schedule, get_schedule, schedule_names
from simulator.optim.sgd import SGD

__all__ = ["OPTIMIZERS", "SCHEDULES", "SGD", "Adadelta", "Adagrad", "Adam", "Nadam", "Optimizer",
           "RMSprop", "Schedule", "adam", "adaptive", "get_optimizer", "get_schedule",
           "optimizer_names", "schedule_names", "schedules", "sgd"]
