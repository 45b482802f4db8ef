#!/usr/bin/env python3
"""lsof_tuples.py FILE - the (FD, TYPE, NODE, NAME) tuples of an lsof table.

Works for both `lsof -n -P` and `stranger lsof`: NAME starts where the
header's NAME starts; the columns before it are split on white space (DEL
rows have no SIZE/OFF, so NODE is taken as the last of them).  FD loses its
lock character and its blanks so that "3u" and "3u " compare equal.
"""
import sys

lines = open(sys.argv[1], encoding="latin-1").read().splitlines()
if not lines:
    sys.exit(0)
at = lines[0].index("NAME")
out = set()
for line in lines[1:]:
    head, name = line[:at], line[at:].rstrip()
    t = head.split()
    if len(t) < 7:
        continue
    out.add("\t".join([t[3], t[4], t[-1], name]))
for row in sorted(out):
    print(row)
