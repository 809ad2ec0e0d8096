"""Named conditions, dose functions and override validation of soplata2023."""

from __future__ import annotations

import brian2 as b2
import pytest

import wholebrain as wb
from wholebrain.columns.soplata2023 import TABLE1_DOSES, condition, describe, dose, table2


def test_propofol_condition_is_the_papers_main_run():
    p = condition("propofol")
    assert (p.g_ampa_py_dr, p.g_ampa_tc_dr, p.g_ext_dr, p.g_ext_tc, p.g_ext_trn) == (0.005,) * 5
    assert p.g_leak_dr == 0.005 and p.g_kna == 1.33 and p.g_h == 0.005
    assert p.gabaa_cond_mult == 3 and p.gabaa_tau_mult == 3
    assert p.g_ampa_py_in == 1.0 and p.g_ampa_tc_in == 0.1 and p.g_kleak_tc == 0.0172
    assert p.sizes == {"PY": 100, "IN": 20, "TC": 20, "TRN": 20}


def test_wake_condition_removes_propofol_effects():
    p = condition("wake")
    assert p.g_h == 0.4 and p.g_kleak_tc == 0.001 and p.g_kna == 0.10
    assert p.gabaa_cond_mult == 1 and p.gabaa_tau_mult == 1
    assert p.g_ampa_py_in == pytest.approx(0.4) and p.g_nmda_py_dr == pytest.approx(0.00257 * 0.4)


def test_cortex_only_has_no_thalamus():
    assert condition("cortex_only").sizes == {"PY": 100, "IN": 20, "TC": 0, "TRN": 0}


def test_dose_sets_the_three_table1_conductances_together():
    p = dose(0.008)
    assert {p.g_ampa_py_dr, p.g_ampa_tc_dr, p.g_ext_dr, p.g_ext_tc, p.g_ext_trn} == {0.008}
    assert p.gabaa_cond_mult == 3  # everything else as the main run
    assert len(TABLE1_DOSES) == 17


def test_table2_fixes_gext_at_0004():
    p = table2(0.006, 0.010)
    assert (p.g_ampa_py_dr, p.g_ampa_tc_dr) == (0.006, 0.010)
    assert p.g_ext_dr == p.g_ext_tc == p.g_ext_trn == 0.004


def test_quantity_overrides_are_converted_to_documented_units():
    p = condition("propofol", g_h=0.4 * b2.msiemens / b2.cm**2, tau_res_ms=0.5 * b2.second)
    assert p.g_h == pytest.approx(0.4) and p.tau_res_ms == pytest.approx(500.0)


def test_unknown_parameter_name_suggests_the_close_one():
    with pytest.raises(ValueError, match="unknown soplata2023 parameter 'g_kan'.*g_kna"):
        condition("propofol", g_kan=1.0)


def test_unknown_condition_lists_known_ones():
    with pytest.raises(ValueError, match="unknown condition 'propofl'.*propofol"):
        condition("propofl")


def test_wrong_units_are_rejected():
    with pytest.raises(ValueError, match="g_h needs units of msiemens/cm\\*\\*2"):
        condition("propofol", g_h=3 * b2.mV)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"scale": -1}, "scale"),
        ({"g_leak_so": -0.1}, "g_leak_so must be >= 0"),
        ({"depr_factor": 1.5}, "depr_factor"),
        ({"depression": "stdp"}, "depression='stdp' is not known"),
        ({"connectivity": "random"}, "connectivity='random' is not known"),
        ({"tau_res_ms": 0}, "tau_res_ms must be > 0"),
    ],
)
def test_out_of_range_parameters_raise_before_any_build(override, message):
    with pytest.raises(ValueError, match=message):
        wb.BrainModel.single_column("soplata2023", "propofol", **override)


def test_every_parameter_is_documented_with_a_unit():
    rows = describe()
    assert len(rows) >= 59
    assert all(doc for _name, _default, _unit, doc in rows)


def test_region_overrides_must_name_model_regions():
    with pytest.raises(ValueError, match="region_overrides names regions not in the model"):
        wb.BrainModel(labels=("a", "b"), region_overrides={"c": {"g_h": 0.1}})


def test_structural_parameters_cannot_differ_between_regions():
    from wholebrain.columns.soplata2023 import build_columns

    with pytest.raises(ValueError, match="'scale' differs between columns"):
        build_columns([condition(scale=0.2), condition(scale=0.4)])
