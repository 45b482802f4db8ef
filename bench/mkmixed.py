#!/usr/bin/env python3
"""mkmixed.py OUT SIZE_MB [SEED] - a mixed file like a memory dump: pieces of
the system's executables and libraries, random bytes, zero pages, text and
UTF-16 text, in random order and random sizes."""
import os, random, sys

out, size = sys.argv[1], int(sys.argv[2]) << 20
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)

def files(dirs, limit):
    got = []
    for d in dirs:
        for root, _, names in os.walk(d):
            for n in names:
                p = os.path.join(root, n)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                try:
                    if os.path.getsize(p) > 4096:
                        got.append(p)
                except OSError:
                    pass
                if len(got) >= limit:
                    return got
    return got

def load(paths, cap):
    blobs, total = [], 0
    for p in paths:
        try:
            with open(p, 'rb') as f:
                b = f.read(4 << 20)
        except OSError:
            continue
        blobs.append(b)
        total += len(b)
        if total > cap:
            break
    return blobs

bins = load(sorted(files(['/usr/bin', '/usr/lib/x86_64-linux-gnu'], 400)), 64 << 20)
text = load(sorted(files(['/usr/include', '/usr/share/perl'], 2000)), 16 << 20)
text = b''.join(text) or b'The quick brown fox jumps over the lazy dog.\n' * 100000
utf16 = text[: 4 << 20].decode('latin-1').encode('utf-16-le')

with open(out, 'wb') as f:
    done = 0
    while done < size:
        n = min(rng.randint(4 << 10, 1 << 20), size - done)
        r = rng.random()
        if r < 0.40:
            b = rng.choice(bins)
            o = rng.randint(0, max(0, len(b) - n))
            piece = b[o:o + n]
        elif r < 0.65:
            piece = os.urandom(n)
        elif r < 0.75:
            piece = bytes(n)
        elif r < 0.90:
            o = rng.randint(0, max(0, len(text) - n))
            piece = text[o:o + n]
        else:
            o = rng.randint(0, max(0, len(utf16) - n))
            piece = utf16[o:o + n]
        f.write(piece)
        done += len(piece)
