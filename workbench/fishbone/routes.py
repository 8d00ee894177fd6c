"""Pages of the fishbone."""
from workbench.fishbone import bp  # noqa: F401
