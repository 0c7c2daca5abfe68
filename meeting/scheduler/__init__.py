"""The charter's rhythm: reminders that never repeat, run by one scheduler process."""
