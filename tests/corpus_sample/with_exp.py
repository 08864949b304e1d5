# Output CPython would not print: the .exp beside it is the reference.
import sys

print("# first line of output, not a comment")
print(sys.implementation.name)
