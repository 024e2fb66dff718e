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
 * or a sent flood shares the guest's CPU with its service in proportion to what each asks: the
 * storm asks the own I/O CPU of all it asks of its devices (as far as its path lets it ask), not
 * only of what a device served it (a device serving little would make it look cheap, and a scale
 * on its whole ask from the CPU of a small part lets it ask far more than its CPU drives). Its ask
 * is then cut to what its share drives, so the ops it is served never cost more guest CPU than its
 * guest gets. An inbound flood gets what the service and the rest leave (its receiver reads no
 * faster: TCP flow control). `own`: the guest's own I/O CPU per native unit; `diskOpCpu`,
 * `netMbitCpu`: native cores per device op (of a storm's large requests) and per Mbit/s.
 */
export function holdBack(
  n: number,
  s: GuestIo,
  path: Paths,
  level: number,
  domain: boolean,
  own: number,
  diskOpCpu: number,
  netMbitCpu: number,
): boolean {
  const { appCpu, svcIoCpu, svcIoNeed, faultIoCpu, rxCpu, faultIoScale, diskFault, netFault, cpuGot } = s;
  let changed = false;
  for (let i = 0; i < n; i++) {
    const io = faultIoCpu[i],
      rx = rxCpu[i];
    const scale0 = faultIoScale[i];
    const df = diskFault[i] * scale0,
      nf = netFault[i] * scale0;
    // What it asks of each device, as far as its path lets it ask beside its service.
    const askD = Math.min(df, Math.max(0, path.dPath[i] - s.diskBase[i])),
      askN = Math.min(nf, Math.max(0, path.nPath[i] - s.netBase[i]));
    const ask = own * (askD * diskOpCpu + askN * netMbitCpu);
    if (ask <= 0 && rx <= 0) continue;
    let scale = scale0;
    if (ask > 0) {
      // The service asks its application's CPU and its requests' own I/O CPU (all they ask of the
      // devices: what a device serves the storm instead is no CPU the storm may take).
      const svcIo = svcIoNeed[i];
      const svc = appCpu[i] + svcIo;
      const room = cpuRoom(s, path.vcpus, level, domain, i);
      // Its share of that CPU over what it asks, and never more than the service's own I/O leaves
      // (the ops the devices serve the service cost their CPU first); each device's ask cut alike.
      const share = Math.min((ask * room) / (svc + ask), Math.max(0, room - svcIo));
      if (share < ask) {
        const cut = share / ask;
        const sd = df > 0 ? (askD * cut) / diskFault[i] : Infinity,
          sn = nf > 0 ? (askN * cut) / netFault[i] : Infinity;
        scale = Math.min(scale0, sd, sn);
      }
    }
    // (An inbound flood yields to the service's and the storm's CPU as their devices served them.)
    if (rx > 0) scale = Math.min(scale, Math.max(0, cpuGot[i] - appCpu[i] - svcIoCpu[i] - io) / rx);
    faultIoScale[i] = scale;
    if (scale < scale0) changed = true;
  }
  return changed;
}

/**
 * The CPU guest i can have for its storm and service: its grant where the split held it below what
 * it asked (asking more gets no more); else what it would get asking all its vCPUs can run: its
 * limit, and under a share its weight's part of the fair `level` (`domain` weighting) or its
 * vCPUs' (flat; Infinity: everyone fits, and under fixed quotas).
 */
function cpuRoom(s: GuestIo, vcpus: Float64Array, level: number, domain: boolean, i: number): number {
  const got = s.cpuGot[i];
  if (got < Math.min(s.cpuDemand[i], s.cpuLimit[i]) * (1 - 1e-9)) return got;
  let room = Math.min(vcpus[i], s.cpuLimit[i]);
  if (level < Infinity) room = Math.min(room, domain ? s.weight[i] * level : vcpus[i] * Math.min(1, level));
  return Math.max(got, room);
}

/** The per-VPS arrays holdBack reads (and `faultIoScale`, which it writes): the tick's, and its CPU split's. */
export interface GuestIo {
  readonly appCpu: Float64Array;
  readonly svcIoCpu: Float64Array;
  readonly svcIoNeed: Float64Array;
  readonly faultIoCpu: Float64Array;
  readonly rxCpu: Float64Array;
  readonly faultIoScale: Float64Array;
  readonly diskBase: Float64Array;
  readonly diskFault: Float64Array;
  readonly netBase: Float64Array;
  readonly netFault: Float64Array;
  readonly cpuGot: Float64Array;
  readonly cpuDemand: Float64Array;
  readonly cpuLimit: Float64Array;
  readonly weight: Float64Array;
}

/** Each VPS's device paths (what it may ask of each device) and vCPUs, from its plan. */
export interface Paths {
  readonly dPath: Float64Array;
  readonly nPath: Float64Array;
  readonly vcpus: Float64Array;
}
