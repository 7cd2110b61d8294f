"""Article extraction: cleaning, boilerplate filtering, entities and topic relevance."""
