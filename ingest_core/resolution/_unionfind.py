"""Union-find whose roots carry the members, so constraints can be checked per cluster."""

from __future__ import annotations


class UnionFind:
    """Disjoint sets over 0..n-1; ``members(root)`` lists a cluster."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self._members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def members(self, root: int) -> list[int]:
        return self._members[root]

    def size(self, root: int) -> int:
        return len(self._members[root])

    def union(self, a: int, b: int) -> int:
        """Merge the clusters of ``a`` and ``b``; returns the new root (the smaller index)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self._members[ra].extend(self._members.pop(rb))
        return ra

    def roots(self) -> list[int]:
        return sorted(self._members)
