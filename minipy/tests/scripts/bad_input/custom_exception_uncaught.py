# An uncaught exception of a user-defined class: the last line is the
# class name and the message.
class ValidationError(Exception):
    pass

def validate(age):
    if age < 0:
        raise ValidationError("age must not be negative: " + str(age))
    return age

print(validate(30))
print(validate(-1))
