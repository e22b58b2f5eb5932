"""eventledger: a sourced ledger of events from scraped conflict news."""

from eventledger.api import Ledger, process
from eventledger.records import Actor, Article, Claim, Event, Location

__version__ = "0.1.0"
__all__ = ["Actor", "Article", "Claim", "Event", "Ledger", "Location", "process"]
