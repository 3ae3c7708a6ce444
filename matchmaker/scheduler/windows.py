"""Break-free windows: the consecutive slot runs in which a participant could hold all meetings."""

from __future__ import annotations


def _perfect_matching(domains: list[set[int]], slots: list[int]) -> bool:
    """True if every request gets its own slot of `slots` (Kuhn's augmenting paths)."""
    owner: dict[int, int] = {}

    def augment(k: int, seen: set[int]) -> bool:
        for s in slots:
            if s in domains[k] and s not in seen:
                seen.add(s)
                if s not in owner or augment(owner[s], seen):
                    owner[s] = k
                    return True
        return False

    return all(augment(k, set()) for k in range(len(domains)))


def feasible_windows(domains: list[list[int]], seq: list[int]) -> list[list[int]]:
    """Runs of len(domains) consecutive slots of `seq` that can host all the requests at once."""
    n = len(domains)
    doms = [set(d) for d in domains]
    usable = set().union(*doms) if doms else set()
    out = []
    for i in range(len(seq) - n + 1):
        win = seq[i : i + n]
        if all(s in usable for s in win) and _perfect_matching(doms, win):
            out.append(win)
    return out
