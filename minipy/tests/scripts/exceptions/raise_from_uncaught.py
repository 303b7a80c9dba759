# An uncaught `raise ... from ...` shows the cause's traceback first, then
# "The above exception was the direct cause of the following exception".
class ConfigError(Exception):
    pass

def read_port(text):
    try:
        return int(text)
    except ValueError as e:
        raise ConfigError("bad port") from e

print("reading")
read_port("eighty")
