"""The dialog dispatcher: routes each message to a flow and repairs the conversation around its questions.

It sits above the flows (which it runs) and below the channels (which call ``handle``); the flows see only
the types, context and text helpers of ``bot.engine``.
"""
