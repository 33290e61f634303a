"""Who may sign in, how, and what each role may do to which record."""
