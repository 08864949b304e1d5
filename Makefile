# bytecode-hil: the commands README.md documents. Each target runs the
# set-up first (tools/setup.sh), which installs only what is missing.
VENV ?= .venv
PYTEST = $(VENV)/bin/pytest
PYTHON = $(VENV)/bin/python
TARGET ?= qemu-m0
PYTEST_ARGS ?=

# pytest exits 5 when it ran no test: that must fail loudly, not pass.
define run_pytest
	$(PYTEST) $(1); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc
endef

.PHONY: setup suite test labgrid-e2e bench report clean

setup:
	@bash tools/setup.sh

## Run the conformance suite on $(TARGET).
suite: setup
	@$(call run_pytest,--target=$(TARGET) $(PYTEST_ARGS))

## Run the harness's own tests.
test: setup
	@$(call run_pytest,tests $(PYTEST_ARGS))

## The labgrid board source end to end on this machine: a coordinator, an
## exporter serving QEMU boards through ser2net over RFC 2217 (docs/farm.md).
labgrid-e2e:
	@HIL_SETUP_LABGRID=1 bash tools/setup.sh
	.venv-labgrid/bin/python tools/labgrid_e2e.py

## The HTML report (reports/allure-report) from the last run's reports/allure-results,
## with the history of earlier runs (reports/allure-history.jsonl). See docs/reports.md.
report:
	@bash tools/report.sh

## Measure build times and per-case speed (figures, not asserts).
bench: setup
	$(PYTHON) -m bench

clean:
	rm -rf $(VENV) .venv-labgrid reports/*.jsonl
