from eventledger.cli import app

app()
