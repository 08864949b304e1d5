# Output that varies from run to run: the .exp skips it with a line of hashes.
print("id", id(object()))
print("stable")
