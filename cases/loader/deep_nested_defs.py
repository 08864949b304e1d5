# heap: 8192
def level_01(v01=1):
    def level_02(v02=2):
        def level_03(v03=3):
            def level_04(v04=4):
                def level_05(v05=5):
                    def level_06(v06=6):
                        def level_07(v07=7):
                            def level_08(v08=8):
                                def level_09(v09=9):
                                    def level_10(v10=10):
                                        def level_11(v11=11):
                                            def level_12(v12=12):
                                                def level_13(v13=13):
                                                    def level_14(v14=14):
                                                        def level_15(v15=15):
                                                            def level_16(v16=16):
                                                                def level_17(v17=17):
                                                                    def level_18(v18=18):
                                                                        def level_19(v19=19):
                                                                            def level_20(v20=20):
                                                                                return v01 + v02 + v03 + v04 + v05 + v06 + v07 + v08 + v09 + v10 + v11 + v12 + v13 + v14 + v15 + v16 + v17 + v18 + v19 + v20
                                                                            return level_20
                                                                        return level_19
                                                                    return level_18
                                                                return level_17
                                                            return level_16
                                                        return level_15
                                                    return level_14
                                                return level_13
                                            return level_12
                                        return level_11
                                    return level_10
                                return level_09
                            return level_08
                        return level_07
                    return level_06
                return level_05
            return level_04
        return level_03
    return level_02
f = level_01
depth = 1
while not isinstance(f, int):
    f = f()
    depth += 1
print(depth, f)
g = level_01()()()
print(callable(g), sum(range(1, 21)))
print(level_01(100)()()()()()()()()()()()()()()()()()()() - f)
