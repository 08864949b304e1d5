"""What a run leaves: every report is a sink of the runner (``sinks``):
the journal, the results files and timing reports, Allure results, JUnit XML,
the differential matrix; and the baselines later runs compare with."""
