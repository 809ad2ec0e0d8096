"""f-I curve of the Soplata interneuron under the integration schemes and steps in use.

The isolated fast-spiking IN (Wang-Buzsaki rates with phi = 5, the parameters of
``Soplata2023Params``) gets a constant current for 1 s; per scheme and step the script
prints its rate at each current, the spike peak and the time per spike above +20 mV (where
the cortical synaptic sigmoid opens). It separates the cell's own response to a longer
step from what the network makes of it (``scripts/fidelity_soplata2023.py``).

    python scripts/interneuron_fi.py [--currents 0.2 0.5 1 2 4] [--duration 1000]
"""

from __future__ import annotations

import argparse

import numpy as np

#: (label, method name, dt in ms); "exp" is the fast scheme's frozen exponential Euler
SCHEMES = (("euler", "euler", 0.01), ("euler", "euler", 0.025), ("exp", "exp", 0.025),
           ("exp", "exp", 0.05))  # fmt: skip


def equations(p) -> str:
    """The IN of ``columns.soplata2023.equations.interneuron`` without its synapses, and with
    an applied current, which the column's IN does not have (so written out here)."""
    return f"""
dv/dt = (I_leak + I_na + I_k + I_app)/(1*uF/cm**2) : volt
V = v/mV : 1
I_leak = -{p.g_leak_in}*msiemens/cm**2*(v + 63.8*mV) : amp/meter**2
minf_na = 1/(1 + 4*exp(-(V + 60)/18)*exprel(-(V + 35)/10)) : 1
I_na = -{p.g_na_in}*msiemens/cm**2*minf_na**3*h_na*(v - 55*mV) : amp/meter**2
dh_na/dt = (0.35*exp(-(V + 58)/20)*(1 - h_na) - 5/(1 + exp(-(V + 28)/10))*h_na)/ms : 1
I_k = -{p.g_k_in}*msiemens/cm**2*n_k**4*(v + 90*mV) : amp/meter**2
dn_k/dt = (0.5/exprel(-(V + 34)/10)*(1 - n_k) - 0.625*exp(-(V + 44)/80)*n_k)/ms : 1
I_app : amp/meter**2 (constant)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--currents", type=float, nargs="+", default=[0.2, 0.5, 1.0, 2.0, 4.0],
                    help="uA/cm^2")  # fmt: skip
    ap.add_argument("--duration", type=float, default=1000.0, help="ms")
    args = ap.parse_args()
    import brian2 as b2

    from wholebrain.columns.soplata2023 import integration
    from wholebrain.columns.soplata2023.parameters import Soplata2023Params
    from wholebrain.engine import device

    currents = np.asarray(args.currents)
    mid = len(currents) // 2
    text = equations(Soplata2023Params())
    print(f"isolated IN, {args.duration:g} ms per current; peak and time above +20 mV at "
          f"{currents[mid]:g} uA/cm^2")  # fmt: skip
    print(f"{'scheme':<8}{'dt ms':>7}  " + "".join(f"{c:>8g}" for c in currents)
          + f"{'peak mV':>10}{'ms > 20 mV':>12}")  # fmt: skip
    for label, name, dt in SCHEMES:
        method = integration.frozen_exponential_euler if name == "exp" else name
        with device.runtime_device(dt, seed=1):
            g = b2.NeuronGroup(len(currents), text, method=method, threshold="v > -25*mV",
                               refractory="v > -25*mV", name="in_cells")  # fmt: skip
            g.v, g.h_na, g.n_k = -65 * b2.mV, 0.9, 0.1
            g.I_app = currents * b2.uamp / b2.cm**2
            spikes, trace = b2.SpikeMonitor(g), b2.StateMonitor(g, "v", record=[mid])
            b2.Network(g, spikes, trace).run(args.duration * b2.ms)
            count = np.bincount(np.asarray(spikes.i), minlength=len(currents))
            trace_mv = np.asarray(trace.v[0] / b2.mV)
        rates = count / (args.duration / 1000)
        above = (trace_mv > 20).sum() * dt / max(count[mid], 1)
        print(f"{label:<8}{dt:>7g}  " + "".join(f"{r:>8.1f}" for r in rates)
              + f"{trace_mv.max():>10.1f}{above:>12.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
