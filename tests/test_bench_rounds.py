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


def _figures(wall: float) -> dict:
    return {"wall": wall, "cpu": 2 * wall, "peak": 100.0}


def _size(count: int, scale_by: float, peer_search: bool) -> dict:
    rows = {"articles": {"count": count}, "hugo cold": {**_figures(10 * scale_by), "rounds": [10 * scale_by] * 3},
            "cold, no search": {**_figures(8 * scale_by), "rounds": [8 * scale_by] * 3, "ratios": [0.8] * 3,
                                "median ratio": 0.8},
            "cold, with search": _figures(15 * scale_by)}
    if peer_search:
        rows["hugo + pagefind extended"] = _figures(40 * scale_by)
    rows["one title edited"] = _figures(1 * scale_by)
    rows["site"] = {"MB": 250 * scale_by, "files": int(17000 * scale_by), "hugo MB": 160 * scale_by,
                    "artifact MB": 84 * scale_by, "parts": {"articles": 120 * scale_by, "rest": 130 * scale_by},
                    **({"pack MB": 128 * scale_by} if peer_search else {})}  # (runs of earlier versions had no pack)
    return rows


def test_the_report_of_sizes_past_the_peers_search_shows_every_size(capsys):
    # (a run of every size: the largest past --peer-search-up-to has no row of Hugo + Pagefind's, and
    # the report once stopped there with a KeyError, before the largest size's site and growth lines)
    scale = _scale()
    scale.report({10000: _size(10000, 1, True), 100000: _size(100000, 10, False)})
    out = capsys.readouterr().out
    peer_row = next(line for line in out.splitlines() if line.startswith("hugo + pagefind extended"))
    assert peer_row.split()[-1] == "-"  # (none at 100 000)
    assert "site at 100,000: articles 1200, rest 1300 MB" in out
    assert "(tar, deflate 6) 84 MB, 0.08x; pack's zip 128 MB" in out and "pack's zip 1280" not in out
    growth = next(line for line in out.splitlines() if line.startswith("growth exponent"))
    assert "cold, with search 1.00" in growth and "hugo + pagefind extended" not in growth
    assert "cold, no search at 100,000, 3 rounds" in out
