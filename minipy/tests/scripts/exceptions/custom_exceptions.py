# Custom exception classes: subclass Exception; args, str() and repr()
# come from the base class unless overridden.
class AppError(Exception):
    pass

class ConfigError(AppError):
    def __init__(self, key, reason):
        super().__init__(key, reason)
        self.key = key

class Quiet(Exception):
    def __str__(self):
        return "custom str"

try:
    raise AppError("something failed")
except AppError as e:
    print(type(e).__name__, e.args, str(e), repr(e))

try:
    raise ConfigError("port", "not a number")
except AppError as e:
    print(type(e).__name__, e.args, str(e), repr(e), e.key)
    print(isinstance(e, ConfigError), isinstance(e, AppError), isinstance(e, Exception))

try:
    raise Quiet("ignored in str", 2)
except Exception as e:
    print(str(e), e.args)

e = AppError()
print(e.args, repr(str(e)), repr(e))
print(repr(AppError(1)), str(AppError(1)), repr(ValueError("x", "y")))
