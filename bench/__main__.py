"""`python -m bench`: run every benchmark in turn."""

from bench import catalogue

if __name__ == "__main__":
    catalogue.main()
