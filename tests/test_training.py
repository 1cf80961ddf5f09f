import numpy as np
import pytest

from helpers.training import EpochLog, format_epoch


def test_format_epoch_orders_and_rounds():
    line = format_epoch(3, 10, {"val_accuracy": 0.91234567, "loss": 0.123456, "accuracy": 0.9,
                                "val_loss": 0.2})
    assert line == "epoch  3/10  loss 0.1235  accuracy 0.9000  val_loss 0.2000  val_accuracy 0.9123"


def test_format_epoch_learning_rate_and_extra_metrics():
    line = format_epoch(1, 1, {"loss": 1.0, "learning_rate": 0.001, "auc": 0.5}, digits=2)
    assert line == "epoch 1/1  loss 1.00  auc 0.50  learning_rate 0.001"


@pytest.mark.parametrize(("epoch", "epochs"), [(0, 5), (6, 5), (1, 0)])
def test_format_epoch_rejects_bad_epochs(epoch, epochs):
    with pytest.raises(ValueError, match="epoch must be in 1..epochs"):
        format_epoch(epoch, epochs, {})


def test_epoch_log_prints_one_line_per_epoch(capsys):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.ones((16, 3)), np.zeros(16)
    model.fit(x, y, epochs=4, verbose=0, validation_data=(x, y), callbacks=[EpochLog(every=2)])
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split("  ")[0] for ln in lines] == ["epoch 2/4", "epoch 4/4"]
    assert all("val_accuracy 1.0000" in ln for ln in lines)


def test_epoch_log_rejects_bad_settings():
    with pytest.raises(ValueError, match="digits and every must be >= 1"):
        EpochLog(every=0)
