"""Run by `make test-colab` in .venv-colab after tests/colab/test_on_colab.py installed helpers.

The widget and lesson tests that follow in the same run use what the setup cell installed,
under Colab's versions, not this checkout.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

COLAB_ONLY = pytest.mark.skipif(not (Path(sys.prefix) / ".colab-baseline.txt").exists(),
                                reason="runs only in .venv-colab (make test-colab)")


@COLAB_ONLY
def test_helpers_is_the_installed_copy_not_this_checkout():
    import helpers

    here = Path(helpers.__file__).resolve()
    assert here.is_relative_to(Path(sys.prefix).resolve()), here
    assert here.parent.parent.name == "site-packages"


@COLAB_ONLY
def test_the_widgets_are_colabs_ipywidgets_7():
    import IPython
    import ipywidgets

    assert ipywidgets.__version__ == "7.7.1" and IPython.__version__ == "7.34.0"
    assert not hasattr(ipywidgets.VBox(), "_repr_mimebundle_"), \
        "ipywidgets 7 widgets have no _repr_mimebundle_: helpers.widgets must not call it"
