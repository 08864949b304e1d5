"""Measurements of bytecode-hil: figures and ratios, never asserts."""
