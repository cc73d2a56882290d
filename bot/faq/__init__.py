"""The FAQ as data: loading content/faq/ and citing its sources (the dialog layer)."""
