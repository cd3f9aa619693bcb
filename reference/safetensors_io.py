"""Minimal safetensors reader and writer (numpy only), so the reference needs no extra package.

Format (huggingface/safetensors docs): 8-byte little-endian header length, a JSON header mapping each tensor
name to {dtype, shape, data_offsets: [begin, end]} (offsets relative to the byte buffer after the header) plus an
optional "__metadata__" string map, then the raw little-endian tensor bytes. The header is padded with spaces to a
multiple of 8 bytes, as the reference writer does.
"""
import json
import struct

import numpy as np

DTYPES = {
    'F64': np.float64, 'F32': np.float32, 'F16': np.float16,
    'I64': np.int64, 'I32': np.int32, 'I16': np.int16, 'I8': np.int8,
    'U8': np.uint8, 'BOOL': np.bool_,
}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def save(path, tensors, metadata=None):
    """tensors: dict name -> numpy array (written in sorted name order, as the reference writer does)."""
    header = {}
    if metadata:
        header['__metadata__'] = {str(k): str(v) for k, v in metadata.items()}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        data = array.astype(array.dtype.newbyteorder('<'), copy=False).tobytes()
        header[name] = {'dtype': NAMES[array.dtype], 'shape': list(array.shape),
                        'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def load(path):
    """Returns (dict name -> numpy array, metadata dict)."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    metadata = header.pop('__metadata__', {})
    body = raw[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        dtype = np.dtype(DTYPES[info['dtype']]).newbyteorder('<')
        tensors[name] = np.frombuffer(body[begin:end], dtype=dtype).reshape(info['shape']).copy()
    return tensors, metadata
