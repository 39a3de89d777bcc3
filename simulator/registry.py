"""A closed, named registry of configurable classes (optimizers, schedules).

Files name an entry by its ``type``; only registered classes can ever be built, and every
failure is a :class:`SpecError` naming the kind of thing and the valid choices.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from simulator.errors import SpecError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str, default: str) -> None:
        self.kind, self.default = kind, default
        self._classes: dict[str, type[T]] = {}

    def register(self, cls: type[T]) -> type[T]:
        """Class decorator: register ``cls`` under its ``name`` attribute."""
        name = cls.name  # type: ignore[attr-defined]
        if name in self._classes:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._classes[name] = cls
        return cls

    def names(self) -> list[str]:
        return sorted(self._classes)

    def build(self, spec: Any) -> T:
        """Build from a name or ``{"type": name, **options}``."""
        if not isinstance(spec, str | dict):
            raise SpecError(f"'{self.kind}' must be a name or an object, got {spec!r}")
        options = dict(spec) if isinstance(spec, dict) else {"type": spec}
        name = str(options.pop("type", self.default)).lower()
        if name not in self._classes:
            raise SpecError(f"unknown {self.kind} {name!r}; use one of: "
                            f"{', '.join(self.names())}")
        try:
            return self._classes[name](**options)
        except TypeError as exc:
            raise SpecError(f"{self.kind} {name!r}: invalid options ({exc})") from None
