// Times the engine compiled to wasm32 (examples/wasm_bench.rs) under Node, single thread.
//   node scripts/wasm-bench.mjs ENGINE.wasm RUNS MODEL...
// Prints one line per model: name, median seconds (import to G-code), peak linear memory MB.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [wasmPath, runsText, ...models] = process.argv.slice(2);
const runs = Number(runsText);
const module = await WebAssembly.compile(readFileSync(wasmPath));
// The package's web dependencies leave wasm-bindgen imports in the module; the engine never
// calls them, so each gets a stub that fails loudly if it ever is.
const imports = { env: {} };
for (const { module: from, name } of WebAssembly.Module.imports(module)) {
  imports[from] ??= {};
  imports[from][name] = () => { throw new Error(`engine called the import ${from}.${name}`); };
}
imports.env.now_ms = () => performance.now();
for (const model of models) {
  const data = readFileSync(model);
  const times = [];
  let memory = 0;
  for (let i = 0; i < runs; i++) {
    const instance = await WebAssembly.instantiate(module, imports);
    const { alloc, slice, memory: mem } = instance.exports;
    const ptr = alloc(data.length);
    new Uint8Array(mem.buffer, ptr, data.length).set(data);
    const t0 = performance.now();
    const lower = model.toLowerCase();
    const result = slice(ptr, data.length, lower.endsWith('.3mf') ? 1 : lower.endsWith('.obj') ? 2 : 0);
    times.push((performance.now() - t0) / 1000);
    if (result < 0) throw new Error(`${model}: slicing failed (${result})`);
    memory = Math.max(memory, mem.buffer.byteLength);
  }
  times.sort((a, b) => a - b);
  console.log(`${basename(model)}\t${times[Math.floor(times.length / 2)].toFixed(3)}\t${(memory / 1048576).toFixed(0)}`);
}
