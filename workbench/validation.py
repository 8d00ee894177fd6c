"""One error type for bad input, shared by forms, the API and the CLI."""


class InvalidInput(Exception):
    """Input broke a rule; ``errors`` maps each field to a readable message."""

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"_": errors}
        self.errors = {k: str(v) for k, v in errors.items()}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class Conflict(Exception):
    """Someone else changed the record first (optimistic locking)."""

    def __init__(self, current: dict, submitted: dict):
        self.current = current
        self.submitted = submitted
        super().__init__("the record was changed by someone else")
