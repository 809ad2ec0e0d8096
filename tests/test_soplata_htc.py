"""The HTC cells (posterior alpha generator) and the brain configuration that places them."""

from __future__ import annotations

import shutil

import brian2 as b2
import numpy as np
import pytest
from scipy.signal import welch

from wholebrain import brain_configs
from wholebrain.columns.soplata2023 import build_columns, condition, htc
from wholebrain.engine import device
from wholebrain.studies.parameters import propofol_overrides

N = 20
#: the other inputs of the column, absent in an isolated HTC network
_INPUTS = (
    "X_gabaa_trn_htc = 0 : 1\nX_ampa_py_htc = 0 : 1\nX_gap_htc : 1\n"
    "I_lr = 0*amp/meter**2 : amp/meter**2\n"
)


def run_htc_network(tmp_path, kleak: list[float], seconds: float = 2.5):
    """Spike times, and the mean potential (mV, 1-ms samples), of gap-coupled HTC networks
    of N cells, one per K-leak, each cell with its own 40-Hz Poisson train (one standalone
    build for all)."""
    p = condition("wake", htc=True)
    n = N * len(kleak)
    device.standalone_device("cpp_standalone", str(tmp_path), 0.01)
    b2.seed(7)
    try:
        g = b2.NeuronGroup(
            n, htc.cell(N) + _INPUTS + "net : integer (constant)\n", method="euler",
            threshold="v > -25*mV", refractory="v > -25*mV", name="htc",
        )  # fmt: skip
        msc = b2.msiemens / b2.cm**2
        for name in ("g_leak_htc g_na_htc g_dr_htc g_h_htc g_cat_htc g_caht_htc g_cal_htc "
                     "g_ahp_htc g_can_htc").split():  # fmt: skip
            setattr(g, name, getattr(p, name) * msc)
        g.g_kleak_htc = np.repeat(kleak, N) * msc
        g.g_ext, g.tau_ext, g.rate_ext = p.g_ext_htc * msc, p.tau_ext_ms * b2.ms, 40 * b2.Hz
        g.w_gap_htc = p.g_gap_htc / N * msc
        g.net = np.repeat(np.arange(len(kleak)), N)
        rng = np.random.default_rng(3)
        g.v = (-68 + 20 * rng.random(n)) * b2.mV
        g.h_na, g.q_ht, g.q_l, g.ca_htc = 0.6, 0.3, 0.9, 5e-5
        g.run_regularly("s_ext += int(rand() < rate_ext*dt)", when="synapses", name="drive")
        gap = b2.Synapses(g, g, "X_gap_htc_post = V_pre : 1 (summed)", name="gap")
        gap.connect(condition="net_pre == net_post")
        spikes = b2.SpikeMonitor(g, name="spikes")
        trace = b2.StateMonitor(g, "v", record=True, dt=1 * b2.ms, name="trace")
        b2.Network(g, gap, spikes, trace).run(seconds * b2.second)
        b2.device.build(directory=str(tmp_path), run=True, compile=True)
        t, i = np.asarray(spikes.t / b2.second), np.asarray(spikes.i)
        v = np.asarray(trace.v / b2.mV)
    finally:
        device.reset()
    spikes_of = [t[(i // N) == k] for k in range(len(kleak))]
    mean_v = [v[k * N : (k + 1) * N].mean(axis=0) for k in range(len(kleak))]
    return spikes_of, mean_v


def _spectrum(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Welch spectrum (1-s windows) of a network's mean potential (1-ms samples)."""
    return welch(x - x.mean(), fs=1000, nperseg=1000)


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")
def test_htc_cells_burst_at_alpha_at_the_wake_k_leak_and_at_delta_at_propofols(tmp_path):
    wake = condition("wake").g_kleak_htc
    prop = condition("propofol").g_kleak_htc
    times, mean_v = run_htc_network(tmp_path, [wake, prop])
    burn, stop = 0.5, 2.5
    rates = [np.sum(t > burn) / N / (stop - burn) for t in times]
    settled = [v[int(burn * 1000) :] for v in mean_v]
    # awake: the network fires (Li et al. 2017's HTC cells burst at alpha when depolarised)
    assert rates[0] > 5.0
    f, p = _spectrum(settled[0])
    band = (f >= 2) & (f <= 40)
    peak = f[band][np.argmax(p[band])]
    # isolated, the gap-coupled cells settle at 7-8 Hz; in the column, TRN feedback brings
    # them to alpha (next test)
    assert 6.0 <= peak <= 13.0, f"population rhythm at {peak} Hz"
    # power density in the alpha band against 20-40 Hz (1 for a flat spectrum)
    contrast = p[(f >= 7) & (f <= 13)].mean() / p[(f >= 20) & (f <= 40)].mean()
    assert contrast > 3.0
    # the propofol K-leak (Li et al.'s low-ACh delta state) hyperpolarises them below their
    # high-threshold window: they burst on the low-threshold T current, at delta
    fp, pp = _spectrum(settled[1])
    wide = (fp >= 1) & (fp <= 40)
    assert fp[wide][np.argmax(pp[wide])] <= 4.5
    delta_share = [q[(fp >= 1) & (fp <= 4)].sum() / q[wide].sum() for q in (p, pp)]
    assert delta_share[1] > 0.3 and delta_share[0] < 0.1, delta_share
    assert np.mean(settled[1]) < np.mean(settled[0]) - 10


def test_a_column_with_htc_cells_wires_them_and_htc_weight_zero_cuts_them():
    p = condition("wake", htc=True)
    with device.runtime_device(0.01, seed=1):
        net = build_columns([p, p.replace(htc_weight=0.0)], seed=1)
        assert net.sizes["HTC"] == 20 and net.groups["HTC"].N == 40
        # all-to-all within each column: 20 x 20 gap pairs, 20 x 100 onto PYdr
        assert net.synapse_counts["gap_htc"] == 2 * 400
        assert net.synapse_counts["ampa_htc_dr"] == 2 * 2000
        py = net.groups["PY"].w_ampa_htc_dr[:]
        trn = net.groups["TRN"].w_ampa_htc_trn[:]
        gap = net.groups["HTC"].w_gap_htc[:]
        inhib = net.groups["HTC"].w_gabaa_trn_htc[:]
    for w, n in ((py, 100), (trn, 20), (gap, 20), (inhib, 20)):
        assert np.all(np.asarray(w[:n]) > 0) and np.all(np.asarray(w[n:]) == 0)
    msc = b2.msiemens / b2.cm**2
    # weights are g/NF: the gap junctions' factor is the 20 cells (g_gap_htc per cell)
    assert float(gap[0] / msc) == pytest.approx(p.g_gap_htc / 20)


def test_columns_without_htc_cells_are_unchanged():
    p = condition("propofol")
    assert "HTC" not in p.sizes
    with device.runtime_device(0.01, seed=1):
        net = build_columns(p, seed=1)
        assert "HTC" not in net.groups
        assert not any("htc" in name for name in net.synapse_counts)
        assert float(net.groups["PY"].w_ampa_htc_dr[0]) == 0.0


def test_both_thalami_answer_the_same_propofol_level():
    mid = propofol_overrides("soplata2023", 0.5)
    wake, prop = condition("wake"), condition("propofol")
    # one acetylcholine axis moves both K-leaks, each between its source model's ends
    for name in ("g_kleak_tc", "g_kleak_htc"):
        assert mid[name] == pytest.approx((getattr(wake, name) + getattr(prop, name)) / 2)
    # Li et al. (2017): alpha state (high ACh) 0, delta state (low ACh) 0.035
    assert (wake.g_kleak_htc, prop.g_kleak_htc) == (0.0, 0.035)
    for name in ("g_ampa_htc_dr", "g_ampa_htc_in", "g_ampa_py_htc"):
        assert mid[name] == pytest.approx((getattr(wake, name) + getattr(prop, name)) / 2)
    assert "htc_weight" not in mid  # where the generator is, is not a drug effect


def test_visual_thalamus_targets_are_occipital_parietal_and_temporal():
    chosen = set(brain_configs.visual_thalamus_targets())
    for side in "lr":
        assert {f"{side}V1", f"{side}PCI", f"{side}PCIP", f"{side}PCM"} <= chosen
        assert not {f"{side}PFCDL", f"{side}M1", f"{side}A1", f"{side}FEF"} & chosen
    assert len(chosen) == 14


def test_posterior_alpha_places_the_generator_and_rejects_bad_regions():
    brain = brain_configs.posterior_alpha("tvb76")
    assert brain.overrides["htc"] is True and brain.overrides["htc_weight"] == 0.0
    weights = {
        lab: p.htc_weight for lab, p in zip(brain.region_labels, brain.column_params(), strict=True)
    }
    on = {lab for lab, w in weights.items() if w == 1.0}
    assert on == set(brain_configs.visual_thalamus_targets()) & set(brain.region_labels)
    assert weights["rPFCDL"] == 0.0
    with pytest.raises(ValueError, match="none of the tvb66 labels is a visual-thalamus target"):
        brain_configs.posterior_alpha("tvb66")
    with pytest.raises(ValueError, match="not in tvb76: xV9"):
        brain_configs.posterior_alpha("tvb76", regions=["rV1", "xV9"])
    custom = brain_configs.posterior_alpha("tvb66", regions=["rCUN"])
    assert custom.region_overrides["rCUN"]["htc_weight"] == 1.0


def test_the_htc_column_has_alpha_in_its_dipole_that_the_plain_column_lacks():
    import wholebrain as wb

    # one network, two awake columns: the first with its HTC cells wired, the second with
    # them cut off (htc_weight 0), i.e. the plain Soplata column
    brain = wb.BrainModel.independent(2, condition="wake", htc=True)
    plain = brain.region_labels[1]
    brain = brain.replace(region_overrides={plain: {"htc_weight": 0.0}})
    fs, burn, shares = None, 1.0, []
    for seed in (1, 2):  # the plain column's 8-13 Hz share varies from seed to seed
        res = wb.simulate(brain, duration=4.0, seed=seed, backend="cpp", threads=1)
        fs = res.proxy_sfreq
        for r in range(2):
            x = np.asarray(res.dipole)[r, int(burn * fs) :]
            f, p = welch(x - x.mean(), fs=fs, nperseg=int(2 * fs))
            band = (f >= 2) & (f <= 40)
            shares.append((r, p[(f >= 8) & (f <= 13)].sum() / p[band].sum()))
        t = np.asarray(res.spikes["HTC"]["t"])
        region = np.asarray(res.spikes["HTC"]["region"])
        counts, _ = np.histogram(t[(region == 0) & (t > burn)], bins=np.arange(burn, 4.0, 0.002))
        f, p = welch(counts - counts.mean(), fs=500, nperseg=500)
        band = (f >= 2) & (f <= 40)
        assert 8.0 <= f[band][np.argmax(p[band])] <= 12.0  # the HTC cells' rhythm
    # scripts/posterior_alpha.py, 3 seeds x 6 s: alpha share 0.21 +- 0.02 against 0.06
    htc, plain_ = (np.mean([sh for r, sh in shares if r == k]) for k in (0, 1))
    assert htc > 2.0 * plain_, shares


def test_fast_gap_junctions_couple_a_cell_to_the_others_only():
    """Within a fast step's substeps the gap sum holds start-of-step potentials; the cell's
    own term comes out with v_prev, so the current is sum_j (V_j - V) over the others."""
    import sympy as sp

    n = 5
    text = next(line for line in htc.cell(n, True).splitlines() if line.startswith("I_gap"))
    expr = sp.sympify(text.split("=", 1)[1].split(":")[0].replace("mV", "1"))
    start = np.array([-60.0, -55.0, -70.0, -52.0, -65.0])  # mV, in the column sum
    now = -40.0  # cell 0 after some substeps of a spike
    got = float(expr.subs({"w_gap_htc": 1, "X_gap_htc": start.sum(), "v_prev": start[0], "V": now}))
    assert got == pytest.approx(np.sum(start[1:] - now))
    published = next(line for line in htc.cell(n, False).splitlines() if line.startswith("I_gap"))
    assert "v_prev" not in published  # one Euler step: the sum holds the cell's own V
