"""Policy as data: county profiles, FAQ, screening rules and NLU lexicons, each with citations.

This package holds no logic; it exists so the data ships with the distribution and can be found by path.
"""
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent
