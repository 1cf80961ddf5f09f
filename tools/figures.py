"""Write the figures of images/ (README banner and slides) with the helpers the lessons use.

Usage: python -m tools.figures [--out DIR]   (`make images` runs it)
Every figure is drawn from MNIST (MNIST_PATH or Keras' cache) or from plain functions; nothing
is trained, so the script takes a few seconds.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import activations, data, neuron, plots  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "images"
DPI = 100


def digits_banner() -> Figure:
    """Return the README banner: the first three test images of each digit, 0 to 9."""
    _, (x_test, y_test) = data.load_mnist()
    picks = [np.flatnonzero(y_test == d)[:3] for d in range(10)]
    order = np.array([picks[d][row] for row in range(3) for d in range(10)])
    fig = plots.show_digits(x_test[order], y_test[order], ncols=10, size=0.75)
    fig.suptitle("MNIST: 70,000 handwritten digits, 28 x 28 pixels", fontsize=11)
    return fig


def activation_grid() -> Figure:
    """Return lesson 03's activation functions above their derivatives."""
    return activations.plot_activation_grid(["sigmoid", "tanh", "relu", "gelu"])


def neuron_boundaries() -> Figure:
    """Return lesson 02's 2-input neuron for four settings of its weights and bias."""
    return neuron.plot_neuron_row([(1.0, 1.0, 0.0), (3.0, 3.0, 0.0), (1.0, 1.0, -2.0),
                                   (2.0, -1.0, 1.0)])


FIGURES: dict[str, Callable[[], Figure]] = {
    "digits.png": digits_banner,
    "activations.png": activation_grid,
    "neuron_boundaries.png": neuron_boundaries,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    plots.set_style()
    for name, draw in FIGURES.items():
        fig = draw()
        fig.savefig(args.out / name, dpi=DPI, bbox_inches="tight",
                    metadata={"Software": None})  # no version string: same bytes each run
        plt.close(fig)
        print(f"wrote {(args.out / name).relative_to(args.out.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
