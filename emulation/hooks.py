"""Extension points: how a lower app lets an upper one add behaviour without importing it.

A lower app declares a `Hook` with the signature its callers expect; an upper app registers its
functions in `AppConfig.ready()`. The lower app calls `hook.functions()` and never names the upper
app, so imports point one way (the layer contract in pyproject.toml) while a page or a service
still shows or checks what the upper app knows.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

F = TypeVar("F", bound=Callable)


@dataclass
class Hook(Generic[F]):
    """An ordered set of functions with one signature, registered once each, by `order`."""

    name: str
    _entries: list[tuple[int, str, F]] = field(default_factory=list, repr=False)

    def register(self, function: F, *, order: int) -> F:
        """Add `function` (again at app-ready: a second registration replaces the first)."""
        key = f"{function.__module__}.{function.__qualname__}"
        self._entries = [entry for entry in self._entries if entry[1] != key]
        self._entries.append((order, key, function))
        self._entries.sort(key=lambda entry: (entry[0], entry[1]))
        return function

    def functions(self) -> list[F]:
        return [function for _order, _key, function in self._entries]

    def __iter__(self) -> Iterator[F]:
        return iter(self.functions())

    def __len__(self) -> int:
        return len(self._entries)

    @contextmanager
    def only(self, *functions: F):
        """For tests: run with exactly `functions` registered, then restore what was there."""
        saved = self._entries
        self._entries = [
            (order, f"{function.__module__}.{function.__qualname__}", function)
            for order, function in enumerate(functions)
        ]
        try:
            yield self
        finally:
            self._entries = saved
