"""Roundtable scheduling use cases: wishes, building the solver's problem, runs, manual
adjustment of the draft timetable and publishing it into meetings.

Modules: `wishes` (ratings and their weights), `problem` (database → scheduler.Problem),
`runs` (start, progress, cancel, background execution), `conflicts` (pure checker of a draft),
`adjust` (move/swap/add/remove/pin), `publish` (draft → meetings, one transaction),
`report` (the quality report shown to organisers).
"""
