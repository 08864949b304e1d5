class AppError(Exception):
    pass
class ConfigError(AppError):
    def __init__(self, key, reason):
        super().__init__(key, reason)
        self.key = key
        self.reason = reason
class NetError(AppError):
    pass
for exc in (ConfigError('port', 'missing'), NetError('timeout'), AppError()):
    try:
        raise exc
    except ConfigError as e:
        print('config', e.key, e.reason, e.args)
    except AppError as e:
        print(type(e).__name__, e.args, str(e))
print(issubclass(ConfigError, Exception), issubclass(NetError, ConfigError))
print(str(ConfigError('a', 'b')), str(NetError('one arg')))
