"""Query: the answers the CLI, the HTTP API and the web UI all show. One layer, shared."""
