#!/usr/bin/python3
"""What PyTorch itself does in the situations the lessons and finding explanations describe,
recorded for the tests that check those texts (tst_workbench lessonClaimsHold).
Run: /usr/bin/python3 tests/lessons/make_lesson_facts.py  (writes facts.json beside it)"""
import json
import os

import torch
import torch.nn as nn


def raised(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 -- the exception is what is recorded
        return {"exception": type(e).__name__, "message": str(e).split("\n")[0]}
    return None


def main():
    single = nn.InstanceNorm2d(4)
    facts = {
        "torch_version": torch.__version__.split("+")[0],
        # Lesson 6.2: InstanceNorm2d(1024, affine=True) after 512 channels, batch 1.
        "instance_norm_affine_mismatch_batch1":
            raised(lambda: nn.InstanceNorm2d(1024, affine=True)(torch.zeros(1, 512, 8, 8))),
        # single_spatial_element: in training, and in eval without running statistics.
        "single_spatial_element_train": raised(lambda: single.train()(torch.zeros(2, 4, 1, 1))),
        "single_spatial_element_eval": raised(lambda: single.eval()(torch.zeros(2, 4, 1, 1))),
        # eps_not_positive: PyTorch accepts eps = 0.
        "eps_zero_accepted": raised(lambda: nn.BatchNorm1d(4, eps=0.0)(torch.randn(3, 4))) is None,
    }
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "facts.json"), "w") as f:
        json.dump(facts, f, indent=1)


if __name__ == "__main__":
    main()
