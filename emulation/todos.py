"""'Việc cần làm': what is waiting on a user now, gathered from every app through one hook.

Each app registers providers in `TODO_PROVIDERS`; a provider takes the user and returns `Todo`s
with a bounded number of queries (never one per bloc), so the home page stays cheap.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from .hooks import Hook


@dataclass(frozen=True)
class Todo:
    """One thing to do: a sentence, where to do it, its deadline and when it became due."""

    text: str
    url: str
    sorted_at: datetime.datetime
    due_on: datetime.date | None = None

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()

    @property
    def days_left(self) -> int | None:
        if self.due_on is None:
            return None
        return (self.due_on - timezone.localdate()).days


TodoProvider = Callable[[object], list[Todo]]
TODO_PROVIDERS: Hook[TodoProvider] = Hook("todo_providers")


def todos_for(user) -> list[Todo]:
    """Every provider's to-dos for `user`, newest first."""
    if not user.is_authenticated:
        return []
    items = [todo for provider in TODO_PROVIDERS for todo in provider(user)]
    return sorted(items, key=lambda todo: todo.sorted_at, reverse=True)
