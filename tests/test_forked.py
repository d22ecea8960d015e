"""forked.Pool: what a fresh pool's workers are handed reaches each of them whole, through their
start-up pipes without filling them, and leaves nothing behind."""
import os
import pickle

from newsarchive import forked

# What a pipe holds (Linux): handed down a worker's start-up pipe, more kept Pool() waiting until the
# worker had unpickled all but the last of it, imports and all (~0.25 s a worker at 10 000 articles).
PIPE_HOLDS = 65536
PAYLOAD = bytes(range(256)) * 2048


def _handed(handed, item):
    name, payload = handed
    return name, payload == PAYLOAD, item


def test_a_fresh_pools_workers_get_what_they_are_handed_whole_through_a_pipe_it_does_not_fill():
    pool = forked.Pool(("handed", PAYLOAD), fresh=True)
    try:
        parcel = pool._parcel.path
        assert len(pickle.dumps(pool._pool._initargs)) < PIPE_HOLDS
        assert sorted(pool.imap(_handed, range(4))) == [("handed", True, n) for n in range(4)]
    finally:
        pool.stop()
    assert not os.path.exists(parcel)


def test_a_fresh_pool_closed_leaves_no_file_and_none_is_made_for_nothing_handed():
    pool = forked.Pool(("handed", PAYLOAD), fresh=True, processes=1)
    parcel = pool._parcel.path
    assert list(pool.imap(_handed, [7])) == [("handed", True, 7)]
    pool.close()
    assert not os.path.exists(parcel)
    with forked.Pool(None, fresh=True, processes=1) as empty:
        assert empty._parcel is None


def test_a_comparer_closed_unused_ends_though_a_process_forked_since_holds_its_pipe():
    """Same story's process, forked and then closed unused (a small archive compares in the build's
    own process), ends when told to, while a pool forked after it (the bodies' workers) still holds
    the end of its tasks' pipe: waiting for that pipe to close waited for the pool, for ever."""
    import threading

    from newsarchive.builder.related import Comparer

    comparer = Comparer(fork=True)
    pool = forked.Pool(None, processes=1)  # (forked since: it holds the comparer's pipe ends)
    try:
        closing = threading.Thread(target=comparer.close, daemon=True)
        closing.start()
        closing.join(timeout=30)
        ended = not closing.is_alive()
        if not ended:  # (not to hang the suite: the child is ended, and the test fails)
            comparer._child.kill()
            closing.join()
    finally:
        pool.stop()
    assert ended and comparer._child.exitcode == 0
