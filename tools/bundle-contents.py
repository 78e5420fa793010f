#!/usr/bin/env python3
"""Lists the files inside a .NET single-file bundle (any RID: ELF, Mach-O or PE), one per line:
'<type> <size> <path>'. Reads the bundle manifest the SDK's bundler writes (format 2 and later): the
apphost holds the manifest's offset just before a fixed 32-byte signature. Exits 2 when the file
is not a bundle. Used by tools/publish.sh to check that each RID carries its native libraries.
With --macho-signed FILE: exits 0 when a Mach-O file carries a code signature (see macho_signed)."""
import struct
import sys

SIGNATURE = bytes([0x8b, 0x12, 0x02, 0xb9, 0x6a, 0x61, 0x20, 0x38, 0x72, 0x7b, 0x93, 0x02, 0x14, 0xd7, 0xa0, 0x32,
                   0x13, 0xf5, 0xb9, 0xe6, 0xef, 0xae, 0x33, 0x18, 0xee, 0x3b, 0x2d, 0xce, 0x24, 0xb3, 0x6a, 0xae])
TYPES = {0: "unknown", 1: "assembly", 2: "native", 3: "deps", 4: "runtimeconfig", 5: "symbols"}


def read_string(data, pos):
    # .NET BinaryWriter string: 7-bit encoded length, then UTF-8 bytes.
    length, shift = 0, 0
    while True:
        b = data[pos]
        pos += 1
        length |= (b & 0x7f) << shift
        shift += 7
        if b < 0x80:
            break
    return data[pos:pos + length].decode("utf-8"), pos + length


def entries(path):
    with open(path, "rb") as f:
        data = f.read()
    at = data.find(SIGNATURE)
    if at < 8:
        raise ValueError("no bundle signature")
    (header,) = struct.unpack_from("<q", data, at - 8)
    if header <= 0 or header >= len(data):
        raise ValueError("not a bundle (the apphost's placeholder is empty)")
    major, _minor, count = struct.unpack_from("<IIi", data, header)
    pos = header + 12
    _bundle_id, pos = read_string(data, pos)
    if major >= 2:
        pos += 8 * 4 + 8  # deps.json and runtimeconfig.json locations, then flags
    for _ in range(count):
        offset, size = struct.unpack_from("<qq", data, pos)
        pos += 16
        if major >= 6:
            (compressed,) = struct.unpack_from("<q", data, pos)
            pos += 8
        kind = data[pos]
        pos += 1
        name, pos = read_string(data, pos)
        yield TYPES.get(kind, str(kind)), size, name


def macho_signed(path):
    """Whether a 64-bit Mach-O file has a code signature load command (LC_CODE_SIGNATURE): Apple Silicon
    refuses to run arm64 code without one; the SDK signs ad hoc when it publishes for osx, on any host."""
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    magic, _cpu, _sub, _type, ncmds, _size, _flags = struct.unpack_from("<IiiIIII", data, 0)
    if magic != 0xfeedfacf:
        raise ValueError("not a 64-bit Mach-O file")
    pos = 32
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", data, pos)
        if cmd == 0x1d:
            return True
        pos += size
    return False


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--macho-signed":
        try:
            signed = macho_signed(sys.argv[2])
        except (OSError, ValueError, struct.error) as e:
            print(f"bundle-contents: {sys.argv[2]}: {e}", file=sys.stderr)
            return 2
        print("signed" if signed else "unsigned")
        return 0 if signed else 1
    if len(sys.argv) != 2:
        print("usage: bundle-contents.py FILE | --macho-signed FILE", file=sys.stderr)
        return 2
    try:
        for kind, size, name in entries(sys.argv[1]):
            print(f"{kind} {size} {name}")
    except (OSError, ValueError, struct.error, IndexError, UnicodeDecodeError) as e:
        print(f"bundle-contents: {sys.argv[1]}: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
