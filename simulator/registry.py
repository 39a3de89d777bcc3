"""The one closed name → entry table, used by every kind of named thing the engine knows.

Layers, activations, losses, initializers, optimizers, schedules, built-in datasets, data file
formats and ONNX converters each live in one :class:`Registry`. Files and the UI name an entry
by a string (or ``{"type": name, **options}``); only registered entries can ever be reached,
never a module or code, and every miss raises the registry's typed error naming the kind of
thing and the valid choices.

The convention each module follows on top of its registry:

* ``get_<thing>(spec)`` builds one from a name or ``{"type": name, **options}``;
* ``<thing>_names()`` lists the names, for choice boxes and help texts;
* ``REGISTRY.get(name)`` returns the registered class or entry itself (its signature, its
  palette category, a format's suffixes...).

Metadata belongs to the entry (a layer class's ``category``, a data format's ``suffixes``), so
a new entry is declared whole in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from simulator.errors import BackpropError, SpecError

T = TypeVar("T")
R = TypeVar("R")


class Registry(Generic[T]):
    """Entries of one kind by name, in the order they were registered.

    ``kind`` names the thing in messages ("optimizer", "layer type"). With ``fold_case``
    (the default) names are lower case and looked up case-insensitively; ``default`` is the
    name a ``{...}`` spec without ``"type"`` gets; ``error`` is the error class of a miss.
    """

    def __init__(self, kind: str, *, default: str | None = None, fold_case: bool = True,
                 error: type[BackpropError] = SpecError) -> None:
        self.kind, self.default, self.fold_case, self.error = kind, default, fold_case, error
        self._entries: dict[str, T] = {}
        self._aliases: dict[str, str] = {}

    # ----- filling it ----------------------------------------------------------------
    def add(self, name: str, entry: T, *, aliases: Iterable[str] = ()) -> T:
        """Register ``entry`` under ``name`` (and ``aliases``); a name used twice is a bug."""
        aliases = tuple(aliases)
        for key in (name, *aliases):
            if self._key(key) != key:
                raise ValueError(f"{self.kind} name {key!r} must be lower case")
            if key in self._entries or key in self._aliases:
                raise ValueError(f"{self.kind} {key!r} is registered twice")
        self._entries[name] = entry
        self._aliases.update(dict.fromkeys(aliases, name))
        return entry

    def register(self, name: str | None = None, *,
                 aliases: Iterable[str] = ()) -> Callable[[T], T]:
        """Decorator form of :meth:`add`; ``name`` defaults to the entry's ``name``."""

        def decorate(entry: T) -> T:
            return self.add(name if name is not None else entry.name,  # type: ignore[attr-defined]
                            entry, aliases=aliases)

        return decorate

    # ----- reading it ----------------------------------------------------------------
    def _key(self, name: str) -> str:
        return name.lower() if self.fold_case else name

    def _resolve(self, name: object) -> str | None:
        if not isinstance(name, str):
            return None
        key = self._key(name)
        key = self._aliases.get(key, key)
        return key if key in self._entries else None

    def __contains__(self, name: object) -> bool:
        return self._resolve(name) is not None

    def names(self) -> list[str]:
        """The registered names (aliases left out), in registration order."""
        return list(self._entries)

    def items(self) -> list[tuple[str, T]]:
        """``(name, entry)`` pairs, in registration order."""
        return list(self._entries.items())

    def canonical(self, name: object) -> str:
        """The registered name ``name`` stands for (resolving case and aliases)."""
        key = self._resolve(name)
        if key is None:
            raise self.error(f"unknown {self.kind} {name!r}; use one of: "
                             f"{', '.join(self.names())}")
        return key

    def get(self, name: object) -> T:
        """The entry registered as ``name``, or the registry's error listing the choices."""
        return self._entries[self.canonical(name)]

    def parse(self, spec: object) -> tuple[str, dict[str, Any]]:
        """``(name, options)`` from a name or ``{"type": name, **options}``."""
        if isinstance(spec, str):
            return self.canonical(spec), {}
        if not isinstance(spec, Mapping):
            raise self.error(f"{self.kind} must be a name or an object with a 'type', "
                             f"got {spec!r}")
        options = dict(spec)
        if "type" not in options and self.default is None:
            raise self.error(f"this {self.kind} has no 'type'; use one of: "
                             f"{', '.join(self.names())}")
        return self.canonical(options.pop("type", self.default)), options

    def build(self: Registry[type[R]], spec: object) -> R:
        """A new instance of the class ``spec`` names, given its options (the class's own
        checks apply; a constructor that does not take an option is this registry's error)."""
        name, options = self.parse(spec)
        try:
            return self._entries[name](**options)
        except TypeError as exc:
            raise self.error(f"{self.kind} {name!r}: invalid options ({exc})") from None
