// wrangler (and the vitest plugin) import `*.wasm` as a compiled WebAssembly.Module (CompiledWasm rule).
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
