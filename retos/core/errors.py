class DomainError(Exception):
    """A rule of the domain refused the action. The message is for the user: it says what to do."""

    def __init__(self, message, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
