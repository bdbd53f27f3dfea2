// Shared by token_log_prob.wgsl and token_entropy.wgsl (the wrapper prepends it): log Σ_i exp(z_i) of one row of V
// logits scaled by 1/T, with the row's maximum subtracted first so no exp overflows.
fn rowLogNormaliser(base : i32, V : i32, invTemperature : f32) -> f32 {
  var zMax = -3.402823e38;
  for (var i = 0; i < V; i++) {
    zMax = max(zMax, logits[base + i] * invTemperature);
  }
  var sum = 0.0;
  for (var i = 0; i < V; i++) {
    sum += exp(logits[base + i] * invTemperature - zMax);
  }
  return zMax + log(sum);
}
