"""benchmarks/: benchmarks, load tests and their data generators, beside the product (the
product packages never import this one). ``python bot.py bench SUITE`` runs them
(``benchmarks.command``)."""
