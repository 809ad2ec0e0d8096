"""Studies of a brain against EEG: fits, scans and lesion studies.

``runner``
    What every study shares: checks, identity and journal, forward model and sensor groups,
    Dask and the one compile, failures and timings.
``parameters``
    The names a study varies (``propofol_level``, ``propofol_dose``, column parameters,
    ``NAME@SCOPE``) and how they become run fields of a compiled brain.
``journal``, ``parallel``
    The JSON-lines record of a study; runs of a compiled brain as Dask tasks.
``fit``, ``scan``, ``lesion``
    The studies, with their figures (``fit_plots``, ``lesion_plots``).

Importing this package imports nothing; import the study you need.
"""
