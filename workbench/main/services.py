"""What the home page shows: the cards and sections the capabilities registered."""

from workbench.models import User
from workbench.registry import HOME_CARDS


def home_summary(user: User) -> dict:
    """Each capability's cards for ``user``, in the order they were registered with."""
    return {"cards": [card for card in (f(user) for f in HOME_CARDS.all()) if card]}
