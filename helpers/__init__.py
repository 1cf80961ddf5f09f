"""Helpers shared by the lessons of the MNIST neural-network tutorial series.

Importing this package is cheap and never imports TensorFlow, so that
:func:`setup_notebook` can quieten TensorFlow's logs before TensorFlow loads.
"""

from helpers.setup import setup_notebook

__all__ = ["setup_notebook"]
__version__ = "0.1.0"
