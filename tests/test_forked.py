"""forked.in_lanes: every lane's items in order, each lane in a process of its own."""
import os

from newsarchive import forked


def _where(handed, item):
    return handed, item, os.getpid()


def test_each_lane_runs_in_order_in_a_process_of_its_own():
    lanes = [list(range(0, 7)), list(range(7, 10)), [], list(range(10, 30))]
    results = list(forked.in_lanes("handed", _where, [iter(lane) for lane in lanes]))
    assert sorted(item for _, item, _ in results) == list(range(30))
    assert {handed for handed, _, _ in results} == {"handed"}
    pids = []
    for lane in lanes:
        got = [(item, pid) for _, item, pid in results if item in lane]
        assert [item for item, _ in got] == lane  # in order within its lane
        pids.append({pid for _, pid in got})
    assert all(len(p) == 1 for p in pids if p) and len(set().union(*pids)) == 3
    assert os.getpid() not in set().union(*pids)
