# requires: module:gc
import gc
gc.disable()
keep = []
for i in range(20):
    keep.append(str(i) * 2)
print(len(keep), keep[:3], keep[-1])
gc.enable()
gc.collect()
for i in range(500):
    t = [i] * 4
print(t, gc.isenabled())
print(keep[10], sum(len(k) for k in keep))
