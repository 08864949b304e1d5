# heap: 16384
def func_000(x):
    return x * 1 + 0
def func_001(x):
    return x * 2 + 1
def func_002(x):
    return x * 3 + 2
def func_003(x):
    return x * 4 + 3
def func_004(x):
    return x * 5 + 4
def func_005(x):
    return x * 6 + 5
def func_006(x):
    return x * 7 + 6
def func_007(x):
    return x * 8 + 7
def func_008(x):
    return x * 9 + 8
def func_009(x):
    return x * 10 + 9
def func_010(x):
    return x * 11 + 10
def func_011(x):
    return x * 12 + 11
def func_012(x):
    return x * 13 + 12
def func_013(x):
    return x * 1 + 13
def func_014(x):
    return x * 2 + 14
def func_015(x):
    return x * 3 + 15
def func_016(x):
    return x * 4 + 16
def func_017(x):
    return x * 5 + 17
def func_018(x):
    return x * 6 + 18
def func_019(x):
    return x * 7 + 19
def func_020(x):
    return x * 8 + 20
def func_021(x):
    return x * 9 + 21
def func_022(x):
    return x * 10 + 22
def func_023(x):
    return x * 11 + 23
def func_024(x):
    return x * 12 + 24
def func_025(x):
    return x * 13 + 25
def func_026(x):
    return x * 1 + 26
def func_027(x):
    return x * 2 + 27
def func_028(x):
    return x * 3 + 28
def func_029(x):
    return x * 4 + 29
def func_030(x):
    return x * 5 + 30
def func_031(x):
    return x * 6 + 31
def func_032(x):
    return x * 7 + 32
def func_033(x):
    return x * 8 + 33
def func_034(x):
    return x * 9 + 34
def func_035(x):
    return x * 10 + 35
def func_036(x):
    return x * 11 + 36
def func_037(x):
    return x * 12 + 37
def func_038(x):
    return x * 13 + 38
def func_039(x):
    return x * 1 + 39
def func_040(x):
    return x * 2 + 40
def func_041(x):
    return x * 3 + 41
def func_042(x):
    return x * 4 + 42
def func_043(x):
    return x * 5 + 43
def func_044(x):
    return x * 6 + 44
def func_045(x):
    return x * 7 + 45
def func_046(x):
    return x * 8 + 46
def func_047(x):
    return x * 9 + 47
def func_048(x):
    return x * 10 + 48
def func_049(x):
    return x * 11 + 49
def func_050(x):
    return x * 12 + 50
def func_051(x):
    return x * 13 + 51
def func_052(x):
    return x * 1 + 52
def func_053(x):
    return x * 2 + 53
def func_054(x):
    return x * 3 + 54
def func_055(x):
    return x * 4 + 55
def func_056(x):
    return x * 5 + 56
def func_057(x):
    return x * 6 + 57
def func_058(x):
    return x * 7 + 58
def func_059(x):
    return x * 8 + 59
def func_060(x):
    return x * 9 + 60
def func_061(x):
    return x * 10 + 61
def func_062(x):
    return x * 11 + 62
def func_063(x):
    return x * 12 + 63
def func_064(x):
    return x * 13 + 64
def func_065(x):
    return x * 1 + 65
def func_066(x):
    return x * 2 + 66
def func_067(x):
    return x * 3 + 67
def func_068(x):
    return x * 4 + 68
def func_069(x):
    return x * 5 + 69
def func_070(x):
    return x * 6 + 70
def func_071(x):
    return x * 7 + 71
def func_072(x):
    return x * 8 + 72
def func_073(x):
    return x * 9 + 73
def func_074(x):
    return x * 10 + 74
def func_075(x):
    return x * 11 + 75
def func_076(x):
    return x * 12 + 76
def func_077(x):
    return x * 13 + 77
def func_078(x):
    return x * 1 + 78
def func_079(x):
    return x * 2 + 79
def func_080(x):
    return x * 3 + 80
def func_081(x):
    return x * 4 + 81
def func_082(x):
    return x * 5 + 82
def func_083(x):
    return x * 6 + 83
def func_084(x):
    return x * 7 + 84
def func_085(x):
    return x * 8 + 85
def func_086(x):
    return x * 9 + 86
def func_087(x):
    return x * 10 + 87
def func_088(x):
    return x * 11 + 88
def func_089(x):
    return x * 12 + 89
def func_090(x):
    return x * 13 + 90
def func_091(x):
    return x * 1 + 91
def func_092(x):
    return x * 2 + 92
def func_093(x):
    return x * 3 + 93
def func_094(x):
    return x * 4 + 94
def func_095(x):
    return x * 5 + 95
def func_096(x):
    return x * 6 + 96
def func_097(x):
    return x * 7 + 97
def func_098(x):
    return x * 8 + 98
def func_099(x):
    return x * 9 + 99
def func_100(x):
    return x * 10 + 100
def func_101(x):
    return x * 11 + 101
def func_102(x):
    return x * 12 + 102
def func_103(x):
    return x * 13 + 103
def func_104(x):
    return x * 1 + 104
def func_105(x):
    return x * 2 + 105
def func_106(x):
    return x * 3 + 106
def func_107(x):
    return x * 4 + 107
def func_108(x):
    return x * 5 + 108
def func_109(x):
    return x * 6 + 109
def func_110(x):
    return x * 7 + 110
def func_111(x):
    return x * 8 + 111
def func_112(x):
    return x * 9 + 112
def func_113(x):
    return x * 10 + 113
def func_114(x):
    return x * 11 + 114
def func_115(x):
    return x * 12 + 115
def func_116(x):
    return x * 13 + 116
def func_117(x):
    return x * 1 + 117
def func_118(x):
    return x * 2 + 118
def func_119(x):
    return x * 3 + 119

funcs = [func_000, func_001, func_002, func_003, func_004, func_005, func_006, func_007, func_008, func_009, func_010, func_011, func_012, func_013, func_014, func_015, func_016, func_017, func_018, func_019, func_020, func_021, func_022, func_023, func_024, func_025, func_026, func_027, func_028, func_029, func_030, func_031, func_032, func_033, func_034, func_035, func_036, func_037, func_038, func_039, func_040, func_041, func_042, func_043, func_044, func_045, func_046, func_047, func_048, func_049, func_050, func_051, func_052, func_053, func_054, func_055, func_056, func_057, func_058, func_059, func_060, func_061, func_062, func_063, func_064, func_065, func_066, func_067, func_068, func_069, func_070, func_071, func_072, func_073, func_074, func_075, func_076, func_077, func_078, func_079, func_080, func_081, func_082, func_083, func_084, func_085, func_086, func_087, func_088, func_089, func_090, func_091, func_092, func_093, func_094, func_095, func_096, func_097, func_098, func_099, func_100, func_101, func_102, func_103, func_104, func_105, func_106, func_107, func_108, func_109, func_110, func_111, func_112, func_113, func_114, func_115, func_116, func_117, func_118, func_119]
total = 0
for f in funcs:
    total += f(3)
print(len(funcs), total)
print(func_000(1), func_059(2), func_119(3))
print([funcs[i](i) for i in range(0, 120, 17)])
