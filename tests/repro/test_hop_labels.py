import pytest
from pymatgen.core import Lattice, Structure

from hop_labels import SWAP, clearance, label_host
from hopnet.pathways.hops import Hop
from hopnet_repro.limits import time_limit
from prior_pretrain import targets_of


def test_clearance_is_the_closest_approach_to_a_framework_atom():
    s = Structure(Lattice.cubic(6.0), ["Li", "Li", "O"], [[0, 0, 0], [0.5, 0, 0], [0.25, 0.2, 0]])
    hop = Hop(0, 1, (0, 0, 0), 3.0)
    assert clearance(s, "Li", hop) == pytest.approx(1.2, abs=1e-6)  # O sits 1.2 Å off the hop's midpoint


def test_a_host_gets_every_distinct_hop_labelled_and_a_blocked_hop_the_highest_label():
    # rock-salt LiF: Li-Li hops of 2.85 Å (between two F) and 4.03 Å (straight through an F atom), 4.94 Å
    s = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    hops = label_host(s, "Li", "LiF")["hops"]
    assert [round(h["length"], 2) for h in hops] == [2.85, 4.03, 4.94]
    short, through = hops[:2]
    assert through["clearance"] < 0.01 < short["clearance"]
    assert through["bvse"] is None or through["bvse"] > short["bvse"]
    t = targets_of([{**short}, {**through, "bvse": None}])
    assert t[1, 0] > t[0, 0]  # a hop that never connects is labelled as the most blocked


def test_swaps_keep_the_charge():
    charge = {"Li": 1, "Na": 1, "K": 1, "Rb": 1, "Mg": 2, "Ca": 2, "Zn": 2, "Sr": 2}
    assert all(charge[a] == charge[b] for a, b in SWAP.items())


def test_time_limit_stops_a_long_item_and_leaves_no_alarm_behind():
    import time
    with pytest.raises(TimeoutError), time_limit(1):
        time.sleep(3)
    with time_limit(0):  # 0: no limit
        time.sleep(0.01)


def test_a_timed_item_gives_its_fields_or_the_reason_it_failed():
    from hopnet.errors import HopnetInputError
    from hopnet_repro.limits import timed_item

    assert timed_item(lambda: {"a": 1}, 5, (ValueError,))["a"] == 1

    def refuse():
        raise HopnetInputError("host.cif", "no bond valences")

    row = timed_item(refuse, 5, (HopnetInputError,))
    assert row["error"] == "host.cif: no bond valences" and row["seconds"] >= 0
    with pytest.raises(KeyError):  # an unexpected failure is a bug, not a row
        timed_item(lambda: {}["missing"], 5, (HopnetInputError,))


def test_labels_are_read_from_the_working_file_or_else_the_packed_one(tmp_path):
    import json
    import lzma

    from prior_pretrain import labelled_hops

    row = {"record": 7, "ion": "Na", "replaces": "Li", "hops": [{"start": 0, "end": 1, "image": [0, 0, 1],
                                                                  "length": 3.1, "bvse": 0.4, "clearance": 1.9}]}
    with lzma.open(tmp_path / "shard-0-of-2.jsonl.xz", "wt") as fh:
        fh.write(json.dumps(row) + "\n")
    (tmp_path / "shard-1-of-2.jsonl").write_text(json.dumps({**row, "record": 8}) + "\n")
    hops = labelled_hops(tmp_path)
    assert sorted(h["record"] for h in hops) == [7, 8] and hops[0]["replaces"] == "Li"
    (tmp_path / "shard-0-of-2.jsonl").write_text(json.dumps({**row, "record": 9}) + "\n")  # a run resumed
    assert sorted(h["record"] for h in labelled_hops(tmp_path)) == [8, 9]
    (tmp_path / "shard-1-of-2.jsonl").write_text("".join(json.dumps({**row, "record": r}) + "\n" for r in (8, 10)))
    assert sorted(h["record"] for h in labelled_hops(tmp_path, hosts=1)) == [8, 9]  # an earlier, shorter run's labels
