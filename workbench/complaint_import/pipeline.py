"""Reading, checking and classifying in a second process while this one writes.

The database has one writer (SQLite: one per file): this process keeps the
transaction and writes; a forked child streams the file and sends it checked,
classified rows chunk by chunk through a pipe. The pipe holds at most about
one chunk, so memory stays bounded whichever side is slower.
"""

import multiprocessing
import os
from collections.abc import Callable, Iterator

from workbench.validation import InvalidInput


def available() -> bool:
    """Forking is possible here (POSIX, and not inside a daemonic worker process)."""
    return hasattr(os, "fork") and not multiprocessing.current_process().daemon


class Producer:
    """Runs ``produce(send)`` in a forked child; iterate to receive what it sends; ``result`` is what it returned.

    The child never touches the database (it must not use the parent's
    connections); it only reads the file and computes. A failure in the child
    is raised again here: ``InvalidInput`` as itself, anything else as
    ``RuntimeError`` with its message.
    """

    def __init__(self, produce: Callable[[Callable[[object], None]], object]):
        self.produce = produce
        self.result = None

    def _child(self, send_end) -> None:
        try:
            result = self.produce(send_end.send)
            send_end.send(("done", result))
        except InvalidInput as error:
            send_end.send(("invalid", error.errors))
        except BaseException as error:  # reported to the parent, which fails the import
            send_end.send(("failed", f"{type(error).__name__}: {error}"))
        finally:
            send_end.close()

    def __iter__(self) -> Iterator[object]:
        context = multiprocessing.get_context("fork")
        receive_end, send_end = context.Pipe(duplex=False)
        worker = context.Process(target=self._child, args=(send_end,), name="complaint-import-reader")
        worker.start()
        send_end.close()
        try:
            while True:
                try:
                    message = receive_end.recv()
                except EOFError:
                    raise RuntimeError("the import's reading process stopped unexpectedly") from None
                if isinstance(message, tuple) and message and message[0] in ("done", "invalid", "failed"):
                    kind, value = message
                    if kind == "done":
                        self.result = value
                        return
                    if kind == "invalid":
                        raise InvalidInput(value)
                    raise RuntimeError(value)
                yield message
        finally:
            receive_end.close()
            if worker.is_alive():
                worker.kill()  # cancelled or failed here: the child's work is not needed any more
            worker.join()
