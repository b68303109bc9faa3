"""Just enough CBOR (RFC 8949) to build agentproto frames and read the agent's answers."""

import struct


class Incomplete(Exception):
    """The buffer ends inside an item: read more."""


def _head(major, value):
    if value < 24:
        return bytes([major << 5 | value])
    for info, width, fmt in ((24, 1, ">B"), (25, 2, ">H"), (26, 4, ">I"), (27, 8, ">Q")):
        if value < 1 << (8 * width):
            return bytes([major << 5 | info]) + struct.pack(fmt, value)
    raise ValueError("integer too large for CBOR")


def encode(value):
    """Canonical-enough encoding of None, bool, int, bytes, str, list and dict (keys in the given order)."""
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, (bytes, bytearray)):
        return _head(2, len(value)) + bytes(value)
    if isinstance(value, str):
        raw = value.encode()
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(item) for item in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(buffer, offset=0):
    """One item from buffer at offset: (value, next offset). Raises Incomplete or ValueError."""
    if offset >= len(buffer):
        raise Incomplete()
    initial = buffer[offset]
    major, info = initial >> 5, initial & 31
    offset += 1
    if info < 24:
        argument = info
    elif info in (24, 25, 26, 27):
        width = 1 << (info - 24)
        if offset + width > len(buffer):
            raise Incomplete()
        argument = int.from_bytes(buffer[offset:offset + width], "big")
        offset += width
    else:
        raise ValueError(f"unsupported additional information {info}")
    if major == 0:
        return argument, offset
    if major == 1:
        return -1 - argument, offset
    if major in (2, 3):
        if offset + argument > len(buffer):
            raise Incomplete()
        raw = bytes(buffer[offset:offset + argument])
        return (raw if major == 2 else raw.decode("utf-8", "replace")), offset + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, offset = decode(buffer, offset)
            items.append(item)
        return items, offset
    if major == 5:
        result = {}
        for _ in range(argument):
            key, offset = decode(buffer, offset)
            result[key], offset = decode(buffer, offset)
        return result, offset
    if major == 6:
        return decode(buffer, offset)
    return {20: False, 21: True, 22: None, 23: None}.get(argument), offset


def decode_all(buffer):
    """Every complete item in buffer, and the leftover bytes."""
    items, offset = [], 0
    while True:
        try:
            item, offset = decode(buffer, offset)
        except Incomplete:
            return items, bytes(buffer[offset:])
        items.append(item)
