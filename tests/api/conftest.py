from review.conftest import demo  # noqa: F401  (the demo organisation with ids of the noise project)
