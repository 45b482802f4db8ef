#!/usr/bin/env python3
"""strings_corpus.py DIR - write the files the strings tests compare on."""
import os, random, sys

d = sys.argv[1]
rng = random.Random(4)

def put(name, data):
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

text = (b"The quick brown fox\tjumps over the lazy dog.\r\n"
        b"login: root\nPassword:\x0b\x0cform feed\n/bin/csh\x00/bin/login\x00")
put('empty', b'')
put('random', bytes(rng.getrandbits(8) for _ in range(60000)))
put('text-no-eol', text * 50 + b'unterminated at the end')
put('short-tail', b'\x00\x01abc')
put('utf16le', ('Unicode text, little endian\x00 /bin/csh \t tab\n'
                '\u20ac euro \u00e9t\u00e9 ').encode('utf-16-le') * 40 + b'x')
put('utf16be', ('Big endian text\x00/bin/login\n\u00ff\u0100 mixed').encode('utf-16-be') * 40)
put('utf32', ('thirty-two bit\x00wide').encode('utf-32-le') * 20 +
             ('big one').encode('utf-32-be') * 20 + b'\x00\x00')
# every byte value in runs of every length, and long runs
mix = bytearray()
for i in range(1500):
    n = rng.choice([0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 200, 5000])
    mix += bytes(rng.choice(b'abcXYZ09 \t~') for _ in range(n))
    mix += bytes([rng.choice([0, 1, 9, 10, 11, 12, 13, 31, 127, 128, 200, 255])])
put('runs', bytes(mix))
put('high', bytes(range(256)) * 30 + 'caf\u00e9 na\u00efve'.encode('latin-1') * 30)
put('long-run', b'A' * 100000 + b'\x00' + b'B' * 3 + b'\x00\x00' + b'C' * 30000)
