"""The engine's flows, one module each; ``FLOWS`` lists them in main-menu order."""
