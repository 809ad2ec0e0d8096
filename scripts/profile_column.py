"""Where one Soplata column's run time goes: Brian2's per-code-object profile.

Builds one full-size column in C++ standalone (one thread) with Brian2's profiling on, runs
it, and prints the code objects that cost most, with their share of the run. Profiling adds
a timer per code object and step, so read shares, not absolute times.

    python scripts/profile_column.py --integration fast --sim 2
    python scripts/profile_column.py --integration fast --simd off   # Brian2's scalar loops
"""

from __future__ import annotations

import argparse
import tempfile


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--integration", default="dynasim", choices=["dynasim", "fast"])
    ap.add_argument("--condition", default="propofol")
    ap.add_argument("--sim", type=float, default=2.0, help="simulated seconds")
    ap.add_argument("--simd", default="on", choices=["on", "off"],
                    help="SIMD loops over cells (the default) or scalar")  # fmt: skip
    ap.add_argument("--show", type=int, default=15, help="code objects to list")
    args = ap.parse_args(argv)

    import brian2 as b2

    from wholebrain.columns import soplata2023
    from wholebrain.engine import device, vectorize

    params = soplata2023.condition(args.condition, integration=args.integration)
    with tempfile.TemporaryDirectory(prefix="wb_profile_") as build:
        device.standalone_device("cpp_standalone", build, soplata2023.dt_ms_for(params))
        try:
            net = soplata2023.build_columns(params, 1, seed=1)
            network = b2.Network(*net.objects)
            network.run(args.sim * b2.second, profile=True, namespace={})
            with vectorize.simd_builds(args.simd == "on"), vectorize.simd_loops(b2.get_device()):
                b2.device.build(directory=build, run=True, compile=True)
            print(f"soplata2023 {args.condition}, integration {args.integration}, "
                  f"simd {args.simd}, {args.sim:g} s simulated")  # fmt: skip
            print(b2.profiling_summary(network, show=args.show))
        finally:
            device.reset()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
