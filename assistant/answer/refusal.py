"""The words of an abstention, in one place: every "the articles don't say" starts with these."""

NO_ANSWER = "The articles don't say."
