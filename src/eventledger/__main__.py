from eventledger.cli import main

main()
