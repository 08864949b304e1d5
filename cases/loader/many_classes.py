# heap: 16384
class Base:
    tag = "base"
    def value(self):
        return 0
    def name(self):
        return type(self).__name__
class Class00(Base):
    tag = "t0"
    def value(self):
        return 1
class Class01(Class00):
    tag = "t1"
    def value(self):
        return 4
class Class02(Class01):
    tag = "t2"
    def value(self):
        return 7
class Class03(Class02):
    tag = "t3"
    def value(self):
        return 10
class Class04(Class03):
    tag = "t4"
    def value(self):
        return 13
class Class05(Base):
    tag = "t5"
    def value(self):
        return 16
class Class06(Class05):
    tag = "t6"
    def value(self):
        return 19
class Class07(Class06):
    tag = "t7"
    def value(self):
        return 22
class Class08(Class07):
    tag = "t8"
    def value(self):
        return 25
class Class09(Class08):
    tag = "t9"
    def value(self):
        return 28
class Class10(Base):
    tag = "t10"
    def value(self):
        return 31
class Class11(Class10):
    tag = "t11"
    def value(self):
        return 34
class Class12(Class11):
    tag = "t12"
    def value(self):
        return 37
class Class13(Class12):
    tag = "t13"
    def value(self):
        return 40
class Class14(Class13):
    tag = "t14"
    def value(self):
        return 43
class Class15(Base):
    tag = "t15"
    def value(self):
        return 46
class Class16(Class15):
    tag = "t16"
    def value(self):
        return 49
class Class17(Class16):
    tag = "t17"
    def value(self):
        return 52
class Class18(Class17):
    tag = "t18"
    def value(self):
        return 55
class Class19(Class18):
    tag = "t19"
    def value(self):
        return 58
class Class20(Base):
    tag = "t20"
    def value(self):
        return 61
class Class21(Class20):
    tag = "t21"
    def value(self):
        return 64
class Class22(Class21):
    tag = "t22"
    def value(self):
        return 67
class Class23(Class22):
    tag = "t23"
    def value(self):
        return 70
class Class24(Class23):
    tag = "t24"
    def value(self):
        return 73
class Class25(Base):
    tag = "t25"
    def value(self):
        return 76
class Class26(Class25):
    tag = "t26"
    def value(self):
        return 79
class Class27(Class26):
    tag = "t27"
    def value(self):
        return 82
class Class28(Class27):
    tag = "t28"
    def value(self):
        return 85
class Class29(Class28):
    tag = "t29"
    def value(self):
        return 88
class Class30(Base):
    tag = "t30"
    def value(self):
        return 91
class Class31(Class30):
    tag = "t31"
    def value(self):
        return 94
class Class32(Class31):
    tag = "t32"
    def value(self):
        return 97
class Class33(Class32):
    tag = "t33"
    def value(self):
        return 100
class Class34(Class33):
    tag = "t34"
    def value(self):
        return 103
class Class35(Base):
    tag = "t35"
    def value(self):
        return 106
class Class36(Class35):
    tag = "t36"
    def value(self):
        return 109
class Class37(Class36):
    tag = "t37"
    def value(self):
        return 112
class Class38(Class37):
    tag = "t38"
    def value(self):
        return 115
class Class39(Class38):
    tag = "t39"
    def value(self):
        return 118
classes = [Class00, Class01, Class02, Class03, Class04, Class05, Class06, Class07, Class08, Class09, Class10, Class11, Class12, Class13, Class14, Class15, Class16, Class17, Class18, Class19, Class20, Class21, Class22, Class23, Class24, Class25, Class26, Class27, Class28, Class29, Class30, Class31, Class32, Class33, Class34, Class35, Class36, Class37, Class38, Class39]
objs = [c() for c in classes]
print(len(objs), sum(o.value() for o in objs))
print([o.tag for o in objs[:6]])
print(objs[13].name(), isinstance(objs[13], Class10), isinstance(objs[13], Class09))
print(issubclass(Class39, Class35), issubclass(Class39, Class34), issubclass(Class04, Base))
