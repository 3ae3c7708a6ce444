from matchmaker import create_app

app = create_app()
