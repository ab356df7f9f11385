// GGUF v3 writer: header, typed metadata, tensor infos (ggml dim order: ne[0] is the contiguous row length),
// then the aligned data section. All little-endian. Spec: ggml/docs/gguf.md.

export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'i32[]'; value: readonly number[] };

export type GgufTensor = { name: string; dims: readonly number[]; ggmlType: number; bytes: Uint8Array };

const VALUE_TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const ALIGNMENT = 32;

class ByteSink {
  private readonly chunks: Uint8Array[] = [];
  length = 0;
  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  private scalar(size: number, write: (view: DataView) => void): void {
    const bytes = new Uint8Array(size);
    write(new DataView(bytes.buffer));
    this.push(bytes);
  }
  u32(v: number): void {
    this.scalar(4, (d) => d.setUint32(0, v, true));
  }
  i32(v: number): void {
    this.scalar(4, (d) => d.setInt32(0, v, true));
  }
  u64(v: number): void {
    this.scalar(8, (d) => d.setBigUint64(0, BigInt(v), true));
  }
  f32(v: number): void {
    this.scalar(4, (d) => d.setFloat32(0, v, true));
  }
  u8(v: number): void {
    this.push(Uint8Array.of(v));
  }
  string(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.u64(bytes.length);
    this.push(bytes);
  }
  raw(bytes: Uint8Array): void {
    this.push(bytes);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad) this.push(new Uint8Array(pad));
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  switch (value.type) {
    case 'u32':
      sink.u32(VALUE_TYPE.u32);
      return sink.u32(value.value);
    case 'i32':
      sink.u32(VALUE_TYPE.i32);
      return sink.i32(value.value);
    case 'f32':
      sink.u32(VALUE_TYPE.f32);
      return sink.f32(value.value);
    case 'bool':
      sink.u32(VALUE_TYPE.bool);
      return sink.u8(value.value ? 1 : 0);
    case 'string':
      sink.u32(VALUE_TYPE.string);
      return sink.string(value.value);
    case 'string[]':
      sink.u32(VALUE_TYPE.array);
      sink.u32(VALUE_TYPE.string);
      sink.u64(value.value.length);
      return value.value.forEach((s) => sink.string(s));
    case 'i32[]':
      sink.u32(VALUE_TYPE.array);
      sink.u32(VALUE_TYPE.i32);
      sink.u64(value.value.length);
      return value.value.forEach((v) => sink.i32(v));
  }
}

export function writeGguf(metadata: ReadonlyArray<[string, GgufValue]>, tensors: readonly GgufTensor[]): Uint8Array {
  const sink = new ByteSink();
  sink.u32(0x46554747);
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(metadata.length);
  for (const [key, value] of metadata) {
    sink.string(key);
    writeValue(sink, value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    sink.string(tensor.name);
    sink.u32(tensor.dims.length);
    tensor.dims.forEach((d) => sink.u64(d));
    sink.u32(tensor.ggmlType);
    sink.u64(offset);
    offset += Math.ceil(tensor.bytes.length / ALIGNMENT) * ALIGNMENT;
  }
  sink.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    sink.raw(tensor.bytes);
    sink.padTo(ALIGNMENT);
  }
  return sink.concat();
}
