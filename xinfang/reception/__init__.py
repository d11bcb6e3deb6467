"""Leader reception days, appointments, video sessions, leaders' letters, joint meetings, hearings."""
