#!/usr/bin/env python
from atiende.cli import main

if __name__ == "__main__":
    main()
