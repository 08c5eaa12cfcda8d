"""Dead-letter queue: where work that could not be delivered waits for a human or a redrive.

A ``DeadLetter`` is an immutable record of one undeliverable item: the item itself, the reason
(usually the error type name of its last failure, e.g. ``"TimeoutError"`` or ``"CircuitOpen"``),
how many delivery attempts it has had, and when it was dead-lettered, in SIMULATED SECONDS from
the injected clock.

``redrive(handler)`` re-submits every letter present when it starts, oldest first: the handler is
called with the item; returning normally means delivered (the letter leaves the queue), raising
an exception means it failed again (the letter stays, with one more attempt, the new error type
as its reason and the redrive time as its time). Letters added while a redrive runs (say the
handler goes through an executor that dead-letters into this same queue) are kept and not
redriven in that pass.

Nothing is ever dropped, so the queue is unbounded: in a run it holds at most the dead letters of
that run (``dead_lettered_total``); drain it with ``redrive`` or inspect it with ``letters``.

Counts: ``dead_lettered_total`` (letters ever added), ``redriven_total`` (delivered on a redrive),
``redrive_failures_total`` (redrive attempts that failed again), ``expired_total`` (given up on
by ``expire`` after too many attempts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from orchestration.resilience.clock import Clock

__all__ = ["DeadLetter", "DeadLetterQueue", "RedriveResult"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DeadLetter(Generic[T]):
    """One undeliverable item: why, after how many attempts, and when (simulated seconds)."""

    item: T
    reason: str
    attempts: int
    time_s: float


@dataclass(frozen=True, slots=True)
class RedriveResult:
    """What one ``redrive`` pass did: letters delivered and letters that failed again."""

    redriven: int
    failed: int


class DeadLetterQueue(Generic[T]):
    """An unbounded, ordered store of dead letters with counts and redrive."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._letters: list[DeadLetter[T]] = []
        self.dead_lettered_total = 0
        self.redriven_total = 0
        self.redrive_failures_total = 0
        self.expired_total = 0

    def add(self, item: T, reason: str, attempts: int) -> DeadLetter[T]:
        """Dead-letter ``item`` now, after ``attempts`` (>= 0) failed deliveries."""
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
            raise ValueError(f"attempts must be an int >= 0, got {attempts!r}")
        letter = DeadLetter(item=item, reason=reason, attempts=attempts, time_s=self._clock())
        self._letters.append(letter)
        self.dead_lettered_total += 1
        return letter

    def redrive(self, handler: Callable[[T], object]) -> RedriveResult:
        """Re-submit every current letter's item to ``handler``; keep those that fail again."""
        batch, self._letters = self._letters, []
        kept: list[DeadLetter[T]] = []
        redriven = 0
        for letter in batch:
            try:
                handler(letter.item)
            except Exception as exc:
                kept.append(
                    replace(
                        letter,
                        reason=type(exc).__name__,
                        attempts=letter.attempts + 1,
                        time_s=self._clock(),
                    )
                )
            else:
                redriven += 1
        self._letters = kept + self._letters
        self.redriven_total += redriven
        self.redrive_failures_total += len(kept)
        return RedriveResult(redriven=redriven, failed=len(kept))

    def expire(self, max_attempts: int) -> list[DeadLetter[T]]:
        """Remove and return the letters that have had more than ``max_attempts`` attempts."""
        gone = [x for x in self._letters if x.attempts > max_attempts]
        if gone:
            self._letters = [x for x in self._letters if x.attempts <= max_attempts]
            self.expired_total += len(gone)
        return gone

    @property
    def letters(self) -> tuple[DeadLetter[T], ...]:
        """The letters now in the queue, oldest first."""
        return tuple(self._letters)

    def __len__(self) -> int:
        return len(self._letters)

    def __iter__(self) -> Iterator[DeadLetter[T]]:
        return iter(tuple(self._letters))

    def __repr__(self) -> str:
        return f"DeadLetterQueue(letters={len(self._letters)}, total={self.dead_lettered_total})"
