# Imports a helper module from its own folder.
import sample_helper

print(sample_helper.triple(14))
