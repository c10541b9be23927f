"""What a plan looks like to people: the family's årshjul, workload calendars, printable pages."""
