# Skips itself as MicroPython's tests do when the VM lacks what they test.
try:
    import no_such_module_here
except ImportError:
    print("SKIP")
    raise SystemExit

print("not reached")
