"""Batches: many documents in one go, from the command line (engine), or over HTTP as jobs
kept in the database (store) and run by Huey consumers (queue, api)."""
