"""Waits (up to 10 s) until a URL answers; exits non-zero if it never does."""
import sys
import time
import urllib.request

for _ in range(50):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(f"{sys.argv[1]} did not answer")
