class Config:
    level = 1
    items = []
    def __init__(self):
        self.own = []
c1 = Config()
c2 = Config()
c1.level = 5
print(c1.level, c2.level, Config.level)
Config.level = 7
print(c1.level, c2.level, Config.level)
c1.items.append('shared')
c1.own.append('mine')
print(c2.items, c2.own, c1.own)
del c1.level
print(c1.level)
print(hasattr(Config, 'own'), hasattr(c1, 'own'))
