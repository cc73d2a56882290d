"""Understanding a farmer's free-text question: segmentation, synonyms, BM25 retrieval, homophones, scope.

``bot.nlu.retriever.retriever()`` is the entry point; everything heavy is built once per process and cached.
"""
