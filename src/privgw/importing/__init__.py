"""``privgw import``: a private REST API that already runs, read back from AWS (``live``),
its resource policy mapped onto privgw's allow-list (``policy``), and the config that
describes it with a report of what the config cannot say (``translate``)."""
