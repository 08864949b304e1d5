def locals_heavy(seed):
    l00 = seed + 0
    l01 = seed + 1
    l02 = seed + 4
    l03 = seed + 9
    l04 = seed + 16
    l05 = seed + 25
    l06 = seed + 36
    l07 = seed + 49
    l08 = seed + 64
    l09 = seed + 81
    l10 = seed + 100
    l11 = seed + 121
    l12 = seed + 144
    l13 = seed + 169
    l14 = seed + 196
    l15 = seed + 225
    l16 = seed + 256
    l17 = seed + 289
    l18 = seed + 324
    l19 = seed + 361
    l20 = seed + 400
    l21 = seed + 441
    l22 = seed + 484
    l23 = seed + 529
    l24 = seed + 576
    l25 = seed + 625
    l26 = seed + 676
    l27 = seed + 729
    l28 = seed + 784
    l29 = seed + 841
    l30 = seed + 900
    l31 = seed + 961
    l32 = seed + 1024
    l33 = seed + 1089
    l34 = seed + 1156
    l35 = seed + 1225
    l36 = seed + 1296
    l37 = seed + 1369
    l38 = seed + 1444
    l39 = seed + 1521
    l40 = seed + 1600
    l41 = seed + 1681
    l42 = seed + 1764
    l43 = seed + 1849
    l44 = seed + 1936
    l45 = seed + 2025
    l46 = seed + 2116
    l47 = seed + 2209
    l48 = seed + 2304
    l49 = seed + 2401
    l50 = seed + 2500
    l51 = seed + 2601
    l52 = seed + 2704
    l53 = seed + 2809
    l54 = seed + 2916
    l55 = seed + 3025
    l56 = seed + 3136
    l57 = seed + 3249
    l58 = seed + 3364
    l59 = seed + 3481
    return l00 + l01 + l02 + l03 + l04 + l05 + l06 + l07 + l08 + l09 + l10 + l11 + l12 + l13 + l14 + l15 + l16 + l17 + l18 + l19 + l20 + l21 + l22 + l23 + l24 + l25 + l26 + l27 + l28 + l29 + l30 + l31 + l32 + l33 + l34 + l35 + l36 + l37 + l38 + l39 + l40 + l41 + l42 + l43 + l44 + l45 + l46 + l47 + l48 + l49 + l50 + l51 + l52 + l53 + l54 + l55 + l56 + l57 + l58 + l59
def locals_sum():
    x00 = 0; x01 = 1; x02 = 2; x03 = 3; x04 = 4; x05 = 5; x06 = 6; x07 = 7; x08 = 8; x09 = 9; x10 = 10; x11 = 11; x12 = 12; x13 = 13; x14 = 14; x15 = 15; x16 = 16; x17 = 17; x18 = 18; x19 = 19; x20 = 20; x21 = 21; x22 = 22; x23 = 23; x24 = 24; x25 = 25; x26 = 26; x27 = 27; x28 = 28; x29 = 29; x30 = 30; x31 = 31; x32 = 32; x33 = 33; x34 = 34; x35 = 35; x36 = 36; x37 = 37; x38 = 38; x39 = 39
    return x00 * 2 + x01 * 2 + x02 * 2 + x03 * 2 + x04 * 2 + x05 * 2 + x06 * 2 + x07 * 2 + x08 * 2 + x09 * 2 + x10 * 2 + x11 * 2 + x12 * 2 + x13 * 2 + x14 * 2 + x15 * 2 + x16 * 2 + x17 * 2 + x18 * 2 + x19 * 2 + x20 * 2 + x21 * 2 + x22 * 2 + x23 * 2 + x24 * 2 + x25 * 2 + x26 * 2 + x27 * 2 + x28 * 2 + x29 * 2 + x30 * 2 + x31 * 2 + x32 * 2 + x33 * 2 + x34 * 2 + x35 * 2 + x36 * 2 + x37 * 2 + x38 * 2 + x39
print(locals_heavy(0), locals_heavy(10))
print(locals_sum())
print(locals_heavy(-1000) + 60 * 1000 == locals_heavy(0))
