"""The kinds of a compiled plan node (``matching.plans.PlanBook.op``), shared by the plan
book and its vectorised judge (``matching.vector``)."""
LEAF, ALL, ANY, NOT, CRIT, GROUP, REVIEW_NODE = range(7)
