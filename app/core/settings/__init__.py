"""Settings: the model, the parsing of values, where the files are and the store that layers them.

Import from the modules (model, values, paths, store); this package imports nothing itself, so the
poll scheduler can use the model's limits without loading the store.
"""
