"""The one exception the analysis engine raises on bad input."""


class AnalysisInputError(ValueError):
    """The input cannot be analysed; the message says why, in plain words.

    It is a :class:`ValueError`, so callers that already handle ``ValueError``
    keep working; the management command shows the message to the user as is.
    """
