"""Clients of the public registers the product reads (the edge of the world: network calls).

They know the registers' formats and nothing of the models; services call them.
"""
