# A script that knows it does not fit says so, as MicroPython's tests do.
print("SKIP-TOO-LARGE")
