"""Export: the knowledge base in formats people already use."""
