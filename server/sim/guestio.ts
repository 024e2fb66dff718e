/**
 * What a guest's own I/O asks of its CPU (model spec §5, §7): the own I/O CPU its service's requests
 * need, served or not, and a storm or flood held back to the CPU its guest gives it.
 */

/**
 * The own I/O CPU a service's requests need (model spec §7: ρ = demand ÷ grant): each request's
 * I/O as far as its plan and the device let it ask, whether the device or Dom0 then served it or
 * not. What a device or Dom0 serves of it (`svcIo`, the CPU the guest burns) is less where they are
 * contended; counted as the need, a neighbour taking more of a device would lighten the victim's
 * CPU stage. `svcIo` itself where the two agree (to the last bits: no contention, nothing moves).
 */
export function serviceNeed(
  own: number,
  db: number,
  nb: number,
  dPath: number,
  nPath: number,
  hostDisk: number,
  hostNet: number,
  svcIo: number,
  diskOpCpuS: number,
  netMbitCpu: number,
): number {
  const need = own * (Math.min(db, dPath, hostDisk) * diskOpCpuS + Math.min(nb, nPath, hostNet) * netMbitCpu);
  return need > svcIo * (1 + 1e-9) ? need : svcIo;
}

/**
 * Scales each storm or flood to the CPU its guest can give it; whether any was held back. A storm
 * or a sent flood shares the guest's CPU with its service in proportion; an inbound flood gets what
 * the service and the rest leave (its receiver reads no faster: TCP flow control).
 */
export function holdBack(
  n: number,
  appCpu: Float64Array,
  svcIoCpu: Float64Array,
  faultIoCpu: Float64Array,
  rxCpu: Float64Array,
  cpuGot: Float64Array,
  faultIoScale: Float64Array,
): boolean {
  let changed = false;
  for (let i = 0; i < n; i++) {
    const io = faultIoCpu[i],
      rx = rxCpu[i];
    if (io <= 0 && rx <= 0) continue;
    const svc = appCpu[i] + svcIoCpu[i];
    let scale = io > 0 ? Math.min(1, cpuGot[i] / (svc + io)) : 1;
    if (rx > 0) scale = Math.min(scale, Math.max(0, cpuGot[i] - svc - io) / rx);
    faultIoScale[i] = scale;
    if (scale < 1) changed = true;
  }
  return changed;
}
