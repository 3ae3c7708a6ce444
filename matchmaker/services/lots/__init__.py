"""Cacao lot use cases: editing by reps (editing, analyses, sensory, certificates, plots,
photos) and, in their own modules, the public sheet and catalogue."""
