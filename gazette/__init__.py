"""gazette from Python: the tables of an output folder, or of files read in process.

    import gazette
    out = gazette.load("data/out")      # out.subsidies, out.policies, out.sql("SELECT ...")
    found = gazette.extract("some.pdf")   # the same tables, read here, nothing written

See pipeline/api.py; the command line is `gazette` (pipeline/cli.py).
"""
from importlib import metadata

from pipeline.api import Tables, extract, load

__version__ = metadata.version("gazette")

__all__ = ["Tables", "extract", "load", "__version__"]
