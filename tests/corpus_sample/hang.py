# Never ends: hil-corpus.toml gives it a short timeout.
while True:
    pass
