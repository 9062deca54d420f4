// strand's WebAssembly kernels: re-exports only. Every kernel is unchecked (pointers, lengths, scalars),
// allocates nothing and never throws; src/backend/wasm.ts owns the memory and src/ validates arguments.

export { matvec_f32, matvec_f64, matmat_f32, matmat_f64, lowrank_f32, lowrank_f64 } from "./matvec";
export { phi_f32, phi_f64, dphi_f32, dphi_f64 } from "./phi";
export {
  euler_dense_f32, euler_dense_f64, euler_lowrank_f32, euler_lowrank_f64,
  rk4_dense_f32, rk4_dense_f64, rk4_lowrank_f32, rk4_lowrank_f64,
} from "./ode";
export {
  cov_lag_accum_f32, cov_lag_accum_f64, cov_sym_accum_f32, cov_sym_accum_f64, row_sum_accum_f32, row_sum_accum_f64,
  trace_f64, dot_f64, sumsq_f64, trace_prod_f64, gram_upper_f64,
} from "./cov";
export { rng_normal_f32, rng_normal_f64, rng_uniform_f64 } from "./rng";
export { tangent_step_f32, tangent_step_f64, gram_schmidt_f64 } from "./tangent";
export { bidiag_f64, bidiag_vectors_f64, rot_seq_f64, rot_pair_f64 } from "./svd";
export { tridiag_f64, tridiag_vectors_f64 } from "./tridiag";

/** First free byte after the static data: the JS-side allocator starts here. */
export function heap_base(): usize {
  return __heap_base;
}
export { hessenberg_f64, hqr_f64, hess_invit_f64 } from "./eig";
export { self_site_f64 } from "./selfsite";
export { psi_sums_f64 } from "./psi";

/** 1 in the relaxed-SIMD build (fused multiply-adds, build/strand-fma.wasm), 0 in the plain one: lets the host
 *  tell which build a module handed to it (createBackend({ module })) is. */
export function build_fma(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
