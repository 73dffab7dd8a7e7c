"""`python -m bench`: run every benchmark in turn."""

from bench import bookings, catalogue

if __name__ == "__main__":
    catalogue.main()
    bookings.main([])
