"""Hypothesis strategies shared by the adapter fuzz tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)

json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def mutations(base: Any) -> st.SearchStrategy[Any]:
    """``base`` with one value somewhere inside replaced by arbitrary JSON (or a key dropped)."""

    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))

    walk(base, ())

    def apply(path: tuple[Any, ...], value: Any, drop: bool) -> Any:
        import copy

        doc = copy.deepcopy(base)
        if not path:
            return value
        node = doc
        for key in path[:-1]:
            node = node[key]
        if drop and isinstance(node, dict):
            del node[path[-1]]
        else:
            node[path[-1]] = value
        return doc

    return st.builds(apply, st.sampled_from(paths), json_values, st.booleans())
