// SimGrid peer of the runner bench (perf.md): V virtual machines of 1-4 vCPUs on one 64-core host
// (SimGrid's s4u VirtualMachine model), each VM's CPU demand re-drawn every simulated second,
// for S simulated seconds. Each vCPU is an actor running an endless computation; the VM's bound
// (its demand, in cores) caps what its vCPUs get, and the host shares its cores among the VMs.
// Build: g++ -O2 -std=c++17 simgrid-peer.cpp -lsimgrid -o simgrid-peer
// Run:   ./simgrid-peer V S      (prints "V S wall-seconds" on stdout)
#include <simgrid/s4u.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace sg4 = simgrid::s4u;

static const double CORE_SPEED = 1e9; // flop/s per core

/** The same deterministic 32-bit LCG as the engine bench. */
struct Lcg {
  uint32_t s;
  double next() {
    s = s * 1664525u + 1013904223u;
    return s / 4294967296.0;
  }
};

int main(int argc, char** argv)
{
  int v = argc > 1 ? std::atoi(argv[1]) : 256;
  int seconds = argc > 2 ? std::atoi(argv[2]) : 600;
  int sg_argc = 1;
  char* sg_argv[] = {argv[0], nullptr};
  auto t0 = std::chrono::steady_clock::now();
  sg4::Engine e(&sg_argc, sg_argv);
  auto* zone = sg4::create_full_zone("world");
  sg4::Host* pm = zone->create_host("pm", CORE_SPEED)->set_core_count(64)->seal();
  zone->seal();

  std::vector<sg4::VirtualMachine*> vms;
  std::vector<int> vcpus;
  for (int i = 0; i < v; i++) {
    int n = 1 + i % 4;
    auto* vm = pm->create_vm("vm-" + std::to_string(i), n);
    vm->start();
    vms.push_back(vm);
    vcpus.push_back(n);
    for (int k = 0; k < n; k++)
      sg4::Actor::create("vcpu", vm, [] { sg4::this_actor::execute(1e300); });
  }
  sg4::Actor::create("demand", pm, [&vms, &vcpus, v, seconds] {
    Lcg rand{static_cast<uint32_t>(v * 7919 + 1)};
    for (int s = 0; s < seconds; s++) {
      for (size_t i = 0; i < vms.size(); i++) vms[i]->set_bound(rand.next() * vcpus[i] * CORE_SPEED);
      sg4::this_actor::sleep_for(1.0);
    }
    sg4::Actor::kill_all();
  });
  e.run();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%d %d %.3f\n", v, seconds, wall);
  return 0;
}
