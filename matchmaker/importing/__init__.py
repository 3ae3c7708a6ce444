"""Reading registration spreadsheets (CSV or XLSX) into rows, on plain bytes: no Flask, no
SQLAlchemy. `reading.read_table` decodes the file and refuses bad ones with a coded
`TableProblem`; `fields` knows which columns an exhibitor or buyer import can use and guesses
the mapping from the headers a registration form exports."""
