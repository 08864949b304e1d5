text = """first line
  second line
third"""
print(text)
print(len(text.split('\n')), text.count('line'))
r = r'c:\new\table'
print(r, len(r), repr(r))
implicit = ('abc'
            'def'
            "ghi")
print(implicit)
