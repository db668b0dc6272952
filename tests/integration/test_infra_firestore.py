"""infra/'s Firestore held against the adapter, offline: every composite query the adapter sends
(read from its source with ast, and from the queue planner) has its declared index and every index a
query; every TTL field its policy; one protected native-mode database."""
from __future__ import annotations

import ast
import dataclasses
from functools import cache

from shared.domain.queues import FILTER_FIELDS
from tests.support.hcl import (
    FIRESTORE_MODULES,
    ROOT,
    instances,
    resources,
    string_constants,
)

# The queue planner's queries are built step by step (their filters chosen at run time), so they
# are read by running the planner, not from the source.
PLANNED_QUERIES = ROOT / "shared" / "adapters" / "firestore_queue.py"

# Fields whose documents Firestore deletes by TTL: a write of this field needs a TTL policy.
TTL_FIELDS = {"expires_at"}


# -- Reading the adapter ------------------------------------------------------------------------

def _text(node: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


@dataclasses.dataclass(frozen=True)
class Query:
    collection: str
    equalities: tuple[str, ...]
    ranges: tuple[str, ...]  # inequality fields, then order_by fields, in order
    directions: tuple[str, ...]

    @property
    def needs_composite_index(self) -> bool:
        return bool(self.ranges) and len(set(self.equalities) | set(self.ranges)) > 1


_CHAIN = {"where", "order_by", "limit", "limit_to_last", "select", "offset", "start_at",
          "start_after", "end_at", "end_before"}
_EQUALITY = {"==", "in", "array_contains", "array_contains_any"}


def _filter_args(call: ast.Call, constants) -> tuple[str, str] | None:
    """(field, op) of `.where(filter=FieldFilter(field, op, value))` or `.where(field, op, v)`."""
    args = call.args
    for keyword in call.keywords:
        if keyword.arg == "filter" and isinstance(keyword.value, ast.Call):
            args = keyword.value.args
    if len(args) >= 2:
        field, op = _text(args[0], constants), _text(args[1], constants)
        if field and op:
            return field, op
    return None


def _chains(tree: ast.Module) -> list[list[ast.Call]]:
    """Every method-call chain that includes a query step, outermost call last."""
    inner: set[int] = set()
    chains: list[list[ast.Call]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _CHAIN) or id(node) in inner:
            continue
        chain = []
        current = node
        while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
            chain.append(current)
            inner.add(id(current))
            current = current.func.value
        chains.append(list(reversed(chain)))
    return chains


def _written_query(chain: list[ast.Call], constants: dict[str, str]) -> Query:
    """The query a chain `.collection(X)[.where(...)|.order_by(...)|.limit(...)]...` sends; X is
    the innermost collection (`cases/{n}/events` is "events", as Firestore's indexes name it)."""
    collection = next((_text(c.args[0], constants) for c in reversed(chain)
                       if c.func.attr == "collection" and c.args), None)
    assert collection, f"query without a resolvable collection at line {chain[0].lineno}"
    equalities, inequalities, ordered, directions = [], [], [], []
    for call in chain:
        if call.func.attr == "where":
            parsed = _filter_args(call, constants)
            assert parsed, f"unreadable filter at line {call.lineno}"
            (equalities if parsed[1] in _EQUALITY else inequalities).append(parsed[0])
        elif call.func.attr == "order_by":
            ordered.append(_text(call.args[0], constants))
            direction = "ASCENDING"
            for keyword in call.keywords:
                if keyword.arg == "direction" and "DESC" in ast.unparse(keyword.value):
                    direction = "DESCENDING"
            directions.append(direction)
    leading = [f for f in inequalities if f not in ordered]
    return Query(collection, tuple(equalities), tuple(leading + ordered),
                 tuple(["ASCENDING"] * len(leading) + directions))


def planned_queries() -> set[Query]:
    """Every query the queue planner can send: each shape it issues, with its key's range filter
    and order."""
    from shared.adapters import firestore_queue

    direction = {firestore_queue.firestore.Query.ASCENDING: "ASCENDING",
                 firestore_queue.firestore.Query.DESCENDING: "DESCENDING"}
    return {Query(firestore_queue.CASES, served, (key, ), (direction[order],))
            for served, key, order in firestore_queue.issued_shapes()}


@cache
def adapter_queries() -> tuple[Query, ...]:
    """Every query of the Firestore adapter: the chains written out in its modules, and the queue
    planner's."""
    queries = set(planned_queries())
    for path in FIRESTORE_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = string_constants(tree)
        for chain in _chains(tree):
            if path == PLANNED_QUERIES and not any(c.func.attr == "collection" for c in chain):
                continue  # a step of a planned query
            queries.add(_written_query(chain, constants))
    return tuple(sorted(queries, key=repr))


@cache
def adapter_ttl_fields() -> set[tuple[str, str]]:
    """(collection, field) for each TTL field written in a function that touches that collection,
    in any Firestore module of the adapter."""
    found = set()
    for path in FIRESTORE_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = string_constants(tree)
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef):
                found |= _ttl_fields_written(function, constants)
    return found


def _ttl_fields_written(function: ast.FunctionDef, constants: dict[str, str]) -> set[tuple[str, str]]:
    collections, fields = set(), set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in {"_doc", "collection", "document"} and node.args:
            name = _text(node.args[0], constants)
            if name and node.func.attr != "document":
                collections.add(name)
        if isinstance(node, ast.Dict):
            fields |= {k.value for k in node.keys if isinstance(k, ast.Constant)
                       and k.value in TTL_FIELDS}
    return {(c, f) for c in collections for f in fields}



# -- Firestore ----------------------------------------------------------------------------------

def _indexes() -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    return [(body["collection"], tuple((f["field_path"], f.get("order", "ASCENDING"))
                                       for f in body["fields"]))
            for body in instances("google_firestore_index").values()]


def _index_serves(index, query: Query) -> bool:
    collection, fields = index
    k = len(set(query.equalities))
    return collection == query.collection and len(fields) == k + len(query.ranges) \
        and {name for name, _ in fields[:k]} == set(query.equalities) \
        and tuple(fields[k:]) == tuple(zip(query.ranges, query.directions))


def test_the_adapter_has_queries_to_check():
    assert any(q.needs_composite_index for q in adapter_queries())


def test_the_queue_planner_sends_every_query_it_needs_and_each_has_its_index():
    planned = planned_queries()
    assert len(planned) > 2 * len(FILTER_FIELDS)  # each filter in each order, and pairs
    assert all(q.equalities for q in planned if q.needs_composite_index)
    assert any(q.collection == "events" and q.needs_composite_index for q in adapter_queries())


def test_every_composite_query_has_an_index_and_every_index_a_query():
    composite = [q for q in adapter_queries() if q.needs_composite_index]
    unindexed = [q for q in composite if not any(_index_serves(i, q) for i in _indexes())]
    unused = [i for i in _indexes() if not any(_index_serves(i, q) for q in composite)]
    assert not unindexed, f"composite queries without a google_firestore_index: {unindexed}"
    assert not unused, f"indexes no query of the adapter needs: {unused}"


def test_every_ttl_field_has_a_ttl_policy_and_nothing_else_has_one():
    policies = {(body["collection"], body["field"])
                for body in resources("google_firestore_field").values() if "ttl_config" in body}
    assert adapter_ttl_fields(), "the adapter writes expires_at (rate limits)"
    assert policies == adapter_ttl_fields()


def test_one_native_mode_database_with_protection():
    (database,) = resources("google_firestore_database").values()
    assert database["type"] == "FIRESTORE_NATIVE"
    assert database["delete_protection_state"] == "DELETE_PROTECTION_ENABLED"

