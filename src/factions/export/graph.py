"""The actor network as GraphML or GEXF (for Gephi, Cytoscape, networkx).

Nodes carry label and type; edges carry the relation as label, weight (evidence sentences),
certainty, dates, speakers and claim ids. Lists are joined with '; ' since both formats hold
only scalar attributes.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from sqlalchemy import Connection

from factions.export.formats import export_format
from factions.query.network import Network, actor_network


def network_graph(network: Network) -> nx.MultiDiGraph:
    """A directed multigraph: several relations may join the same two actors."""
    graph = nx.MultiDiGraph(as_of=network.as_of or "", date_from=network.date_from or "")
    graph.graph["date_to"] = network.date_to or ""
    for node in network.nodes:
        graph.add_node(
            node.id, label=node.name, type=node.type or "", degree=node.degree, weight=node.weight
        )
    for edge in network.edges:
        graph.add_edge(
            edge.subject,
            edge.object,
            key=edge.predicate,
            label=edge.predicate,
            predicate=edge.predicate,
            weight=edge.weight,
            certainty=edge.certainty,
            valid_from=edge.valid_from or "",
            valid_to=edge.valid_to or "",
            first_reported=edge.first_reported or "",
            last_reported=edge.last_reported or "",
            speakers="; ".join(edge.speakers),
            outlets="; ".join(edge.outlets),
            claims="; ".join(edge.claims),
            documents=edge.documents,
        )
    return graph


def write_graph(conn: Connection, path: Path, fmt: str, *, as_of: str | None = None) -> int:
    """Write the network (as of a date, if given) as 'graphml' or 'gexf'; returns edge count."""
    graph = network_graph(actor_network(conn, as_of=as_of))
    if fmt == "graphml":
        nx.write_graphml(graph, path)
    elif fmt == "gexf":
        nx.write_gexf(graph, path)
    else:
        raise ValueError(f"unknown graph format '{fmt}'")
    return graph.number_of_edges()


@export_format(
    "graphml", "the actor network for Gephi (GraphML)", target="file", dated=True, unit="relations"
)
def _graphml(conn: Connection, path: Path, as_of: str | None) -> int:
    return write_graph(conn, path, "graphml", as_of=as_of)


@export_format(
    "gexf", "the actor network for Gephi (GEXF)", target="file", dated=True, unit="relations"
)
def _gexf(conn: Connection, path: Path, as_of: str | None) -> int:
    return write_graph(conn, path, "gexf", as_of=as_of)
