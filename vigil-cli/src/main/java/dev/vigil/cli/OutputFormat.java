package dev.vigil.cli;

/** -o for commands that print tables for people and JSON for scripts. */
enum OutputFormat { table, json }
