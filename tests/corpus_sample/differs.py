# Prints something its .exp does not expect: a failure.
print("actual")
