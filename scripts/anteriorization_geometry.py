"""Frontal-minus-posterior power that a region set shows from where its sources sit.

Sources of equal power and no correlation, one per region, projected through the default
head model (average reference): the difference between the mean frontal and the mean
posterior channel power (dB, channels grouped as ``groups_by_position`` groups them) is
the anteriorization identical columns would show whatever their dynamics. The table also
gives, per region, how much more of its power lands on posterior than on frontal channels.

    python scripts/anteriorization_geometry.py
    python scripts/anteriorization_geometry.py --sets PFCDL,PFCM,M1,V1 PFCDL,M1,V1,V2
"""

from __future__ import annotations

import argparse

import numpy as np

import wholebrain as wb
from wholebrain.analysis import groups_by_position

#: region stems (both hemispheres) of fit_propofol.py's brain, and two with more posterior cortex
DEFAULT_SETS = ["PFCDL,PFCM,M1,V1", "PFCDL,PFCM,M1,V1,V2", "PFCDL,M1,V1,V2", "PFCDL,M1,V2,PCIP"]


def geometry(connectome: wb.Connectome) -> tuple[float, dict[str, float]]:
    """Frontal-minus-posterior dB of equal sources, and posterior-minus-frontal dB per region."""
    fwd = wb.make_forward(connectome)
    groups = groups_by_position(fwd.info)
    gain = fwd.gain - fwd.gain.mean(axis=0)  # average reference, as Forward.to_raw
    index = {name: i for i, name in enumerate(fwd.ch_names)}
    rows = {g: [index[c] for c in chans] for g, chans in groups.items()}
    power = (gain**2).sum(axis=1)  # uncorrelated sources of unit power
    front_minus_post = float(
        np.mean(10 * np.log10(power[rows["frontal"]]))
        - np.mean(10 * np.log10(power[rows["posterior"]]))
    )
    per_region = {
        label: float(
            10
            * np.log10(
                np.mean(gain[rows["posterior"], j] ** 2) / np.mean(gain[rows["frontal"], j] ** 2)
            )
        )
        for j, label in enumerate(fwd.region_labels)
    }
    return front_minus_post, per_region


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=DEFAULT_SETS,
                    help="comma-separated tvb76 region stems, both hemispheres each")  # fmt: skip
    args = ap.parse_args()
    full = wb.load_connectome("tvb76")
    print(f"{'regions (r and l)':<26} {'front-post dB':>13}  posterior-minus-frontal dB per region")
    for text in args.sets:
        stems = [s.strip() for s in text.split(",") if s.strip()]
        labels = [side + stem for stem in stems for side in "rl"]
        total, per = geometry(full.subset(labels))
        detail = " ".join(f"{k}:{v:+.0f}" for k, v in per.items())
        print(f"{text:<26} {total:>+13.1f}  {detail}")


if __name__ == "__main__":
    main()
