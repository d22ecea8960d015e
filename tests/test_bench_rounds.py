"""bench/scale.py's cold rounds: each side's figures are its median round's, every round's ratio is
kept, and each round starts without the outputs of the last (set aside, not deleted); a command's
wall time is its own, not rounded up to the memory sampler's period."""
import importlib.util
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"

# A build that refuses to start over its last output, makes it, and takes the time its round gives it.
_BUILD = """import os, sys, time
out, times, counter = sys.argv[1], sys.argv[2], sys.argv[3]
assert not os.path.exists(out), "the last round's output was not set aside"
os.mkdir(out)
n = int(open(counter).read()) if os.path.exists(counter) else 0
open(counter, "w").write(str(n + 1))
if len(sys.argv) > 4:  # (a log of which build ran when)
    open(sys.argv[4], "a").write(sys.argv[5] + "\\n")
time.sleep(float(times.split(",")[n]))
"""


def _scale():
    spec = importlib.util.spec_from_file_location("bench_scale", BENCH / "scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cold_rounds_give_each_sides_median_round_and_every_rounds_ratio(tmp_path):
    scale = _scale()
    work, trash = tmp_path / "work", tmp_path / "trash"
    work.mkdir()

    def build(out: str, times: str) -> list[str]:
        return [sys.executable, "-c", _BUILD, str(work / out), times, str(tmp_path / f"{out}.count")]

    peer, ours, others = scale.cold_rounds(build("public", "0.2,0.2,0.2"), build("site", "0.6,0.2,0.4"), work, trash, 3)
    assert others == []
    assert len(peer["rounds"]) == len(ours["rounds"]) == len(ours["ratios"]) == 3
    assert ours["wall"] == statistics.median(ours["rounds"])
    assert peer["wall"] == statistics.median(peer["rounds"])
    assert all(wall >= slept for wall, slept in zip(ours["rounds"], (0.6, 0.2, 0.4)))  # (each round ran whole)
    # (each round's ratio from that round's two wall times - not from the sleeps: under load a
    # process's start can take longer than the gaps between them, and a test of their order failed)
    assert ours["ratios"] == [mine / theirs for theirs, mine in zip(peer["rounds"], ours["rounds"])]
    assert ours["median ratio"] == statistics.median(ours["ratios"])
    assert len(list(trash.iterdir())) == 4  # (public/ and site/ of the first two rounds)


def test_a_commands_wall_time_is_not_rounded_up_to_the_samplers_period():
    scale = _scale()
    figures = scale.measured([sys.executable, "-c", "import time; time.sleep(0.1)"], sample_every=5.0)
    assert 0.1 <= figures["wall"] < 2.5  # (the sampler sleeps 5 s between samples)


def test_other_checkouts_build_in_the_same_rounds_in_turn_with_ours(tmp_path):
    scale = _scale()
    work, trash, log = tmp_path / "work", tmp_path / "trash", tmp_path / "order"
    work.mkdir()

    def build(out: str, times: str, name: str) -> list[str]:
        return [sys.executable, "-c", _BUILD, str(work / out), times, str(tmp_path / f"{name}.count"), str(log), name]

    peer, ours, others = scale.cold_rounds(build("public", "0.1,0.1,0.1", "peer"), build("site", "0.1,0.3,0.1", "ours"),
                                           work, trash, 3, [build("site", "0.3,0.1,0.2", "before")])
    # (each round the peer first, then ours and the other code in turn: neither always runs right after the peer)
    assert log.read_text().split() == ["peer", "ours", "before", "peer", "before", "ours", "peer", "ours", "before"]
    (before,) = others
    assert all(wall >= slept for wall, slept in zip(before["rounds"], (0.3, 0.1, 0.2)))
    assert before["ratios"] == [mine / theirs for theirs, mine in zip(peer["rounds"], before["rounds"])]
    assert ours["ratios"] == [mine / theirs for theirs, mine in zip(peer["rounds"], ours["rounds"])]
    assert before["wall"] == statistics.median(before["rounds"])
