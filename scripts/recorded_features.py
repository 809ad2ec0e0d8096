"""Print the EEG features of the three recorded propofol segments (Purdon et al. 2013).

Usage::

    python scripts/recorded_features.py            # human table, one row per segment
    python scripts/recorded_features.py --json     # one JSON object per segment, all features
    python scripts/recorded_features.py --path DIR # folder of the .mat files

The folder defaults to ``../shared/reference/eeg_propofol_purdon/`` next to the repository
(or $WHOLEBRAIN_PURDON_DIR).
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from wholebrain.analysis import features
from wholebrain.aperiodic import aperiodic_features
from wholebrain.recorded import PURDON_FILES, load_purdon, purdon_groups

# (column header, key of Features.as_dict(), format)
COLUMNS = [
    ("state", None, "{}"),
    ("alphaPk_post Hz", "alpha_peak[posterior]", "{:.2f}"),
    ("alphaPk_front Hz", "alpha_peak[frontal]", "{:.2f}"),
    ("alpha_front dB", "alpha_power[frontal]", "{:.1f}"),
    ("front-post dB", "alpha_front_minus_post[all]", "{:+.1f}"),
    ("slow_front dB", "slow_power[frontal]", "{:.1f}"),
    ("MI_front", "pac_mi[frontal]", "{:.4f}"),
    ("phase_front deg", "pac_phase[frontal]", "{:+.0f}"),
    ("PAC_front", "pac_state[frontal]", "{}"),
    ("trough%_all", "frac_trough_max[all]", "{:.0%}"),
    ("peak%_all", "frac_peak_max[all]", "{:.0%}"),
    ("exp_front", "exponent[frontal]", "{:.2f}"),
    ("exp_post", "exponent[posterior]", "{:.2f}"),
    ("alpha>1/f_front dB", "peak_power[frontal]", "{:.1f}"),
    ("alpha>1/f_post dB", "peak_power[posterior]", "{:.1f}"),
]


def _clean(value):
    """JSON has no NaN: write null."""
    return None if isinstance(value, float) and math.isnan(value) else value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per segment")
    parser.add_argument("--path", default=None, help="folder of the .mat files")
    args = parser.parse_args(argv)
    rows = []
    for state in PURDON_FILES:
        try:
            raw = load_purdon(state, path=args.path)
        except (FileNotFoundError, ValueError) as err:
            print(f"recorded_features: {err}", file=sys.stderr)
            return 2
        groups = purdon_groups(raw)
        values = features(raw, groups=groups).as_dict()
        values.update(aperiodic_features(raw, groups))  # FOOOF, 2-40 Hz
        if args.json:
            print(json.dumps({"state": state, **{k: _clean(v) for k, v in values.items()}}))
        rows.append([state] + [fmt.format(values[key]) for _, key, fmt in COLUMNS[1:]])
    if not args.json:
        head = [c for c, _, _ in COLUMNS]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
        for row in [head, *rows]:
            print("  ".join(f"{x:>{w}}" for x, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
