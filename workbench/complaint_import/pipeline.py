"""Running the first steps of a big import (read, check, normalise) in a second process while this one classifies and stores.

The machine has more than one core, the database one writer: a forked child
iterates ``items()`` and sends each item through a pipe; this process
receives them in order. The pipe holds about one chunk, so memory stays
bounded whichever side is slower. The child never touches the database.
"""

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator

from workbench.validation import InvalidInput


def available() -> bool:
    """Forking is possible here (POSIX, and not inside a daemonic worker process)."""
    return hasattr(os, "fork") and not multiprocessing.current_process().daemon


class SecondProcess:
    """Iterate to receive, in order, what ``items()`` yields in a forked child; then ``result`` holds ``finish()`` computed there.

    A failure in the child is raised again here: ``InvalidInput`` as itself,
    anything else as ``RuntimeError`` with its message.

    ``busy()``, asked in the child, tells whether this process is still at
    work on an item the child sent (it asks for the next one only when done):
    work that either side may do is best done by the child then, which would
    otherwise wait for this process to take its next item.
    """

    def __init__(self, items: Callable[[], Iterable], finish: Callable[[], object]):
        self.items = items
        self.finish = finish
        self.result = None
        self.sent = 0  # counted in the child
        self.taken = multiprocessing.get_context("fork").RawValue("q", 0)  # items this process finished with (shared memory)

    def busy(self) -> bool:
        """In the child: this process has not yet finished with every item sent to it."""
        return self.taken.value < self.sent

    def _child(self, send_end) -> None:
        try:
            for item in self.items():
                send_end.send(("item", item))
                self.sent += 1
            send_end.send(("done", self.finish()))
        except InvalidInput as error:
            send_end.send(("invalid", error.errors))
        except BaseException as error:  # reported to the parent, which fails the import
            send_end.send(("failed", f"{type(error).__name__}: {error}"))
        finally:
            send_end.close()

    def __iter__(self) -> Iterator:
        context = multiprocessing.get_context("fork")
        receive_end, send_end = context.Pipe(duplex=False)
        worker = context.Process(target=self._child, args=(send_end,), name="complaint-import-reader")
        worker.start()
        send_end.close()
        taken = 0
        try:
            while True:
                self.taken.value = taken  # every item yielded so far is finished with: the caller asks for the next
                try:
                    kind, value = receive_end.recv()
                except EOFError:
                    raise RuntimeError("the import's reading process stopped unexpectedly") from None
                if kind == "item":
                    yield value
                    taken += 1
                elif kind == "done":
                    self.result = value
                    return
                elif kind == "invalid":
                    raise InvalidInput(value)
                else:
                    raise RuntimeError(value)
        finally:
            receive_end.close()
            if worker.is_alive():
                worker.kill()  # cancelled or failed here: the child's work is not needed any more
            worker.join()
