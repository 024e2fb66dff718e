/**
 * The mean sojourn of an M/M/1/K stage at utilization ρ, in units of its service time: the same
 * formula service.ts evaluates inline on the hot path, for code that splits a wait by its causes.
 */
export function sojourn(rho: number, K: number): number {
  if (!(rho > 1e-12)) return 1;
  const x = rho >= 1 ? 1 : rho;
  if (1 - x < 1e-7) return (K + 1) / 2;
  const xk = Math.pow(x, K);
  const xk1 = xk * x;
  const free = 1 - xk1;
  const loss = ((1 - x) * xk) / free;
  const l = x / (1 - x) - ((K + 1) * xk1) / free;
  return l / (x * (1 - loss));
}
