"""Participant imports: exhibitors (organisations and reps) and buyers from a registration sheet."""
