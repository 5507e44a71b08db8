"""Tables of the knowledge base, in SQLAlchemy Core so any SQL backend can hold them.

Machine output and analyst decisions live in separate tables: `entity_links` and `event_links`
map machine ids to canonical ids (an overlay that can be undone), `judgements` hold what an
analyst decided and are never touched by re-extraction.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("title", Text),
    Column("url", Text),
    Column("outlet", Text),
    Column("author", Text),
    Column("published", String(10)),
    Column("published_precision", String(16)),
    Column("source", Text),
    Column("part", Integer, nullable=False, default=0),
    Column("text", Text, nullable=False),
    Column("fingerprint", String(16), index=True),
    Column("near_duplicate_of", String(40)),
    Column("extractor", String(64)),
    Column("ingested_at", String(32)),
)

entities = Table(
    "entities",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("type", String(32), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("country", String(2)),
    Column("admin1", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("geo_precision", String(16)),
    Column("gazetteer_id", String(64)),
    Column("match_key", Text, index=True),
    # JSON list of the other gazetteer ids a place name could have meant (ambiguous names).
    Column("alternatives", Text),
    # How many mentions the entity has (kept by the writer), for "most mentioned" at scale.
    Column("mentions", Integer, nullable=False, default=0, server_default="0"),
    # For a person of one document (migration 8): what that document says about them, as JSON
    # {"context": [...], "sides": [...], "ties": [...]}; resolution reads it to decide who is
    # the same person as whom.
    Column("profile", Text),
)

# The full names of people outside the gazetteer, by a spelling-tolerant block of their last
# word (migration 8): resolution finds the names that may be variants of a new one here.
person_names = Table(
    "person_names",
    metadata,
    Column("block", String(64), primary_key=True),
    Column("match_key", Text, primary_key=True),
    sqlite_with_rowid=False,
)

aliases = Table(
    "aliases",
    metadata,
    Column("entity_id", String(40), ForeignKey("entities.id"), primary_key=True),
    Column("alias", Text, primary_key=True),
    Column("source", String(16), nullable=False, default="machine"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(40), ForeignKey("documents.id"), nullable=False, index=True),
    Column("entity_id", String(40), ForeignKey("entities.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String(32)),
    Column("rule", String(64)),
)

entity_links = Table(
    "entity_links",
    metadata,
    Column("entity_id", String(40), primary_key=True),
    Column("canonical_id", String(40), nullable=False, index=True),
    Column("score", Float, nullable=False),
    Column("method", String(64), nullable=False),
)

# What analysts decided (migration 11; store/judgements.py applies them as an overlay, curate/
# records them). Rows are only ever added: undo is a judgement too. A judgement names its
# target by stable id and keeps the target's evidence span, to find it again when a
# re-extraction gives the record a new id.
judgements = Table(
    "judgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # The same judgement in every knowledge base it is imported into.
    Column("uid", String(40), nullable=False, unique=True),
    Column("kind", String(24), nullable=False, index=True),
    Column("target_kind", String(16), nullable=False),
    Column("target_id", String(40), nullable=False, index=True),
    Column("other_id", String(40)),
    # JSON: what the kind needs (a field and its value, a name, documents, a reading, a note).
    Column("value", Text),
    # JSON {"target": span, "other": span}, a span being {document, start, end, text, hint}.
    Column("evidence", Text),
    Column("why", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("created_at", String(32), nullable=False, index=True),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("subject", String(40), nullable=False, index=True),
    Column("predicate", String(48), nullable=False, index=True),
    Column("object", String(40), index=True),
    Column("value", Text),
    Column("valid_from", String(10)),
    Column("valid_to", String(10)),
    Column("certainty", String(16), nullable=False),
    Column("polarity", Boolean, nullable=False),
    Column("attributed_to", String(40)),
    Column("rule", String(64)),
    Column("document_id", String(40), ForeignKey("documents.id"), nullable=False, index=True),
    # Derived (migration 7; see periods.py): the days the claim holds (its document's date when
    # it has none, open when that is missing too), and the day a timeline places it on.
    Column("day_first", Integer),
    Column("day_last", Integer),
    Column("length_class", Integer),
    Column("sort_day", Integer),
)

# The counts an event keeps beside `fatalities`, each as <kind>_low/_best/_high.
EVENT_COUNTS = ("wounded", "kidnapped", "arrested")

events = Table(
    "events",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("event_type", String(64), nullable=False, index=True),
    Column("sub_event_type", String(64), nullable=False),
    Column("date", String(10), index=True),
    Column("date_precision", String(16)),
    Column("place", String(40), index=True),
    Column("geo_precision", String(16)),
    Column("fatalities_low", Integer),
    Column("fatalities_best", Integer),
    Column("fatalities_high", Integer),
    # Beside the dead (migration 8): the wounded, the kidnapped and the arrested.
    Column("wounded_low", Integer),
    Column("wounded_best", Integer),
    Column("wounded_high", Integer),
    Column("kidnapped_low", Integer),
    Column("kidnapped_best", Integer),
    Column("kidnapped_high", Integer),
    Column("arrested_low", Integer),
    Column("arrested_best", Integer),
    Column("arrested_high", Integer),
    Column("certainty", String(16), nullable=False),
    Column("attributed_to", String(40)),
    Column("trigger", Text),
    Column("rule", String(64)),
    # What it was done with (migration 12): JSON [{"text", "start", "end"}], offsets into
    # its document.
    Column("instruments", Text),
    Column("document_id", String(40), ForeignKey("documents.id"), nullable=False, index=True),
    # The days the event's date covers (its document's date when undated): see periods.py.
    Column("day_first", Integer),
    Column("day_last", Integer),
    Column("length_class", Integer),
)

event_participants = Table(
    "event_participants",
    metadata,
    Column("event_id", String(40), ForeignKey("events.id"), primary_key=True),
    Column("entity_id", String(40), primary_key=True),
    Column("role", String(16), primary_key=True),
)

event_links = Table(
    "event_links",
    metadata,
    Column("event_id", String(40), primary_key=True),
    Column("canonical_id", String(40), nullable=False, index=True),
    Column("score", Float, nullable=False),
    Column("method", String(64), nullable=False),
)

# One row per piece of evidence, for claims and events alike; full-text search indexes `text`.
evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_kind", String(8), nullable=False),
    Column("owner_id", String(40), nullable=False),
    Column("document_id", String(40), ForeignKey("documents.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    # An event's trigger words in this sentence, as JSON [[start, end], ...] (migration 8).
    Column("triggers", Text),
    Index("ix_evidence_owner", "owner_kind", "owner_id"),
)

disputes = Table(
    "disputes",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("subject", String(40), nullable=False, index=True),
    Column("reason", Text, nullable=False),
)

dispute_claims = Table(
    "dispute_claims",
    metadata,
    Column("dispute_id", String(40), ForeignKey("disputes.id"), primary_key=True),
    # Indexed by migration 13: each stored batch asks which disputes hold its claims.
    Column("claim_id", String(40), primary_key=True, index=True),
)

# Derived (migration 8; resolve/changes.py): the relation claims that later contrary evidence
# ends. The claim keeps the validity its sentence states; this says where the relation index
# stops stretching it forward: `day_last` is its last day, `ended_on` the contrary claim's start
# as written, `ended_by` that claim, `reason` in words. Recomputed from the claims after ingest.
inferred_ends = Table(
    "inferred_ends",
    metadata,
    Column("claim_id", String(40), primary_key=True),
    Column("day_last", Integer, nullable=False),
    Column("ended_on", String(10)),
    Column("ended_by", String(40), nullable=False, index=True),
    Column("reason", Text, nullable=False),
)

# Indexes added by migration 2, for queries on a large knowledge base: events by participant,
# names case-insensitively, places inside a country or province, claims by speaker.
QUERY_INDEXES = (
    Index("ix_event_participants_entity", event_participants.c.entity_id),
    Index("ix_aliases_alias_lower", func.lower(aliases.c.alias)),
    Index("ix_entities_country_admin1", entities.c.country, entities.c.admin1),
    Index("ix_claims_attributed_to", claims.c.attributed_to),
)

# Indexes added by migration 4: documents by date; events in date order, alone or within a
# type or a place.
EVENT_DATE_INDEXES = (
    # The newest documents and the knowledge base's span of dates, without a scan.
    Index("ix_documents_published", documents.c.published),
    Index("ix_entities_type_mentions", entities.c.type, entities.c.mentions),
    # Events in date order, for a page of them with no filter that narrows them more.
    Index("ix_events_day", events.c.day_first, events.c.id),
    # Covering what the event filters test, so that a page and its count read no table rows.
    Index(
        "ix_events_length_day",
        events.c.length_class,
        events.c.day_first,
        events.c.day_last,
        events.c.certainty,
        events.c.place,
        events.c.id,
    ),
    Index(
        "ix_events_type_day",
        events.c.event_type,
        events.c.day_first,
        events.c.day_last,
        events.c.length_class,
        events.c.certainty,
        events.c.id,
    ),
    Index(
        "ix_events_sub_type_day",
        events.c.sub_event_type,
        events.c.day_first,
        events.c.day_last,
        events.c.length_class,
        events.c.certainty,
        events.c.id,
    ),
    Index(
        "ix_events_place_day",
        events.c.place,
        events.c.day_first,
        events.c.day_last,
        events.c.length_class,
        events.c.certainty,
        events.c.id,
    ),
)

CLAIM_DATE_INDEXES = (
    # A timeline of everything walks the claims in date order.
    Index("ix_claims_sort_day", claims.c.sort_day, claims.c.id),
    # Covering what a timeline's filters test, so that its count and order read no table rows:
    # a date range, and a place (claims whose object lies there).
    Index(
        "ix_claims_length_day",
        claims.c.length_class,
        claims.c.day_first,
        claims.c.day_last,
        claims.c.sort_day,
        claims.c.id,
    ),
    Index(
        "ix_claims_object_day",
        claims.c.object,
        claims.c.sort_day,
        claims.c.day_first,
        claims.c.day_last,
        claims.c.length_class,
        claims.c.id,
    ),
)

# The relation index (migration 4): a derived copy of the positive relation claims, keyed by
# canonical entities, and per edge the periods over which its set of valid claims stays the
# same. Rebuilt from `claims` and `entity_links` at any time (store/relation_index.py); it lets
# "the network as of a date" read one row per edge instead of every claim.
relation_spans = Table(
    "relation_spans",
    metadata,
    # Keyed (and, in SQLite, stored) edge by edge: an edge's claims sit side by side on disk.
    Column("subject", String(40), primary_key=True),
    Column("predicate", String(48), primary_key=True),
    Column("object", String(40), primary_key=True),
    Column("claim_id", String(40), primary_key=True),
    Column("certainty", String(16), nullable=False),
    Column("weight", Integer, nullable=False),
    Column("day_first", Integer, nullable=False),
    Column("day_last", Integer, nullable=False),
    Column("length_class", Integer, nullable=False),
    # Copied from the claim and its document: an edge's details read this table alone.
    Column("attributed_to", String(40)),
    Column("document_id", String(40)),
    Column("valid_from", String(10)),
    Column("valid_to", String(10)),
    Column("reported", String(10)),
    Column("outlet", Text),
    Index("ix_relation_spans_days", "length_class", "day_first", "day_last"),
    # For relinking an entity found as an object. Two columns, so that it never looks like a
    # match for a whole edge key (which SQLite would then prefer to the primary key).
    Index("ix_relation_spans_object", "object", "claim_id"),
    sqlite_with_rowid=False,
)

# One small integer per edge (subject, predicate, object): grouping stretches by it is much
# cheaper than by three text ids.
edges = Table(
    "edges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(40), nullable=False),
    Column("predicate", String(48), nullable=False),
    Column("object", String(40), nullable=False),
    Index("ix_edges_key", "subject", "predicate", "object", unique=True),
)

# Per edge and certainty grade, all its claims whatever their dates (migration 6): the network
# over all time, read one row per edge and grade, already in edge order.
edge_totals = Table(
    "edge_totals",
    metadata,
    Column("edge", Integer, ForeignKey("edges.id"), primary_key=True),
    Column("certainty", String(16), primary_key=True),
    Column("predicate", String(48), nullable=False),
    Column("claims", Integer, nullable=False),
    Column("weight", Integer, nullable=False),
    sqlite_with_rowid=False,
)

edge_spans = Table(
    "edge_spans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("edge", Integer, ForeignKey("edges.id"), nullable=False),
    Column("predicate", String(48), nullable=False),
    Column("certainty", String(16), nullable=False),
    Column("day_first", Integer, nullable=False),
    Column("day_last", Integer, nullable=False),
    Column("length_class", Integer, nullable=False),
    Column("claims", Integer, nullable=False),
    Column("weight", Integer, nullable=False),
    # Of those, the claims (and their evidence) that start on day_first: summed over
    # consecutive spans after the first, they count each claim once.
    Column("new_claims", Integer, nullable=False),
    Column("new_weight", Integer, nullable=False),
    Index("ix_edge_spans_edge", "edge", "certainty"),
    # Covering: an as-of query reads the index alone.
    Index(
        "ix_edge_spans_days",
        "length_class",
        "day_first",
        "day_last",
        "predicate",
        "certainty",
        "edge",
        "claims",
        "weight",
        "new_claims",
        "new_weight",
    ),
)
