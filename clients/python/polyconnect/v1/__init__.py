"""Generated protocol stubs for ``proto/polyconnect/v1`` (see ``scripts/generate.sh``).

Only the SDK's ``wire`` module and stream code use these; connector code never needs them.
"""
