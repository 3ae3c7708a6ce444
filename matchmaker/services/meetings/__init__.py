"""Meetings use cases: session set-up, booking, day-of, agendas, calendars and printouts.

One module per use case: `sessions` (set-up, slots, tables, attendance, unavailability),
`availability` (free seats, tables and slots), `booking` (the request life cycle),
`dayof` (walk-ins, held / no-show), `roundtable` (how the scheduler writes meetings),
`agenda`, `calendar` and `printouts` (what people see, subscribe to and print).
"""
